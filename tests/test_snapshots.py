"""The snapshot cache: freshness, determinism, corruption, offline builds, fence errors and HTML."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from build_hooks.fences import snapshot as snapshot_fence
from build_hooks.mkdocs import snapshot_hooks
from build_hooks.model import choice as model
from build_hooks.model.choice import Choice
from build_hooks.snapshots import store as snapshots
from build_hooks.snapshots.store import SnapshotError, Store

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = Choice("embedded", "default")
REQUESTS = [("next_tokens", {"prompt": "The cat sat on the", "top": 5}), ("tokens", {"text": "Hello, world"}),
            ("model_card", {})]


def fill(directory: Path, force=False) -> Store:
    store = Store(directory, EMBEDDED, force=force)
    for kind, params in REQUESTS:
        store.get(kind, params, "tests:1")
    return store


def files(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_fresh_snapshots_are_served_and_two_refreshes_are_byte_identical(tmp_path):
    first = fill(tmp_path)
    assert len(first.computed) == 3
    before = files(tmp_path)
    again = fill(tmp_path)
    assert again.computed == []                                   # all fresh: nothing computed
    forced = fill(tmp_path, force=True)
    assert len(forced.computed) == 3 and files(tmp_path) == before  # recomputed, same bytes
    other = tmp_path / "other"
    fill(other)
    assert files(other) == before


def test_corrupted_snapshot_is_detected_and_regenerated(tmp_path):
    fill(tmp_path)
    before = files(tmp_path)
    victim = next(tmp_path.glob("next_tokens-*.json"))
    victim.write_text(victim.read_text().replace("cat", "dog"))
    store = fill(tmp_path)
    assert [d for d, _ in store.computed] == [snapshots.describe("next_tokens", snapshots.normalize(*REQUESTS[0]))]
    assert files(tmp_path) == before
    victim.write_text("{not json")
    offline = Store(tmp_path, EMBEDDED)
    offline.can_compute = False
    with pytest.raises(SnapshotError, match=r"slides/x\.md:7: snapshot `next_tokens .* is corrupted .*make snapshots"):
        offline.get(*REQUESTS[0], "slides/x.md:7")


def test_checksum_vouches_for_a_fresh_file_without_parsing_it(tmp_path):
    store = Store(tmp_path, EMBEDDED)
    digest = store.checksum("model_card", {}, "tests:1")           # missing: computed like get()
    entry = next(iter(store.manifest["entries"].values()))
    assert len(store.computed) == 1 and digest == entry["sha256"]
    assert Store(tmp_path, EMBEDDED).checksum("model_card", {}, "tests:1") == digest
    (tmp_path / entry["file"]).write_text("{}")                   # corrupted: computed again
    again = Store(tmp_path, EMBEDDED)
    assert again.checksum("model_card", {}, "tests:1") == digest and len(again.computed) == 1


def test_without_the_model_the_manifest_identity_serves_fresh_snapshots(tmp_path, monkeypatch):
    fill(tmp_path)

    def gone(choice):
        raise model.ModelUnavailable("not on this machine")
    monkeypatch.setattr(model, "locate", gone)
    monkeypatch.setattr(snapshots, "llama_version", lambda: None)    # GitHub Pages: no llama-cpp-python
    offline = Store(tmp_path, EMBEDDED)
    assert not offline.can_compute
    assert offline.get(*REQUESTS[0], "x")["top"][0]["text"] == " cat"
    with pytest.raises(SnapshotError, match=r"slides/s\.md:3: snapshot `tokens .*missing.*not on this machine.*make snapshots"):
        offline.get("tokens", {"text": "never computed"}, "slides/s.md:3")
    stranger = Store(tmp_path, Choice("ollama:other", "DECK_MODEL"))
    with pytest.raises(SnapshotError, match="unknown"):
        stranger.get(*REQUESTS[0], "x")


def test_fence_errors_name_file_and_line():
    text = "---\ntitle: t\n---\n\n## A\n\n```snapshot next_tokens\ntop: 3\n```\n"
    with pytest.raises(PluginError, match=r"slides/a\.md:7: `next_tokens` needs the option `prompt`"):
        snapshot_hooks.snapshot_fences(text, "slides/a.md")
    bad = "```snapshot completion\nprompt: hi\ntemperature: 2\n```\n"
    with pytest.raises(PluginError, match=r"slides/b\.md:1: unknown option\(s\) temperature"):
        snapshot_hooks.snapshot_fences(bad, "slides/b.md")
    with pytest.raises(PluginError, match=r"unknown snapshot kind `next_token`"):
        snapshot_hooks.snapshot_fences("```snapshot next_token\nprompt: x\n```\n", "slides/c.md")


def test_rendering_escapes_tokens_and_shows_probabilities_as_text():
    step = {"id": 5, "text": "<b>&", "prob": 0.05, "logprob": -3.0,
            "top": [{"id": 9, "text": " cat", "prob": 0.5, "logprob": -0.7}]}
    html = snapshot_fence.render("completion", {"prompt": "<i>", "runs": [
        {"label": "greedy", "tokens": [step]}], "model": {"name": "m", "quantization": "Q4_1"}})
    assert "<b>" not in html and "&lt;b&gt;&amp;" in html and "&lt;i&gt;" in html
    assert 'aria-label="&#x27;&lt;b&gt;&amp;&#x27;: probability 5.0%"' in html   # number in text, not colour only
    assert "snap-unsure" in html and "(chosen)" in html and "␣" in html


def test_fresh_build_never_imports_llama_cpp(tmp_path):
    """The committed snapshots are fresh: a build must not even import llama_cpp."""
    snaps = tmp_path / "snapshots"
    shutil.copytree(ROOT / "slides" / "snapshots", snaps)
    before = files(snaps)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1", "DECK_SNAPSHOTS": str(snaps),
             "DECK_FIGURE_CACHE": str(tmp_path / "figures")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "llama_cpp" not in result.stderr
    assert files(snaps) == before
    svg = (tmp_path / "site" / "figures" / "temperature.svg").read_text()
    assert "<title>" in svg and "var(--fg)" in svg


def test_stale_snapshot_without_model_fails_the_build_naming_the_slide(tmp_path):
    from conftest import mkdocs_build
    site = tmp_path / "site"
    result = mkdocs_build(site, env={"DECK_MODEL": str(tmp_path / "gone.gguf"), "DECK_SNAPSHOTS": str(tmp_path / "s")})
    assert result.returncode != 0
    assert "make snapshots" in result.stderr and "gone.gguf not found" in result.stderr
    assert __import__("re").search(r"slides/[\w-]+\.md:\d+: snapshot `", result.stderr), result.stderr[-2000:]
    assert not site.exists() and not (tmp_path / "s").exists()


def test_refresh_cli_help_and_missing_model(tmp_path):
    import os
    run = lambda *args, **env: subprocess.run([sys.executable, "-m", "build_hooks", "snapshots", *args], cwd=ROOT,
                                              capture_output=True, text=True, env={**os.environ, **env})
    assert "--force" in run("--help").stdout
    result = run(DECK_MODEL="ollama:no-such-model", OLLAMA_MODELS=str(tmp_path), DECK_SNAPSHOTS=str(tmp_path / "s"))
    assert result.returncode == 1 and "ollama pull no-such-model:latest" in result.stderr
    assert not (tmp_path / "s").exists()
