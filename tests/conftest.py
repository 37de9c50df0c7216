"""Fixtures, and what every test can count on (helpers the tests share are in helpers.py):

- the suite leaves the checkout as it found it, ignored paths included (.cache/, site/): compared
  before and after the session. Builds run in temporary folders, their rebuildable files (the demos
  wheel, vocab.txt, the live model's shards, figures) in one temporary DECK_CACHE for the session,
  every snapshot store a temporary copy (DECK_SNAPSHOTS); no bytecode is written;
- markers, set here from what a test uses: `browser` (a real browser), `model` (llama.cpp on the real
  GGUF), `talk` (this talk's own content, tests/test_talk*.py). `make test-fast` runs the tests that are
  neither `browser` nor `model`, with llama_cpp unimportable and DECK_OFFLINE=1 (DECK_TEST_FAST=1):
  a test that needs the model and is not marked fails there instead of passing by luck;
- `built_site`: `mkdocs build --strict` of this repository into <tmp>/deck (once per session);
  `site_url`: http://127.0.0.1:PORT/deck/ serving it (a GitHub Pages-like project subpath);
- `browser`: Debian's Chromium driven by Playwright (never `playwright install`);
- `page`: a fresh page that records console errors, page errors and any request leaving 127.0.0.1;
  the test fails at teardown if a request left the machine or a page error happened.
"""

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, browser_page, checkout_state, free_port, launch, mkdocs_build, serve  # noqa: F401

FAST = os.environ.get("DECK_TEST_FAST", "") not in ("", "0")
BROWSER_FIXTURES = {"browser", "page", "site_url"}
# A module that names one of these runs llama.cpp (its tests are `model`); DECK_TEST_FAST catches a miss.
MODEL_HINTS = re.compile(r"\bllama_cpp\b|^from llama_chain import|"
                         r"\bllm\.get\(|\bembedded_path\(|\bllama\b\s*[,)]|build_hooks\.snapshots\.worker"
                         r"|from build_hooks\.model import [^\n]*\b(llm|loader|quant)\b", re.M)
MODEL_MODULES = {"test_bench.py"}          # needs the model without naming it (the bench scripts import llm.py)
TALK_MODULES = {"test_talk.py", "test_talk_facts.py"}
_session_cache: list[Path] = []


class _NoLlama:
    """DECK_TEST_FAST: importing llama_cpp fails, as on a machine without the compile."""

    def find_spec(self, name, path=None, target=None):
        if name == "llama_cpp" or name.startswith("llama_cpp."):
            raise ModuleNotFoundError("llama_cpp is blocked in `make test-fast`: mark this test `model`")
        return None


def pytest_configure(config):
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"            # nor in the builds and commands the tests run
    if "DECK_CACHE" not in os.environ:                      # never the checkout's .cache/
        cache = Path(tempfile.mkdtemp(prefix="deck-test-cache-"))
        _session_cache.append(cache)
        os.environ["DECK_CACHE"] = str(cache)
    if FAST:
        sys.meta_path.insert(0, _NoLlama())
        os.environ["DECK_OFFLINE"] = "1"
        config.option.doctest_ignore_import_errors = True     # model/llm.py's doctests need llama_cpp


def pytest_unconfigure(config):
    for cache in _session_cache:
        shutil.rmtree(cache, ignore_errors=True)


def pytest_sessionstart(session):
    """Every build here names `deck` under plugins: an environment installed before the plugin existed
    cannot build; say how to fix it instead of failing every build test."""
    from importlib.metadata import entry_points

    if not entry_points(group="mkdocs.plugins", name="deck"):
        pytest.exit("the `deck` MkDocs plugin is not registered in this Python: reinstall the package "
                    "(`make deps`, or `.venv/bin/pip install -e .`)", returncode=4)


def pytest_collection_modifyitems(config, items):
    sources: dict[Path, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix != ".py" or path.parent != ROOT / "tests":
            continue
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8")
        if path.name.endswith("_browser.py") or BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if path.name in MODEL_MODULES or MODEL_HINTS.search(sources[path]):
            item.add_marker(pytest.mark.model)
        if path.name in TALK_MODULES:
            item.add_marker(pytest.mark.talk)


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched():
    """The suite must not change the checkout: no snapshot, no stray file, nothing in .cache/ or site/."""
    before = checkout_state()
    yield
    after = checkout_state()
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, ("the tests changed the checkout: " + ", ".join(changed[:20])
                         + (f"\ngit status before:\n{before['git status']}\nafter:\n{after['git status']}"
                            if "git status" in changed else ""))


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port) -> Path:
    root = tmp_path_factory.mktemp("served")
    dest = root / "deck"
    result = mkdocs_build(dest, env={"SITE_URL": f"http://127.0.0.1:{site_port}/deck/"})
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return dest


@pytest.fixture(scope="session")
def site_url(built_site, site_port) -> str:
    server, base = serve(built_site.parent, port=site_port)
    yield base + "deck/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.offsite_requests = []
    pg.page_errors = []
    pg.console_errors = []

    def on_request(req):
        host = urlparse(req.url).hostname
        if req.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in ("127.0.0.1",):
            pg.offsite_requests.append(req.url)

    pg.on("request", on_request)
    pg.on("pageerror", lambda err: pg.page_errors.append(str(err)))
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    yield pg
    context.close()
    assert not pg.offsite_requests, f"requests left 127.0.0.1: {pg.offsite_requests}"
    assert not pg.page_errors, f"page errors: {pg.page_errors}"
