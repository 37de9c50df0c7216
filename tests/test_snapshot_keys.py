"""A snapshot's key follows all of its code: edit what computes a kind and its snapshots are stale.

The key digests the kind's declared modules and every module of ours they import
(build_hooks/snapshots/kinds.py, code_files). Here the edit is made where an author would make it,
in a copy of the project whose code comes first on the path, and the offline build (what GitHub
Pages runs) must refuse the snapshot by name instead of serving the old vocabulary.
"""

from __future__ import annotations

import re

from build_hooks.snapshots import kinds
from helpers import build, copy_project


def test_the_vocab_kind_digests_the_whole_browser_tokenizer():
    files = kinds.code_files("vocab")
    for module in ("demos.tokenizers.regexes", "demos.tokenizers.pretokenize", "demos.tokenizers.vocab",
                   "demos.tokenizers.bpe", "demos.tokenizers.spm", "build_hooks.model.vocab"):
        assert module in files, module
    assert "format" not in kinds.KINDS["vocab"].options          # nothing bumped by hand


def test_the_code_digest_follows_imports_down_to_demos():
    """beam is declared as model/llm.py + demos/beam.py; llm.py imports the sampler, which imports demos.sampling."""
    files = kinds.code_files("beam")
    assert {"build_hooks.model.llm", "demos.beam", "build_hooks.model.sampler", "demos.sampling"} <= set(files)
    assert not any(m.startswith("demos.tokenizers") for m in files)     # only what it imports


def test_editing_a_tokenizer_regex_makes_the_vocab_snapshot_stale(tmp_path):
    config = copy_project(tmp_path / "talk", code=True)
    regexes = tmp_path / "talk" / "demos" / "tokenizers" / "regexes.py"
    text = regexes.read_text(encoding="utf-8")
    edited = text.replace('"STARCODER": [\n        "\\\\p{N}",', '"STARCODER": [\n        "\\\\p{N}{1,3}",')
    assert edited != text                  # SmolLM2's digits, grouped by three instead of one by one
    regexes.write_text(edited, encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path / "talk"), "DECK_OFFLINE": "1",
           "DECK_SNAPSHOTS": str(tmp_path / "talk" / "slides" / "snapshots")}
    result = build(config, tmp_path / "site", env)
    out = result.stdout + result.stderr
    assert result.returncode != 0, "the offline build served the old vocabulary:\n" + out[-3000:]
    assert re.search(r"slides/09-tokens\.md:\d+: snapshot `vocab", out), out[-3000:]
    assert "make snapshots" in out
    stale = set(re.findall(r"snapshot `(\w+)", out))
    assert stale == {"vocab"}, out[-3000:]          # the tokenizer's ids (llama.cpp's) stay fresh
    assert not (tmp_path / "site").exists()
