"""The browser tokenizer (demos.tokenizers, the code Pyodide runs) against llama.cpp itself.

Reference: llama.cpp's own tokenizer test vocabularies (tests/vocab_suite.py fetches them from the
llama-cpp-python sdist) and their test strings, plus the held-out strings of test_demos.py and a
seeded random mix, each tokenized by `Llama(path, vocab_only=True).tokenize(text, add_bos=False,
special=False)`. Every "gpt2", "gemma4" and "llama" vocabulary must give exactly llama.cpp's ids;
every other one must be refused by name.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

import vocab_suite
from build_hooks.model import gguf
from build_hooks.model import vocab as export
from demos import tokenizers
from demos.tokenizers.regexes import NAMES, UNSUPPORTED
from helpers import TOKENIZER_CASES

llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make deps-model)")
from build_hooks.model import loader  # noqa: E402 (needs llama_cpp)

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = {"gpt2", "gemma4", "llama"}
ALPHABET = list("abcxyzABCXYZ0123456789 '\"!?.,;:-_()[]{}<>/\\|$+=^~`@#%&*") + [" "] * 10 + \
    ["\n", "\t", "\r", "  ", "\n\n", "   "] + list("éèàüößÄÉñçœ中文字日本語한국어ΩαβДжЯ١٢३४ℕⅷ²½€£©™°•…—“”‘’«»") + \
    ["\u0301", "\u0308", "\u3000", "\u00a0", "\u2009", "\u200b", "\x1d", "\x0b", "\x0c", "\x85", "😀", "👍🏽",
     "🇫🇷", "𝔸", "\u2581", "'s", "'t", "'re", "'LL", "'D", "<s>", "</s>", "<|endoftext|>", "<|im_end|>",
     "<unk>", "<mask>", "\ufffd", "ǅ", "ʰ", "ـ", "\u0e01\u0e34", "\u0915\u094d", "<0x41>"]


def random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(n)]


@pytest.fixture(scope="module")
def suite() -> dict:
    try:
        return vocab_suite.vocab_files()
    except vocab_suite.SuiteUnavailable as err:
        if err.offline:
            pytest.skip(f"offline: llama.cpp's tokenizer suite is not cached and cannot be downloaded ({err})")
        raise


@pytest.fixture(scope="module")
def all_strings(suite) -> list[str]:
    """Every suite string (each vocabulary is checked on all of them) plus the held-out ones."""
    strings = [s for path in suite.values() for s in vocab_suite.suite_strings(path)]
    return list(dict.fromkeys(strings + TOKENIZER_CASES + random_texts(1, 100)))


def mismatches(path, tok, texts) -> list:
    llm = loader.load(str(path), vocab_only=True)
    wrong = []
    for text in texts:
        expected = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if tok.encode(text) != expected:
            wrong.append((text, expected[:20], tok.encode(text)[:20]))
    return wrong


def test_the_suite_is_complete(suite):
    """The files the issue names are all there (a pip change must not silently shrink the test)."""
    assert {"llama-spm", "llama-bpe", "phi-3", "qwen2", "gpt-2", "falcon", "gemma-4", "bert-bge"} <= set(suite)


def test_the_gguf_reader_accepts_vocab_only_files_and_rejects_truncated_ones(suite, tmp_path):
    for name, path in suite.items():
        info = gguf.read(path)                         # no tensors, no padding: llama.cpp loads these
        assert info.tensors == [] and info.file_size == info.expected_size, name
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(suite["gpt-2"].read_bytes()[:-7])
    with pytest.raises(gguf.GGUFError, match=r"cut\.gguf is truncated"):
        gguf.read(cut)


def test_every_suite_vocabulary_is_exact_or_refused_by_name(suite, all_strings):
    report = {}
    for name, path in suite.items():
        info = gguf.read(path, arrays=True)
        model = info.metadata["tokenizer.ggml.model"]
        if model not in SUPPORTED:
            with pytest.raises(tokenizers.Unsupported, match=f"tokenizer type '{model}'"):
                export.export(info)
            report[name] = f"refused ({model})"
            continue
        tok = tokenizers.load(export.export(info))
        wrong = mismatches(path, tok, all_strings)
        assert not wrong, f"{name}: {len(wrong)} of {len(all_strings)} strings differ, e.g. {wrong[:3]}"
        report[name] = "exact"
    print(json.dumps(report, indent=1))
    assert sorted(n for n, r in report.items() if r.startswith("refused")) == ["bert-bge", "nomic-bert-moe"]


def with_strings(src, dst, **values) -> None:
    """A copy of a vocab-only GGUF with string keys set, e.g. pre="qwen2" sets `tokenizer.ggml.pre`
    (llama.cpp then applies that rule to this vocabulary). A missing key is appended: a vocab-only
    file ends with its key/values, so the new pair goes at the end and the count goes up by one."""
    data = bytearray(src.read_bytes())
    assert struct.unpack_from("<Q", data, 8)[0] == 0, "only vocab-only GGUFs (no tensors) can be edited so"
    for name, value in values.items():
        key, new = f"tokenizer.ggml.{name}".encode(), value.encode()
        pair = struct.pack("<Q", len(key)) + key
        at = data.find(pair)
        if at < 0:
            data += pair + struct.pack("<IQ", 8, len(new)) + new
            struct.pack_into("<Q", data, 16, struct.unpack_from("<Q", data, 16)[0] + 1)
            continue
        at += len(pair)
        assert struct.unpack_from("<I", data, at)[0] == 8          # a string value
        old = struct.unpack_from("<Q", data, at + 4)[0]
        data[at + 4:at + 12 + old] = struct.pack("<Q", len(new)) + new
    dst.write_bytes(bytes(data))


def one_name_per_type(raw_utf8: bool) -> list[str]:
    names = {}
    for name, (kind, flags) in NAMES.items():
        if kind not in UNSUPPORTED and (kind in ("GEMMA4", "SARVAM_MOE")) == raw_utf8:
            names.setdefault((kind, frozenset(flags)), name)
    return sorted(names.values())


@pytest.mark.parametrize("source,raw_utf8", [("gpt-2", False), ("gemma-4", True)])
def test_every_supported_pre_tokenizer_matches_llama_cpp(suite, tmp_path, source, raw_utf8):
    """Each llama.cpp pre-tokenizer we claim, put into a real vocabulary and checked against llama.cpp.
    (Gemma 4's '▁' vocabulary serves the pre-tokenizers that work on raw UTF-8 as a "gpt2" model.)"""
    texts = vocab_suite.suite_strings(suite["llama-bpe"]) + random_texts(2, 60)
    for name in one_name_per_type(raw_utf8):
        path = tmp_path / f"{name}.gguf"
        with_strings(suite[source], path, model="gpt2", pre=name)
        tok = tokenizers.load(export.export(gguf.read(path, arrays=True)))
        wrong = mismatches(path, tok, texts)
        assert not wrong, f"pre-tokenizer {name}: {len(wrong)} strings differ, e.g. {wrong[:2]}"


def test_unsupported_pre_tokenizers_are_refused_by_name(suite, tmp_path):
    for name in ("kimi-k2", "superbpe", "tiny_aya"):
        path = tmp_path / "v.gguf"
        with_strings(suite["gpt-2"], path, pre=name)
        with pytest.raises(tokenizers.Unsupported, match=f"pre-tokenizer '{name}'"):
            export.export(gguf.read(path, arrays=True))


def cli(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_hooks", "tokenize", *map(str, args)], input=stdin,
                          capture_output=True, text=True)


def test_cli_prints_llama_cpp_ids_one_json_list_per_text(suite):
    path = suite["llama-spm"]
    llm = loader.load(str(path), vocab_only=True)
    texts = ["def f(x):\n\treturn x  # é", "Hello world"]
    result = cli(path, *texts)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [llm.tokenize(t.encode(), add_bos=False, special=False)
                                                    for t in texts]
    piped = cli(path, stdin="line one\n  line two\n")      # no TEXT: the whole of stdin is one text
    assert json.loads(piped.stdout) == llm.tokenize(b"line one\n  line two\n", add_bos=False, special=False)


def test_cli_refuses_an_unsupported_tokenizer_with_exit_2(suite):
    result = cli(suite["bert-bge"], "hello")
    assert result.returncode == 2
    assert "tokenizer type 'bert' is not supported" in result.stderr and "ggml-vocab-bert-bge.gguf" in result.stderr
    assert result.stdout == ""


def test_vocabulary_file_is_smaller_than_the_json_it_replaces(suite):
    """One line per token or merge (Gemma 4: 262,144 tokens, 514,906 merges), not a JSON document."""
    info = gguf.read(suite["gemma-4"], arrays=True)
    text = export.export(info)
    head = json.loads(text.partition("\n")[0])
    assert head["n_tokens"] == 262144 and text.count("\n") == 1 + head["n_tokens"] + head["n_merges"]
    md = info.metadata
    old = json.dumps({"tokens": md["tokenizer.ggml.tokens"], "merges": md["tokenizer.ggml.merges"],
                      "token_type": md["tokenizer.ggml.token_type"]}, ensure_ascii=False, separators=(",", ":"))
    assert len(text.encode()) < 0.85 * len(old.encode())


def test_the_same_code_gives_llama_cpp_ids_under_pyodide_in_chromium(suite, all_strings, browser, tmp_path):
    """demos/tokenizers in Pyodide (Python 3.14, Unicode 16: newer than llama.cpp's tables) in
    Chromium, on three families, including characters Unicode assigned after llama.cpp's table."""
    from pyodide_tokenizer import PyodideTokenizer

    # found by simulating Unicode 16 without unicode.NEW_AFTER_15_1: each gave other ids than llama.cpp
    newer = ["\U000116e3's", " \U0001e5f5's\U0001cc91\U0001cdf8's \u1b7f", "a\U000113bb1  \U000116d4",
             "\U000113bba\U000113c5\U0001fbe8  \U00016d76 ", "'s  \U00016d6d"]
    texts = all_strings + newer
    with PyodideTokenizer(browser, tmp_path / "site") as py:
        assert py.version.startswith("3.14")
        for name in ("llama-spm", "gemma-4", "qwen2", "starcoder"):
            text_file = tmp_path / f"{name}.txt"
            text_file.write_text(export.export(gguf.read(suite[name], arrays=True)), encoding="utf-8")
            timing = py.load(text_file)
            assert timing["n"] > 0
            llm = loader.load(str(suite[name]), vocab_only=True)
            expected = [llm.tokenize(t.encode("utf-8"), add_bos=False, special=False) for t in texts]
            got = py.encode(texts)
            wrong = [(t, e, g) for t, e, g in zip(texts, expected, got) if e != g]
            assert not wrong, f"{name} under Pyodide: {len(wrong)} strings differ, e.g. {wrong[:2]}"


# --- the deck with another model: what the build does with its tokenizer -------------------------

def cache_in(folder):
    """A build config whose cache is `folder` (all bundle.vocab reads of it)."""
    from types import SimpleNamespace
    return SimpleNamespace(cache=folder)


def served(data):
    """A snapshot store that serves this `vocab` snapshot (as the store does once it is computed)."""
    from types import SimpleNamespace
    return SimpleNamespace(get=lambda kind, params, where: data, checksum=lambda kind, params, where: "sha-of-it")


def test_a_sentencepiece_model_gets_a_live_widget_with_llama_cpp_ids(suite, monkeypatch, tmp_path):
    """DECK_MODEL = a SentencePiece ("llama") GGUF: the build exports its vocabulary, the worker's
    Page loads that file, and the widget's ids for typed multi-line code are llama.cpp's.
    (The suite's llama-spm file has no weights, so the rest of a deck build can't run on it.)"""
    from build_hooks.browser import bundle
    from build_hooks.fences import demo as demo_fence
    from build_hooks.fences.registry import _tokenizer_info
    from demos import web

    info = gguf.read(suite["llama-spm"], arrays=True)
    data = export.snapshot(info)
    page = web.Page()
    # what the worker fetches
    page.tokenizer_load(bundle.vocab(cache_in(tmp_path), served(data)).read_text(encoding="utf-8"))
    llm = loader.load(str(suite["llama-spm"]), vocab_only=True)
    for text in ["def f(x):\n\tif x:\n        return x ** 2\n\n# done", "  two leading spaces", "é\n\n😀 <s> x"]:
        assert [t["id"] for t in page.tokenize(text)] == llm.tokenize(text.encode(), add_bos=False, special=False)
    html = unescape(demo_fence.render_tokenizer({"text": "a\n\tb"}, page.tokenize("a\n\tb"), _tokenizer_info(data)))
    assert "The model's own tokenizer: llama (SentencePiece BPE)" in html and 'data-live="off"' not in html
    assert "<textarea name=\"text\" rows=\"4\" spellcheck=\"false\">\na\n\tb</textarea>" in html


def test_an_unsupported_tokenizer_is_refused_in_the_build_log_and_stays_static(suite, monkeypatch, tmp_path, caplog):
    from build_hooks.browser import bundle
    from build_hooks.fences import demo as demo_fence
    from build_hooks.fences.registry import _tokenizer_info

    data = export.snapshot(gguf.read(suite["bert-bge"], arrays=True))
    assert data["unsupported"].startswith("tokenizer type 'bert' is not supported")
    with caplog.at_level("INFO", logger="mkdocs.build_hooks.demos"):
        assert bundle.vocab(cache_in(tmp_path), served(data)) is None     # nothing for the browser to fetch
        assert not (tmp_path / "demos" / "vocab.txt").exists()
    assert "tokenizer demo: tokenizer type 'bert' is not supported" in caplog.text
    llm = loader.load(str(suite["bert-bge"]), vocab_only=True)
    ids = llm.tokenize(b"hello world", add_bos=False, special=False)        # the static view: llama.cpp's ids
    html = unescape(demo_fence.render_tokenizer({"text": "hello world"}, [{"id": i, "label": "?"} for i in ids],
                                                _tokenizer_info(data)))
    assert 'data-live="off"' in html and "readonly>" in html      # nothing pretends to be live
    assert "The live tokenizer does not support this model's tokenizer type (bert)." in html
    assert f'data-token-ids="{json.dumps(ids, separators=(",", ":"))}"' in html


def test_a_deck_built_with_a_sentencepiece_model_tokenizes_like_llama_cpp_in_chromium(suite, browser, tmp_path):
    """The whole deck, built (strict) from a copy of this repository with DECK_MODEL = a tiny runnable
    llama GGUF around the suite's SentencePiece vocabulary (tests/tiny_gguf.py); in Chromium the
    tokenizer widget names the type and gives llama.cpp's ids for typed multi-line code."""
    from build_hooks import localhost
    from pages import open_demo, wake
    from tiny_gguf import tiny_llama

    model = tiny_llama(suite["llama-spm"], tmp_path / "tiny-spm.gguf")
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        if not name.startswith("node_modules/") and (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    site = tmp_path / "served" / "deck"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=repo,
                            env={**os.environ, "DECK_MODEL": str(model), "NO_MKDOCS_2_WARNING": "1"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    llm = loader.load(str(model), vocab_only=True)
    server, base = localhost.serve(site.parent)
    page = browser.new_page()
    try:
        _, widget = open_demo(page, site, base + "deck/", "tokenizer")
        assert "llama (SentencePiece BPE)" in widget.locator(".demo-title").text_content()
        field = widget.locator("textarea[name=text]")
        static = json.loads(widget.locator(".demo-tokens").get_attribute("data-token-ids"))
        assert static == llm.tokenize(field.input_value().encode(), add_bos=False, special=False)
        wake(page, widget)
        for text in ["def f(x):\n\tif x:\n        return x ** 2\n\n# done\n", "  naïve café 😀\n\n日本語"]:
            field.fill(text)
            want = json.dumps(llm.tokenize(text.encode(), add_bos=False, special=False), separators=(",", ":"))
            page.wait_for_function("([el, want]) => el.querySelector('.demo-tokens').dataset.tokenIds === want",
                                   arg=[widget.element_handle(), want], timeout=60_000)
    finally:
        page.close()
        server.shutdown()


@pytest.mark.parametrize("name", ["llama-spm", "llama-bpe"])
def test_the_embeddings_snapshot_finds_a_word_as_the_vocabularys_own_piece(suite, tmp_path, name):
    """SentencePiece writes " king" as '▁king', byte-level BPE as 'Ġking': the embeddings snapshot looks
    each word up whole in the GGUF's token list and gets the id llama.cpp gives the word inside a sentence;
    a word the vocabulary lacks is llama.cpp's own pieces of it (their mean row)."""
    from build_hooks.snapshots import kinds
    from tiny_gguf import tiny_llama

    model = tiny_llama(suite[name], tmp_path / f"tiny-{name}.gguf")
    params = kinds.normalize("embeddings", {"words": ["king", "Paris", "python", "Monday", "Kalamangish"], "top": 2})
    words = kinds.compute("embeddings", params, model)["words"]
    llm = loader.load(str(model), vocab_only=True)

    def inside(word):
        """llama.cpp's tokens for `word` after "The" (the word's own, as inside a sentence)."""
        before = llm.tokenize(b"The", add_bos=False, special=False)
        ids = llm.tokenize(f"The {word}".encode(), add_bos=False, special=False)
        assert ids[:len(before)] == before
        return ids[len(before):]

    for w in words[:4]:
        assert "id" in w and [w["id"]] == inside(w["word"]), w
        assert w["text"] == " " + w["word"]
    assert "id" not in words[4] and words[4]["ids"] == inside("Kalamangish") and len(words[4]["ids"]) > 1
