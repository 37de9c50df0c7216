"""When the live model cannot run, in a real Chromium: a blocked or truncated model file, no
WebAssembly, not enough memory; each is said in words and the build's static render stays; and no
file of the site is too big for GitHub Pages.
"""
import re

import pytest

from helpers import LOAD
from live_playwright import controls_enabled, guarded_context
from pages import isolated, live_url


def failing_page(browser, built_site, site_url, offsite, setup):
    """A fresh context (empty cache) with `setup(page)` applied; returns (context, page, widget, static)."""
    context = guarded_context(browser, offsite)
    page = context.new_page()
    setup(page)
    page.goto(site_url + live_url(built_site))
    widget = page.locator('.demo[data-demo="live"]').first
    return context, page, widget, widget.locator("table.demo-live-table").inner_html()


def load_fails(page, widget, static) -> str:
    """Press Load where the model cannot load: the widget ends in its error state with the build's table
    untouched; returns what its status line says."""
    widget.locator('button[name="load"]').click()
    isolated(page)                       # the one reload that opting in makes (threads.js)
    page.wait_for_function("el => ['live', 'error'].includes(el.dataset.state)", arg=widget.element_handle(),
                           timeout=LOAD)
    assert widget.get_attribute("data-state") == "error"
    assert widget.locator("table.demo-live-table").inner_html() == static
    return widget.locator(".demo-status").text_content()


@pytest.mark.parametrize("how", ["blocked", "truncated"])
def test_a_blocked_or_truncated_model_is_said_and_the_static_render_stays(browser, built_site, site_url, how):
    shards = sorted((built_site / "assets" / "live").glob("*.gguf"))

    def setup(page):
        if how == "blocked":
            page.route(re.compile(r".*/assets/live/.*"), lambda route: route.abort())
        else:   # every shard cut to half: a download interrupted and served as if complete
            def half(route):
                name = route.request.url.rsplit("/", 1)[-1]
                body = next(p for p in shards if p.name == name).read_bytes()
                route.fulfill(status=200, body=body[: len(body) // 2], content_type="application/octet-stream")
            page.route(re.compile(r".*/assets/live/.*\.gguf"), half)

    offsite = []
    context, page, widget, static = failing_page(browser, built_site, site_url, offsite, setup)
    try:
        assert "did not load" in load_fails(page, widget, static)
        assert not any(controls_enabled(widget).values())
        if how == "blocked":          # the Pyodide demos on the page keep working
            sampling_widget = page.locator('.demo[data-demo="sampling"]').first
            sampling_widget.locator('[name="top_k"]').evaluate(
                "el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})); }")
            page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy "
                                   "&& el.querySelectorAll('.demo-bar[data-kept=true]').length === 3",
                                   arg=sampling_widget.element_handle(), timeout=LOAD)
    finally:
        context.close()
    assert not offsite


def test_without_webassembly_the_widget_says_so(browser, built_site, site_url):
    offsite = []
    context, _, widget, static = failing_page(browser, built_site, site_url, offsite,
                                              lambda p: p.add_init_script("delete globalThis.WebAssembly;"))
    try:
        assert widget.locator('button[name="load"]').is_hidden()
        assert "cannot run WebAssembly" in widget.locator(".demo-live-msg").text_content()
        assert widget.locator("table.demo-live-table").inner_html() == static
    finally:
        context.close()
    assert not offsite


# Chromium's own words when a tab cannot reserve a wasm instance's memory, thrown inside wllama's
# worker: its code is built from a Blob, so the patch rides on the Blob's text.
NO_MEMORY = """(() => {
    const patch = "for (const f of ['instantiate', 'instantiateStreaming']) "
        + "WebAssembly[f] = () => Promise.reject("
        + "new RangeError('WebAssembly.instantiate(): Out of memory: "
        + "Cannot allocate Wasm memory for new instance'));\\n";
    const Original = Blob;
    globalThis.Blob = class extends Original {
        constructor(parts, options) {
            const js = options && /javascript/.test(options.type || "") && parts.every((p) => typeof p === "string");
            super(js ? [patch, ...parts] : parts, options);
        }
    };
})();"""


def test_not_enough_memory_is_said_in_words_and_the_static_render_stays(browser, built_site, site_url):
    offsite = []
    context, page, widget, static = failing_page(browser, built_site, site_url, offsite,
                                                 lambda p: p.add_init_script(NO_MEMORY))
    try:
        status = load_fails(page, widget, static)
        assert "could not give it the memory it needs" in status, status
        assert widget.locator('button[name="load"]').is_visible()          # try again after closing tabs
    finally:
        context.close()
    assert not offsite


def test_no_file_in_the_site_is_over_50_mb(built_site):
    big = [(p, p.stat().st_size) for p in built_site.rglob("*") if p.is_file() and p.stat().st_size >= 50_000_000]
    assert not big, big
    assert len(list((built_site / "assets" / "live").glob("*-0000?-of-0000?.gguf"))) >= 2


def test_a_model_that_downloads_but_never_starts_is_said_in_words(browser, built_site, site_url):
    """The engine's own code held back once the model's bytes are in (as Firefox has been seen to stall,
    rarely, with no error): after a minute the reader is told, instead of "98 of 98 MB" for ever."""
    held = []

    def setup(page):
        page.context.route(re.compile(r".*/assets/vendor/wllama/.*\.wasm"), lambda route: held.append(route))

    offsite = []
    context, page, widget, static = failing_page(browser, built_site, site_url, offsite, setup)
    try:
        widget.locator('button[name="load"]').click()
        isolated(page)
        page.wait_for_function("el => /has not started after 60 s/.test(el.querySelector('.demo-status').textContent)",
                               arg=widget.element_handle(), timeout=LOAD)
        status = widget.locator(".demo-status").text_content()
        assert "reload the page to try again" in status and held, status
        assert widget.get_attribute("data-state") == "loading"
        assert widget.locator("table.demo-live-table").inner_html() == static      # still the build's numbers
    finally:
        context.close()
    assert not offsite
