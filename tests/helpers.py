"""Helpers the test modules share, in one place (test modules never import each other; fixtures are
in conftest.py).

- `mkdocs_build`, `build`: real strict MkDocs builds, their site and caches in temporary folders;
- `copy_project`: a copy of the talk to build or edit; `fence_line`: where a fence sits in a slide;
- `options`, `deck_config`: the plugin's options and the project config as a build makes them;
- `browser_page`, `free_port`, `checkout_state`; CHROMIUM & co. from build_hooks/localhost.py;
- the built site in a browser: `page_with`, `page_holding`, `slide_with`, `live_url`, `open_demo`, `wake`, `idle`,
  `set_value`, `record`, `loaded`, `reading_pages`, `ready`, `on_stage`, `axe`, `live_slide`,
  `live_widget`(`_open`), `isolated`; the waits READY, LOAD;
- waits on conditions, never fixed sleeps: `next_frame` (the browser drew a frame: its resize
  observers ran), `watch_warmups` + `warmed` (present.js's warm-up for the slide shown was handled:
  whatever it would start has started), `wait_until` (a condition outside the browser).

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


def reading_pages(built: Path) -> list[str]:
    """Material's pages (not present mode, not the presenter's preflight page: tests/test_check_browser.py)."""
    return sorted(("" if p.parent == built else p.parent.relative_to(built).as_posix() + "/")
                  for p in built.rglob("index.html") if not {"present", "preflight"} & set(p.relative_to(built).parts))


def loaded(page, site_url: str, paths):
    """Open each path of the site in `page` in turn, yielding it once the page has loaded."""
    for path in paths:
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        yield path


def on_stage(browser, site_url: str, script: str):
    """Run `script` on the whole-talk present page on a 1280x720 screen (the projector's stage)."""
    with browser_page(browser, viewport=STAGE) as page:
        page.goto(site_url + "present/")
        ready(page)
        return page.evaluate(script)


def axe(page, context="document") -> list[str]:
    """Serious and critical axe-core violations (WCAG 2.1 A/AA) in `context`, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async ([ctx, tags]) => {
        const r = await axe.run(ctx === "document" ? document : document.querySelector(ctx),
                                {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => `${v.id} (${v.impact}): ${v.nodes.length}x, e.g. ${v.nodes[0].target.join(" ")}`);
    }""", [context, WCAG])
    return found


def ready(page):
    page.wait_for_function("window.Reveal && Reveal.isReady()")


def next_frame(page):
    """Return once the page has drawn two more frames: layout done, resize observers and animation
    frame callbacks scheduled by what came before have run."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))")


WATCH_WARMUPS = """(() => { if (window.__warmups) return; window.__warmups = [];
    window.addEventListener('deck-warmup', (e) => window.__warmups.push(e.target)); })()"""


def watch_warmups(page):
    """Record every `deck-warmup` event (present.js) on this page and the pages it navigates to. The
    event bubbles from the slide to document (where live.js and widgets.js listen) and then to window
    (where we do), so when we have seen it, theirs have handled it."""
    page.add_init_script(WATCH_WARMUPS)
    page.evaluate(WATCH_WARMUPS)


def warmed(page):
    """Wait until the slide shown has had its warm-up (watch_warmups first): anything present mode
    starts for it (Python, the live model) has set its state by now."""
    page.wait_for_function("() => window.__warmups.includes(Reveal.getCurrentSlide())")


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


def page_with(built_site: Path, kind: str, present: bool = False) -> str:
    """The site path of the (reading or present) page that holds a `kind` widget."""
    return page_holding(built_site, f'data-demo="{kind}"', present, f"a `demo {kind}` fence")


def page_holding(built_site: Path, needle: str, present: bool = False, what: str | None = None) -> str:
    """The site path of the first (reading or present) deck page whose HTML holds `needle`: tests
    find the talk's slides by what they show, not by this talk's file names."""
    for html in sorted(built_site.rglob("index.html")):
        rel = html.relative_to(built_site).parent.as_posix()
        if rel.startswith("present") != present or (present and rel == "present"):
            continue
        if needle in html.read_text(encoding="utf-8"):
            return "" if rel == "." else rel + "/"
    pytest.fail(f"no {'present' if present else 'reading'} page of the built site has {what or repr(needle)}")


def slide_with(built_site: Path, needle: str) -> tuple[str, int, str]:
    """(present page path, 0-based index, id) of the first present slide whose HTML holds `needle`."""
    for path in sorted((built_site / "present").glob("*/index.html")):
        sections = re.split(r'(?=<section class="slide")', path.read_text(encoding="utf-8"))[1:]
        for index, chunk in enumerate(sections):
            if needle in chunk:
                return f"present/{path.parent.name}/", index, re.match(r'<section class="slide" id="([^"]+)"', chunk)[1]
    pytest.fail(f"no present slide of the built site holds {needle!r}")


def record(page):
    """Collect every request URL the page (and its worker) makes."""
    urls = []
    page.context.on("request", lambda req: urls.append(req.url))
    return urls


def open_demo(page, built_site, site_url, kind):
    urls = record(page)
    page.goto(site_url + page_with(built_site, kind))
    page.wait_for_load_state("load")
    return urls, page.locator(f'.demo[data-demo="{kind}"]').first


def wake(page, widget):
    """Interact (a key press on the first control), then wait for Python to be ready."""
    widget.locator("input, textarea, select, button").first.focus()
    page.keyboard.press("Shift")
    page.wait_for_function("el => el.dataset.state === 'ready' || el.dataset.state === 'error'",
                           arg=widget.element_handle(), timeout=READY)
    assert widget.get_attribute("data-state") == "ready", widget.locator(".demo-status").text_content()
    idle(page, widget)


def set_value(widget, name, value):
    """Move a control the way a reader does: new value, then an `input` event."""
    widget.locator(f'[name="{name}"]').evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); "
        "el.dispatchEvent(new Event('change', {bubbles: true})); }", str(value))


def idle(page, widget):
    page.wait_for_function("el => !el.dataset.busy", arg=widget.element_handle(), timeout=60_000)


def isolated(page, timeout: float = LOAD):
    """Wait for the reload that follows the reader's opt-in (assets/deck/threads.js): the new document is
    cross-origin isolated. Playwright's wait outlives the navigation; an element handle taken before it does not."""
    page.wait_for_function("() => self.crossOriginIsolated", timeout=timeout)


def live_url(built_site: Path) -> str:
    for html in sorted(built_site.rglob("index.html")):
        rel = html.relative_to(built_site).parent.as_posix()
        if not rel.startswith("present") and 'data-demo="live"' in html.read_text(encoding="utf-8"):
            return "" if rel == "." else rel + "/"
    pytest.fail("no reading page of the built site has a `demo live` fence")


def live_widget(context, built_site: Path, site_url: str, errors: list):
    """The reading page's live widget with the model loaded: (page, widget). Page errors go to `errors`."""
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(site_url + live_url(built_site))
    widget = page.locator('.demo[data-demo="live"]').first
    widget.locator('button[name="load"]').click()
    isolated(page)                       # the one reload that opting in makes (threads.js)
    page.wait_for_function("el => ['live', 'error', 'unavailable'].includes(el.dataset.state)",
                           arg=widget.element_handle(), timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    return page, widget


@contextlib.contextmanager
def live_widget_open(browser, built_site: Path, site_url: str):
    """live_widget in a context of its own for a module's fixture: (page, widget); no page error allowed."""
    context, errors = browser.new_context(), []
    try:
        yield live_widget(context, built_site, site_url, errors)
    finally:
        context.close()
    assert not errors, f"page errors: {errors}"


def live_slide(built_site: Path) -> tuple[str, int]:
    """(deck stem, 0-based slide index) of the first present slide holding a `demo live` widget."""
    page, index, _ = slide_with(built_site, 'data-demo="live"')
    return page.split("/")[1], index


# How far a widget's content spills out of its box (tests/test_spill_browser.py, test_presenter_live_browser.py)
SPILL_MEASURE = """(root) => {
  const s = root.closest('section.slide'), scale = Reveal.getScale();
  const sb = s.getBoundingClientRect(), cs = getComputedStyle(s);
  const floor = sb.bottom - parseFloat(cs.paddingBottom) * scale;
  const right = sb.right - parseFloat(cs.paddingRight) * scale;
  const problems = [], name = (el) => el.className || el.tagName;
  const parts = [...s.querySelectorAll(':scope > :not(aside)')].filter(el => el.getBoundingClientRect().height);
  for (const el of parts) {
    const r = el.getBoundingClientRect();
    if (r.bottom > floor + 1)
      problems.push(`${name(el)} ends ${Math.round((r.bottom - floor) / scale)} px below the slide's content`);
    if (r.right > right + 1)
      problems.push(`${name(el)} ends ${Math.round((r.right - right) / scale)} px right of the slide's content`);
  }
  const wb = root.getBoundingClientRect();
  for (const c of root.querySelectorAll('input, textarea, select, button')) {
    if (!c.offsetParent) continue;
    const r = c.getBoundingClientRect();
    if (r.bottom > wb.bottom + 1 || r.right > wb.right + 1)
      problems.push(`control ${c.name || c.textContent} is cut off`);
  }
  for (const b of document.querySelectorAll('.reveal .controls button.enabled')) {
    const a = b.getBoundingClientRect();
    for (const el of parts) {
      const r = el.getBoundingClientRect();
      if (a.left < r.right && a.right > r.left && a.top < r.bottom && a.bottom > r.top)
        problems.push(`the ${b.className.split(' ')[0]} arrow covers ${name(el)}`);
    }
  }
  const out = root.querySelector('.demo-output');
  return {problems, scrolls: out.scrollHeight > out.clientHeight + 1, overflow: getComputedStyle(out).overflowY,
          height: Math.round(root.getBoundingClientRect().height / scale)};
}"""


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
