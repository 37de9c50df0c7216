"""A crash of llama.cpp (native code) is caught and explained, never a bare "Segmentation fault".

The model runs in a child process (build_hooks/snapshots/worker.py). DECK_TEST_CRASH makes that
child REALLY crash right before it would run llama.cpp (it reads address 0, or calls abort()):
the kernel's signal, not a mock. The build must say what crashed, where and with which model,
write nothing, and `mkdocs serve` must keep serving.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT, free_port, mkdocs_build

pytest.importorskip("llama_cpp")

from build_hooks.model.choice import Choice, embedded_path
from build_hooks.snapshots import worker
from build_hooks.snapshots.store import SnapshotError, Store

EMBEDDED = Choice("embedded", "default")
NAME = "SmolLM2 135M Instruct"


def files(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def fresh_worker(monkeypatch):
    """This process's model worker started anew (it reads DECK_TEST_CRASH when it starts)."""
    monkeypatch.setattr(worker, "_shared", None)
    yield
    if worker._shared:
        worker._shared.close()


def test_the_worker_computes_what_the_model_computes_in_process():
    from build_hooks.model import llm

    child = worker.Worker()
    try:
        got = child.compute("next_tokens", {"prompt": "The cat sat on the", "top": 5}, embedded_path())
        assert child.proc.poll() is None                     # one long-lived child: still there for the next one
        again = child.compute("tokens", {"text": "Hello"}, embedded_path())
    finally:
        child.close()
    assert got == llm.get(str(embedded_path())).next_tokens("The cat sat on the", 5)
    assert got["top"][0]["text"] == " cat" and again["ids"] == llm.get(str(embedded_path())).tokenize("Hello", False)


def test_a_python_error_in_the_worker_is_raised_as_itself():
    child = worker.Worker()
    try:
        with pytest.raises(ValueError, match="need at least one token"):
            child.compute("next_tokens", {"prompt": "", "top": 5}, embedded_path())   # normalize() is skipped here
        assert child.compute("tokens", {"text": "Hi"}, embedded_path())["ids"]        # and it keeps working
    finally:
        child.close()


@pytest.mark.parametrize("sig", ["SIGSEGV", "SIGABRT"])
def test_a_crash_is_a_sentence_naming_kind_place_model_cause_and_fix_and_writes_nothing(
        tmp_path, monkeypatch, fresh_worker, sig):
    monkeypatch.setenv(worker.CRASH_ENV, sig)
    store = Store(tmp_path, EMBEDDED)
    store.get("model_card", {}, "slides/x.md:2")          # pure Python (reads the GGUF): no child, no crash
    before = files(tmp_path)
    with pytest.raises(SnapshotError) as err:
        store.get("next_tokens", {"prompt": "A prompt nobody asked for"}, "slides/x.md:7")
    message = str(err.value)
    assert message.startswith(f"llama.cpp crashed ({sig}) computing `next_tokens` for slides/x.md:7 with {NAME} "
                              f"({embedded_path()}). "), message
    assert "Fix: " in message and message.endswith("Nothing was written for this snapshot.")
    assert files(tmp_path) == before                      # no snapshot file, the manifest as it was
    # later requests of this build fail at once, pointing at the first crash (no crash loop)
    first = rf"llama\.cpp crashed .*\({sig} at slides/x\.md:7"
    with pytest.raises(SnapshotError, match=rf"slides/x\.md:9: .* not computed: {first}"):
        store.get("tokens", {"text": "Hi"}, "slides/x.md:9")
    # the next build starts a new child: once the cause is gone, it computes
    monkeypatch.delenv(worker.CRASH_ENV)
    assert Store(tmp_path, EMBEDDED).get("next_tokens", {"prompt": "A prompt nobody asked for"}, "slides/x.md:7")["top"]


def test_explanations_name_the_likely_cause_and_the_fix():
    for sig, words in [("SIGSEGV", "corrupt or truncated GGUF"), ("SIGABRT", "GGML_ASSERT"),
                       ("SIGKILL", "out-of-memory"), ("SIGILL", "another CPU")]:
        text = worker.explain(worker.NativeCrash(sig, -1))
        assert words in text and "Fix: " in text, (sig, text)
    segv = worker.explain(worker.NativeCrash("SIGSEGV", -11))
    assert ("AMX" in segv) == worker.has_amx()            # the AMX hint only where the CPU has AMX


def stale_copy(tmp_path: Path, kind: str, params: dict) -> Path:
    """A copy of the committed snapshots without the entry for (kind, params): a build must compute it."""
    snaps = tmp_path / "snapshots"
    shutil.copytree(ROOT / "slides" / "snapshots", snaps, ignore=shutil.ignore_patterns(".lock"))
    manifest = json.loads((snaps / "manifest.json").read_text())
    gone = [k for k, e in manifest["entries"].items() if e["kind"] == kind and e["params"] == params]
    assert gone, f"no committed {kind} snapshot with {params}"
    for key in gone:
        (snaps / manifest["entries"].pop(key)["file"]).unlink()
    (snaps / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return snaps


def first_fence(deck: str, info: str) -> str:
    lines = (ROOT / "slides" / deck).read_text(encoding="utf-8").splitlines()
    return f"slides/{deck}:{lines.index(info) + 1}"


def test_the_strict_build_stops_with_the_sentence_and_writes_nothing(tmp_path):
    snaps = stale_copy(tmp_path, "next_tokens", {"prompt": "The cat sat on the", "top": 10})
    before = files(snaps)
    site = tmp_path / "site"
    result = mkdocs_build(site, env={"DECK_SNAPSHOTS": str(snaps), worker.CRASH_ENV: "SIGSEGV"})
    assert result.returncode == 1, (result.returncode, result.stderr[-3000:])     # mkdocs' own error exit, not -11
    where = first_fence("08-sampling.md", "```snapshot next_tokens")
    assert f"llama.cpp crashed (SIGSEGV) computing `next_tokens` for {where} with {NAME}" in result.stderr
    assert "(snapshots and the site were left untouched)" in result.stderr
    assert files(snaps) == before and not site.exists()


def repo_copy(tmp_path: Path) -> Path:
    """mkdocs.yml and slides/ copied (so a test can edit a slide), the code and npm files linked."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "slides", tmp_path / "slides", ignore=shutil.ignore_patterns(".lock"))
    for name in ("build_hooks", "demos", "node_modules"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def test_serve_keeps_serving_when_the_model_crashes_on_a_rebuild(tmp_path):
    root = repo_copy(tmp_path / "repo")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DECK_CACHE": str(tmp_path / "cache"),
           worker.CRASH_ENV: "SIGSEGV", "SITE_URL": f"http://127.0.0.1:{port}/"}
    env.pop("DECK_SNAPSHOTS", None)
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}",
                               "-f", str(root / "mkdocs.yml")], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log, seen = [], threading.Condition()

    def read():
        for line in server.stdout:
            with seen:
                log.append(line)
                seen.notify_all()

    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern: str, timeout: float) -> None:
        with seen:
            ok = seen.wait_for(lambda: re.search(pattern, "".join(log)) or server.poll() is not None, timeout)
        assert ok and server.poll() is None, f"waiting for {pattern!r}:\n{''.join(log)[-4000:]}"

    try:
        wait_for(r"Serving on http://127\.0\.0\.1", 300)          # the first build: every snapshot fresh
        snaps = files(root / "slides" / "snapshots")
        deck = root / "slides" / "08-sampling.md"
        where = first_fence("08-sampling.md", "```snapshot next_tokens")
        line = int(where.rsplit(":", 1)[1])
        text = deck.read_text(encoding="utf-8").splitlines(keepends=True)
        assert text[line] == 'prompt: "The cat sat on the"\n'
        text[line] = 'prompt: "The dog sat on the"\n'             # a new snapshot: the model must run
        deck.write_text("".join(text), encoding="utf-8")
        wait_for(r"llama\.cpp crashed \(SIGSEGV\) computing `next_tokens` for " + re.escape(where), 300)
        wait_for(r"An error happened during the rebuild", 60)     # MkDocs' own words for a failed rebuild
        assert files(root / "slides" / "snapshots") == snaps     # nothing half-written
        # still up: the slide put back, the next rebuild serves again (no restart)
        crashed_at = len(log)
        text[line] = 'prompt: "The cat sat on the"\n'
        deck.write_text("".join(text), encoding="utf-8")
        with seen:
            rebuilt = seen.wait_for(
                lambda: "Reloading browsers" in "".join(log[crashed_at:]) or server.poll() is not None, 300)
        assert rebuilt and server.poll() is None, "".join(log)[-4000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/08-sampling/", timeout=60) as page:
            assert page.status == 200 and b"The cat sat on the" in page.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
