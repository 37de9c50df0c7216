"""The live widget through Playwright's Chromium: the page that opted in, shared by the test modules
that hold the live model to llama.cpp (tests/live_pages.py is the same for tests/browsers.py drivers).

    @pytest.fixture(scope="module")
    def live(browser, built_site, site_url):
        with opted_in(browser, built_site, site_url) as state:
            yield state

    ask(live["page"], live["widget"], "The cat sat on the", temperature=1)    # typed, then the new table
    rows(live["widget"])            # [{id, prob, after, kept}] as the table shows them

One thread (?threads=1): these tests are about the numbers, and many of them on 2 busy cores;
threads have their own tests (test_threads_browser.py). Every request to another origin is aborted
AND counted: the module fails if one was even attempted.
"""

from __future__ import annotations

import contextlib
import json
import re
from urllib.parse import urlparse

from helpers import LOAD, ROOT
from pages import isolated, live_url

MODEL_FILES = re.compile(r"/assets/live/|/assets/vendor/wllama/")     # the engine's and the model's URLs
SNAPSHOTS = ROOT / "slides" / "snapshots"


def deck_prompts() -> list[dict]:
    """The `next_tokens` snapshots the deck shows (llama-cpp-python at build time)."""
    out = {}
    for path in sorted(SNAPSHOTS.glob("next_tokens-*.json")):
        data = json.loads(path.read_text())["data"]
        if data["prompt"] not in out or len(data["top"]) > len(out[data["prompt"]]["top"]):
            out[data["prompt"]] = data
    assert out, "no next_tokens snapshot in slides/snapshots/"
    return list(out.values())


def guarded_context(browser, offsite: list):
    """A browser context where every request off 127.0.0.1 is recorded and aborted."""
    context = browser.new_context()

    def block(route):
        offsite.append(route.request.url)
        route.abort()

    context.route(lambda url: urlparse(url).hostname not in ("127.0.0.1", None), block)
    return context


@contextlib.contextmanager
def opted_in(browser, built_site, site_url):
    """A page that opted in (for a module's `live` fixture): {page, widget, before: the requests made
    before opt-in, static: the build's rows, context, inert: the controls' state before opt-in}."""
    offsite, errors = [], []
    context = guarded_context(browser, offsite)
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    urls = []
    page.context.on("request", lambda req: urls.append(req.url))
    # the widget's states, in every document (opting in reloads the page once: threads.js)
    page.add_init_script("""document.addEventListener("DOMContentLoaded", () => { window.__states = [];
        const el = document.querySelector('.demo[data-demo="live"]');
        new MutationObserver(() => window.__states.push(el.dataset.state)).observe(el, {attributes: true}); });""")
    # One thread (?threads=1): these tests are about the numbers, and many of them on 2 busy cores;
    # threads have their own tests (test_threads_browser.py).
    page.goto(site_url + live_url(built_site) + "?threads=1")
    page.wait_for_load_state("networkidle")             # all the page fetches by itself, before any click
    before = list(urls)
    widget = page.locator('.demo[data-demo="live"]').first
    static = rows(widget)
    inert = controls_enabled(widget)
    widget.locator('button[name="load"]').click()
    isolated(page)
    page.wait_for_function("el => ['live', 'error', 'unavailable'].includes(el.dataset.state)",
                           arg=widget.element_handle(), timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    settle(page, widget)
    yield {"page": page, "widget": widget, "before": before, "static": static, "context": context, "inert": inert}
    context.close()
    assert not offsite, f"requests tried to leave 127.0.0.1: {offsite}"
    assert not errors, f"page errors: {errors}"


def controls_enabled(widget) -> dict:
    """Whether each control that runs the model (prompt, sliders, numbers, Generate) can be used."""
    return widget.locator(".demo-live-controls :is(input, textarea, button)").evaluate_all(
        "cs => Object.fromEntries(cs.map(c => [c.name, !c.disabled && !c.closest('fieldset:disabled')]))")


def settle(page, widget):
    """Wait until the table shows the live model's numbers after sampling (Python done)."""
    page.wait_for_function("el => { const rest = el.querySelector('.demo-live-rest');"    # (no rows after an error)
                           " return !el.dataset.busy && !!rest && rest.dataset.after !== undefined; }",
                           arg=widget.element_handle(), timeout=LOAD)


def rows(widget) -> list[dict]:
    return widget.locator("tr.demo-live-row").evaluate_all(
        "rs => rs.map(r => ({id: Number(r.dataset.tokenId), prob: Number(r.dataset.prob),"
        " after: r.dataset.after === undefined ? null : Number(r.dataset.after), kept: r.dataset.kept}))")


def ask(page, widget, prompt: str, **settings):
    """Type a prompt (and move sliders) as a reader does, then wait for the new table."""
    for name, value in settings.items():
        widget.locator(f'[name="{name}"]').evaluate(
            "(el, v) => { el.value = v; }", str(value))
    # (after an error the table has no rows, so no rest row either)
    widget.evaluate("el => { const r = el.querySelector('.demo-live-rest'); if (r) r.removeAttribute('data-after'); }")
    widget.locator('textarea[name="prompt"]').fill(prompt)
    settle(page, widget)
