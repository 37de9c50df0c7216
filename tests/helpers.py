"""Helpers the test modules share (test modules never import each other; fixtures are in conftest.py).
This one builds and copies projects; its siblings: pages.py (the built site in Playwright's Chromium),
live_playwright.py (the live widget opted in), browsers.py and live_pages.py (three engines behind one
driver), llama_chain.py (llama.cpp's sampler chain).

- `mkdocs_build`, `build`: real strict MkDocs builds, their site and caches in temporary folders;
- `copy_project`: a copy of the talk to build or edit; `fence_line`: where a fence sits in a slide;
- `options`, `deck_config`: the plugin's options and the project config as a build makes them;
- `browser_page`, `free_port`, `checkout_state`; CHROMIUM & co. from build_hooks/localhost.py;
- `variant`: a project of given decks; the waits READY, LOAD for the browser tests (tests/pages.py
  holds what they do with the built site);
- `wait_until`, a condition outside the browser, never a fixed sleep;
- llama.cpp as the reference: `llama_reference`, `probs_after`, `probs_along`, `foreign_arithmetic`.

Example:
>>> options(theme="black").theme
'black'
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from build_hooks.localhost import CHROMIUM, CHROMIUM_ARGS, launch, serve  # noqa: F401 (tests take them from here)

ROOT = Path(__file__).resolve().parents[1]
KEEP_OUT = (".venv", "node_modules")      # ignored folders the suite may not change either way, too big to walk
# Browser waits (ms), for a busy 2-core machine: Pyodide boots in ~3 s on a quiet one; the live model
# loads its 98 MB and llama.cpp's wasm on top of that.
READY = 120_000
LOAD = 180_000
STAGE = {"width": 1280, "height": 720}           # the projector's screen
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FRONT = "---\ntitle: {title}\nminutes: {minutes}\norder: {order}\n---\n"     # a deck's front matter
# Texts the tokenizer is checked on against llama.cpp (in Python and under Pyodide)
TOKENIZER_CASES = [
    "The cat sat on the", "Hello  world   ", "   leading spaces", "trailing\n\n", "café naïve résumé Zürich",
    "e\u0301 combining", "日本語のテキスト 中文 한국어", "emoji 😀👍🏽 👨‍👩‍👧 🇫🇷", "Ωμέγα Привет мир",
    "def f(x):\n    return x**2  # comment\n\tif x: pass", "I'll they've we're it's DON'T 'S",
    "1234567 3.14 ²³ ½ Ⅻ ١٢٣", "<|im_start|>user\nhi<|im_end|>", "tabs\t\tand\r\nCRLF",
    "a\u00a0b\u2009c\u3000d", "\x00\x01\x1f control", "$$$ ... !!! ??? ---", "x" * 300, "  \n  \n ",
    "", " ", "'", "''re", "a  1", "q  ,", "<img src=x onerror=alert(1)>", "https://example.org/a?b=c&d=e",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mkdocs_build(dest: Path, *, env: dict | None = None, config: Path | None = None) -> subprocess.CompletedProcess:
    """Run a real strict MkDocs build of this repo (or `config`) into `dest`, over a copy of the snapshots
    (the build cache is the session's, DECK_CACHE, set by conftest.py). Never `-q`: it drops MkDocs'
    warnings before --strict counts them, so a quiet strict build fails on errors only. The log is captured."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(dest)]
    if config:
        cmd += ["-f", str(config)]
    env = dict(env or {})
    if "DECK_SNAPSHOTS" not in env:
        copy = Path(str(dest) + "-snapshots")
        shutil.copytree(ROOT / "slides" / "snapshots", copy, ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
        env["DECK_SNAPSHOTS"] = str(copy)
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True)


def checkout_state() -> dict:
    """What the suite must leave as it found it: `git status` (tracked and untracked files) and every
    ignored file (.cache/, site/, ...: path, size, mtime), .venv/ and node_modules/ aside."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    state = {"git status": git("status", "--porcelain", "--untracked-files=all")}
    for entry in git("ls-files", "--others", "--ignored", "--exclude-standard", "--directory").splitlines():
        if entry.rstrip("/") in KEEP_OUT:
            continue
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            st = f.stat()
            state[f.relative_to(ROOT).as_posix()] = (st.st_size, st.st_mtime_ns)
    return state


@contextlib.contextmanager
def browser_page(browser, **options):
    """A page in a browser context of its own (viewport, color_scheme, is_mobile...), closed afterwards."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def options(**values):
    """The deck plugin's options as MkDocs validates them from `plugins: - deck: {values}` (ValueError if bad)."""
    from build_hooks.plugin.options import DeckPluginConfig

    config = DeckPluginConfig()
    config.load_dict(values)
    failed, _ = config.validate()
    if failed:
        raise ValueError("; ".join(str(err) for _, err in failed))
    return config


def deck_config(root: Path = ROOT, *, cache: Path, node_modules: Path | None = None, environ: dict | None = None,
                **values):
    """A DeckConfig for a project at `root` (slides/ beside mkdocs.yml) with these plugin options,
    its rebuildable files in `cache` (never the checkout's .cache/) and node_modules from this checkout."""
    from dataclasses import replace

    from build_hooks.plugin.project import DeckConfig

    mkdocs = SimpleNamespace(config_file_path=str(root / "mkdocs.yml"), docs_dir="slides")
    cfg = DeckConfig.from_mkdocs(mkdocs, options(**values), environ={"DECK_CACHE": str(cache), **(environ or {})})
    return replace(cfg, node_modules=node_modules or ROOT / "node_modules")


def copy_project(dest: Path, *, code: bool = False, notebook: bool = False, live: bool = True) -> Path:
    """A copy of this talk at `dest`: mkdocs.yml, slides/ (snapshots included), node_modules linked;
    with code=True also build_hooks/ and demos/, to be put first on PYTHONPATH and edited there.
    The notebook plugin is left out unless notebook=True (its kernel is no part of the generator: the
    notebook is then a plain file the site serves, as the slide's link expects);
    live=False ships no live model (that needs the GGUF on the machine). Returns the copy's mkdocs.yml."""
    import re

    dest.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if not notebook:
        text = re.sub(r"^(\s*)- mkdocs-jupyter:?.*\n(?:\1\s+\S.*\n)*", "", text, flags=re.M)
    if not live:
        text, n = re.subn(r"^(\s*)enabled: true", r"\1enabled: false", text, flags=re.M)
        assert n == 1, "mkdocs.yml's plugins.deck.live.enabled moved"
    (dest / "mkdocs.yml").write_text(text, encoding="utf-8")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    skip = shutil.ignore_patterns(".lock", "__pycache__")
    shutil.copytree(ROOT / "slides", dest / "slides", ignore=skip)      # the notebook too: a slide links to it
    if code:
        for package in ("build_hooks", "demos"):
            shutil.copytree(ROOT / package, dest / package, ignore=skip)
    return dest / "mkdocs.yml"


def build(config: Path, site: Path, env: dict | None = None, cwd: Path | None = None):
    """`mkdocs build --strict` of `config` into `site`, its caches under site's folder, never the checkout's.
    DECK_SNAPSHOTS / DECK_MODEL / DECK_OFFLINE come only from `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DECK_SNAPSHOTS", "DECK_MODEL", "DECK_OFFLINE")}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    return subprocess.run(cmd, cwd=cwd or config.parent, capture_output=True, text=True,
                          env={**clean, "NO_MKDOCS_2_WARNING": "1", "DECK_CACHE": str(site.parent / "cache"),
                               **(env or {})})


def fence_line(path: Path, opening: str) -> int:
    """The 1-based line of the first fence in `path` that opens with `opening` ("```demo tokenizer")."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(opening):
            return n
    raise AssertionError(f"{path} has no fence opening with {opening!r}")


# Browser pages ------------------------------------------------------------------------------------

def variant(tmp_path: Path, decks: dict[str, str]) -> Path:
    """A copy of mkdocs.yml over the given decks, without the live model; returns its path."""
    text = (ROOT / "mkdocs.yml").read_text()
    text, n = re.subn(r"^(\s*)enabled: true", r"\1enabled: false", text, flags=re.M)
    assert n == 1 and "  - deck:" in text
    (tmp_path / "mkdocs.yml").write_text(text)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    slides = tmp_path / "slides"
    slides.mkdir()
    for name, body in decks.items():
        (slides / name).write_text(body)
    return tmp_path / "mkdocs.yml"


def wait_until(condition, what: str, timeout: float = 30.0, every: float = 0.05):
    """Poll `condition()` until it is true (its value is returned); fail naming `what` after `timeout` s.
    For conditions outside a browser (a file, a process); in a page use wait_for_function.

    Example:
    >>> wait_until(lambda: 42, "the answer")
    42
    """
    import time

    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(every)           # the poll interval, not a wait for something to happen
    return value


# llama.cpp as the reference (tests/test_branch_browser.py, test_snapshot_branch_browser.py) ---------------------


def llama_reference():
    """(llama_cpp, Llama) on the embedded GGUF through the deck's loader: what a live text is held to."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    return llama_cpp, loader.load(embedded_path(), n_ctx=512, n_threads=1)


def probs_after(llama, tokens, reset=False):
    """llama.cpp's next-token probabilities (T = 1) once `tokens` are appended (to a fresh context if reset)."""
    import numpy as np

    llama_cpp, llm = llama
    if reset:
        llm.reset()
    llm.eval(tokens)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),))
    e = np.exp(logits.astype(float) - logits.max())
    return e / e.sum()


def probs_along(llama, prompt: str, continuation: str) -> tuple[list[int], list[float]]:
    """llama.cpp's tokens of `continuation` and the probability (T = 1) of each after `prompt` and the
    tokens before it: what a "score" reads, token by token, from the reference."""
    llm = llama[1]
    tokens = llm.tokenize(continuation.encode(), add_bos=False)
    probs = probs_after(llama, llm.tokenize(prompt.encode(), add_bos=False), reset=True)
    native = []
    for t in tokens:
        native.append(float(probs[t]))
        probs = probs_after(llama, [t])
    return tokens, native


@functools.lru_cache(maxsize=1)
def foreign_arithmetic() -> str | None:
    """Why this CPU's llama.cpp cannot reproduce the committed snapshots' generated texts, or None.

    llama.cpp's results depend on the CPU's kernels and the batch size (one token's p: 0.2505, 0.2676
    or 0.2746 by CPU and batch), and the snapshots were made on one machine. The committed completion
    snapshot's greedy run stores each token's probability: read along it here, they agree to its 6
    digits on a machine with that arithmetic. Elsewhere a generated text can take another path."""
    import json
    import math

    from build_hooks.model import choice, llm

    m = llm.get(str(choice.embedded_path()))
    for path in sorted((ROOT / "slides" / "snapshots").glob("completion-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        ids = list(data["prompt_ids"])
        for step, token in enumerate(data["runs"][0]["tokens"]):
            here = math.exp(float(m.next_logprobs(ids)[token["id"]]))
            if abs(here - token["prob"]) > 1e-5 + 1e-4 * token["prob"]:
                return (f"the committed snapshots were made on a CPU whose llama.cpp arithmetic differs from this "
                        f"one's ({path.name}, step {step}: p = {here:.6f} here, {token['prob']:.6f} there)")
            ids.append(token["id"])
    return None
