"""Shared fixtures: a real strict MkDocs build served under a subpath, and a real headless Chromium.

- `built_site`: `mkdocs build --strict` of this repository into <tmp>/deck (once per session).
- every build here reads a temporary copy of slides/snapshots/ (DECK_SNAPSHOTS): tests never
  write the committed store, and `make test` leaves `git status` as it found it (checked at the end).
- `site_url`: http://127.0.0.1:PORT/deck/ serving that build (GitHub Pages-like project subpath).
- `browser`: Debian's Chromium driven by Playwright (never `playwright install`).
- `page`: a fresh page that records console errors, page errors and any request leaving 127.0.0.1;
  the test fails at teardown if a request left the machine or a page error happened.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from build_hooks.localhost import CHROMIUM, CHROMIUM_ARGS, launch, serve  # noqa: F401 (tests import these)

ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session):
    """Every build here names `deck` under plugins: an environment installed before the plugin existed
    cannot build; say how to fix it instead of failing every build test."""
    from importlib.metadata import entry_points

    if not entry_points(group="mkdocs.plugins", name="deck"):
        pytest.exit("the `deck` MkDocs plugin is not registered in this Python: reinstall the package "
                    "(`make deps`, or `.venv/bin/pip install -e .`)", returncode=4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mkdocs_build(dest: Path, *, env: dict | None = None, config: Path | None = None) -> subprocess.CompletedProcess:
    """Run a real strict MkDocs build of this repo (or `config`) into `dest`, over a copy of the snapshots."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(dest)]
    if config:
        cmd += ["-f", str(config)]
    env = dict(env or {})
    if "DECK_SNAPSHOTS" not in env:
        copy = Path(str(dest) + "-snapshots")
        shutil.copytree(ROOT / "slides" / "snapshots", copy, ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
        env["DECK_SNAPSHOTS"] = str(copy)
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True)


def git_status() -> str | None:
    result = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def working_tree_untouched():
    """The suite must not change the checkout (no snapshot, no stray file): compared before/after."""
    before = git_status()
    yield
    after = git_status()
    assert before == after, f"the tests changed the working tree:\nbefore:\n{before}\nafter:\n{after}"


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


@contextlib.contextmanager
def browser_page(browser, **options):
    """A page in a browser context of its own (viewport, color_scheme, is_mobile...), closed afterwards."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


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
