"""The live model in a real Chromium: llama.cpp (wllama) running the build's GGUF from the built site.

One browser context is shared by the module (loading the model is heavy on 2 cores): it loads
once, then the cached second load, typed prompts, the sampling widget and present mode reuse it.
Every request to another origin is aborted AND counted: the test fails if one was even attempted
(tests/live_playwright.py). Its faithfulness to llama.cpp: test_live_faithful_browser.py; when it
cannot run: test_live_failures_browser.py.
"""

import math
import re
from pathlib import Path

import pytest

from demos import sampling
from helpers import LOAD
from live_playwright import MODEL_FILES, ask, controls_enabled, deck_prompts, guarded_context, opted_in, rows
from pages import isolated, live_url, warmed, watch_warmups


@pytest.fixture(scope="module")
def live(browser, built_site, site_url):
    with opted_in(browser, built_site, site_url) as state:
        yield state


# ------------------------------------------------------------------ before and during opt-in


def test_nothing_of_the_engine_or_model_is_fetched_before_opt_in(live):
    assert not [u for u in live["before"] if MODEL_FILES.search(u)]
    static = live["static"]                       # the build's numbers, with the model's ids
    snap = next(s for s in deck_prompts() if s["prompt"] == "The cat sat on the")
    assert [r["id"] for r in static] == [t["id"] for t in snap["top"][:len(static)]]
    assert all(abs(r["prob"] - t["prob"]) < 1e-6 for r, t in zip(static, snap["top"]))


def test_the_controls_that_run_the_model_are_disabled_until_it_is_live(live):
    before, after = live["inert"], controls_enabled(live["widget"])
    assert {"prompt", "temperature", "top_k", "top_p", "seed", "length", "generate"} <= set(before)
    assert not any(before.values()), before            # never silently inert: disabled, and the status says why
    assert all(after.values()), after


def test_opt_in_goes_loading_then_live(live):
    states = live["page"].evaluate("window.__states")
    assert "loading" in states and states[-1] == "live", states
    assert live["page"].locator(".demo-live-progress").first.is_hidden()      # shown while loading only
    status = live["widget"].locator(".demo-status").text_content()
    assert "runs in your browser" in status and "1 thread)" in status      # as ?threads=1 asked
    # the model's readable name as the slides give it, from the GGUF's metadata (not its file name)
    from build_hooks.model import choice

    name = choice.describe(choice.locate(choice.choose({})))["display_name"]
    assert status.startswith(f"Live: {name} runs in your browser"), (status, name)


# ------------------------------------------------------------------ any prompt, the rest shown, the deck's sampler


@pytest.mark.parametrize("prompt", ["Ünïcödé 日本語 😀 and", "def f(x):\n    return", "a " * 300])
def test_any_prompt_gives_a_distribution_with_the_rest_shown(live, prompt):
    ask(live["page"], live["widget"], prompt, temperature=1, top_k=0, top_p=1)
    got = rows(live["widget"])
    rest = float(live["widget"].locator(".demo-live-rest").get_attribute("data-prob"))
    shown = sum(r["prob"] for r in got)
    assert len(got) == 10 and all(0 < r["prob"] <= 1 for r in got)
    assert shown <= 1 + 1e-6 and abs(shown + rest - 1) < 1e-4
    assert "all other tokens" in live["widget"].locator(".demo-live-rest").text_content()


def test_after_sampling_is_demos_sampling_on_the_model_probabilities(live):
    ask(live["page"], live["widget"], "The cat sat on the", temperature=0.5, top_k=3, top_p=1)
    got = rows(live["widget"])
    want = sampling.distribution([math.log(r["prob"]) for r in got[:3]], temperature=0.5)
    assert [r["kept"] for r in got] == ["true"] * 3 + ["false"] * 7
    assert all(abs(r["after"] - p) < 1e-6 for r, (_, p) in zip(got, want))


def test_empty_prompt_is_said_in_words(live):
    live["widget"].locator('textarea[name="prompt"]').fill("")
    live["page"].wait_for_function("el => !el.querySelector('.demo-live-error').hidden",
                                   arg=live["widget"].element_handle())
    assert "type a prompt" in live["widget"].locator(".demo-live-error").text_content()


# ------------------------------------------------------------------ cache, offline, failures


def test_second_load_comes_from_the_cache_with_the_model_url_blocked(live, built_site, site_url):
    page = live["context"].new_page()
    tried = []

    def block(route):
        tried.append(route.request.url)
        route.abort()

    page.route(re.compile(r".*/assets/live/(?!Old-).*"), block)
    # a browser without JSPI or Memory64 (wllama 2.x needs neither, and never reaches for a CDN)
    page.add_init_script("delete WebAssembly.Suspending; delete WebAssembly.promising;")
    page.goto(site_url + live_url(built_site))
    # an older build's model in the cache (another SHA-256 in its name): dropped after this load
    cached = """async (old) => {
        const { Wllama } = await import(new URL("../assets/vendor/wllama/index.js", location.href).href);
        const cache = new Wllama({"single-thread/wllama.wasm": "x"}).cacheManager;
        const urls = async () => (await cache.list()).map((e) => e.metadata.originalURL);
        if (old) await cache.download(old);
        // wllama writes the metadata file unawaited: wait until the list shows it (at most 300 frames)
        for (let n = 0; old && n < 300 && !(await urls()).includes(old); n++) await new Promise(requestAnimationFrame);
        return urls();
    }"""
    old = site_url + "assets/live/Old-000000000000-00001-of-00001.gguf"
    page.route(old, lambda route: route.fulfill(status=200, body=b"GGUF", content_type="application/octet-stream"))
    assert old in page.evaluate(cached, old)
    widget = page.locator('.demo[data-demo="live"]').first
    widget.locator('button[name="load"]').click()
    isolated(page)                       # the one reload that opting in makes (threads.js)
    page.wait_for_function("el => ['live', 'error'].includes(el.dataset.state)", arg=widget.element_handle(),
                           timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    assert not tried, f"the cached model was fetched again: {tried}"
    # the clean-up runs a few seconds after the load: poll the cache's list until it is gone (30 s at most)
    left = page.evaluate(f"""async (old) => {{
        for (const end = performance.now() + 30000; ; await new Promise((r) => setTimeout(r, 250))) {{
            const left = await ({cached})('');
            if (!left.includes(old) || performance.now() > end) return left;
        }} }}""", old)
    assert old not in left and len([u for u in left if "/assets/live/" in u]) == len(list(
        (built_site / "assets" / "live").glob("*.gguf")))
    page.close()


# ------------------------------------------------------------------ the sampling widget: real numbers, then live


def test_sampling_static_render_shows_real_probabilities_and_the_rest(built_site):
    html = (built_site / live_url(built_site) / "index.html").read_text(encoding="utf-8")
    widget = html[html.index('data-demo="sampling"'):]
    snap = next(s for s in deck_prompts() if s["prompt"] == "The cat sat on the")
    first = re.search(r'<span class="demo-num">([\d.]+)%</span>', widget).group(1)
    assert float(first) == round(100 * snap["top"][0]["prob"], 1)          # 7.3 %, not renormalized among 20
    rest = re.search(r'class="demo-bar demo-rest" data-prob="([\d.]+)"', widget).group(1)
    top = len(re.findall(r'class="demo-bar" data-kept', widget[:widget.index("demo-rest")]))
    assert abs(float(rest) - (1 - sum(t["prob"] for t in snap["top"][:top]))) < 1e-5
    assert "all other tokens" in widget[:widget.index("demo-draws")]


def test_sampling_widget_shares_the_live_model_and_takes_any_prompt(live):
    page, widget = live["page"], live["page"].locator('.demo[data-demo="sampling"]').first
    assert widget.get_attribute("data-live-state") == "live"          # one engine for the whole page
    prompt = widget.locator('textarea[name="prompt"]')
    assert prompt.is_visible()
    before = widget.locator(".demo-bars").first.text_content()
    prompt.fill("Paris is the capital of")
    page.wait_for_function("([el, b]) => !el.dataset.busy && el.querySelector('.demo-bars').textContent !== b",
                           arg=[widget.element_handle(), before], timeout=LOAD)
    assert "France" in widget.locator(".demo-bars").first.text_content()
    rest = widget.locator(".demo-rest")
    assert "all other tokens" in rest.text_content() and 0 < float(rest.get_attribute("data-prob")) < 1
    # the caption gives the live numbers, not the build's, and the status counts tokens, not the rest row
    note = widget.locator(".demo-note").text_content()
    shown = f"all other tokens {100 * float(rest.get_attribute('data-prob')):.1f}%"
    assert note.startswith("Live: ") and shown in note, note
    assert int(re.search(r"whole vocabulary of ([\d,]+) tokens", note).group(1).replace(",", "")) > 1000, note
    status = widget.locator(".demo-status").text_content()
    assert re.search(r"\b(\d+) of the 20 most likely tokens kept", status), status


def test_present_page_preloads_the_model_with_live_1(live, site_url):
    page = live["context"].new_page()          # the model is in this context's cache from the first load
    page.goto(site_url + "present/?live=1")
    page.wait_for_function("window.deckLive && ['live', 'error'].includes(window.deckLive.engine.state)", timeout=LOAD)
    assert page.evaluate("window.deckLive.engine.state") == "live"
    widget = page.locator('.demo[data-demo="live"]').first
    assert widget.get_attribute("data-state") == "live"       # the slide is ready before it is shown
    page.close()


def warm_present_page(built_site: Path) -> tuple[str, int]:
    """A deck's own present page with a live opt-in, and the index of the slide two before the first
    slide holding one (so the warm-up starts on the next slide change, not at load)."""
    for html in sorted((built_site / "present").glob("*/index.html")):
        slides = html.read_text(encoding="utf-8").split('<section class="slide"')[1:]
        first = next((k for k, s in enumerate(slides) if "demo-live-optin" in s), None)
        if first is not None and first >= 2:
            return f"present/{html.parent.name}/", first - 2
    pytest.fail("no deck's present page has a live opt-in on its third slide or later")


def open_two_slides_before(context, site_url: str, built_site: Path):
    url, index = warm_present_page(built_site)
    page = context.new_page()
    urls = []
    page.on("request", lambda req: urls.append(req.url))
    watch_warmups(page)
    page.goto(f"{site_url}{url}#/{index}")
    page.wait_for_function("window.Reveal && Reveal.isReady() && window.deckLive", timeout=LOAD)
    warmed(page)                        # present mode has decided what to load for this slide and the next
    return page, urls


def test_present_mode_loads_the_model_ahead_for_a_presenter_who_loaded_it_once(live, built_site, site_url):
    page, _ = open_two_slides_before(live["context"], site_url, built_site)      # opted in on the reading page
    assert page.evaluate("window.deckLive.engine.state") == "off"      # no live slide is near yet
    page.evaluate("Reveal.next()")                                     # the next slide holds the opt-in
    page.wait_for_function("['live', 'error'].includes(window.deckLive.engine.state)", timeout=LOAD)
    assert page.evaluate("window.deckLive.engine.state") == "live"    # without a click
    page.close()


def test_present_mode_loads_nothing_for_a_reader_who_never_opted_in(browser, built_site, site_url):
    offsite = []
    context = guarded_context(browser, offsite)
    try:
        page, urls = open_two_slides_before(context, site_url, built_site)
        page.evaluate("Reveal.next()")
        page.evaluate("Reveal.next()")                                 # the live slide itself
        warmed(page)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.deckLive.engine.state") == "off"
        assert not [u for u in urls if MODEL_FILES.search(u)]
    finally:
        context.close()
    assert not offsite


def test_every_live_control_has_a_visible_label(live):
    problems = live["widget"].evaluate("""root => [...root.querySelectorAll('input, select, textarea, button')]
        .filter(c => !c.hidden && c.offsetParent !== null).filter(c => {
            const label = c.tagName === 'BUTTON' ? (c.getAttribute('aria-label') || c.textContent)
                                                 : (c.labels && c.labels[0] && c.labels[0].textContent);
            return !label || !label.trim() || c.tabIndex < 0;
        }).map(c => c.name || c.className)""")
    assert problems == []


def test_axe_finds_no_serious_violation_in_the_live_widget_once_live(live):
    from pages import axe  # axe-core 4 from npm, WCAG 2.1 A/AA, serious or critical

    page, widget = live["page"], live["widget"]
    ask(page, widget, "The cat sat on the", temperature=1, top_k=0, top_p=1, length=3)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelectorAll('.demo-live-gen .snap-tok').length === 3",
                           arg=widget.element_handle(), timeout=LOAD)
    assert axe(page, '.demo[data-demo="live"]') == []
