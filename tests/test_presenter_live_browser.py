"""The presenter's room with the live model loaded (`?live=1`), in a real Chromium on the built site.

One audience window loads the model once for the module (heavy on 2 cores), then:
- the speaker view (S) starts no second engine: its two previews fetch no Pyodide, no wllama, no
  model shard, and mirror the audience's live widget (prompt, table) within a second;
- the live table always names its prompt (data-prompt, caption), is aria-busy while another
  prompt computes, and a long paste followed at once by a short prompt gives the short prompt's
  numbers first (the long one is superseded between the engine's chunks);
- a prompt over the context says so and leaves no old rows standing;
- at T = 1 with no cut, the two columns agree to the digit, "all other tokens" included.
Every request off 127.0.0.1 is aborted and fails the module.
"""

import re
import time
from urllib.parse import urlparse

import pytest

from pages import SPILL_MEASURE, isolated, live_slide

ENGINE = re.compile(r"pyodide\.asm\.wasm|deck-worker\.mjs|/assets/live/|wllama\.wasm|/vendor/wllama/")
LOAD = 180_000          # ms: the model and Pyodide on a busy 2-core machine
LONG = ("Once upon a time, in a small village at the edge of a great forest, there lived an old "
        "clockmaker who repaired every clock in the valley. ") * 12          # ~1,500 characters
SHORT = "The sky is"


@pytest.fixture(scope="module")
def room(browser, built_site, site_url):
    offsite, errors = [], []
    context = browser.new_context(viewport={"width": 1280, "height": 720})

    def block(route):
        offsite.append(route.request.url)
        route.abort()

    context.route(lambda url: urlparse(url).hostname not in ("127.0.0.1", None), block)
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    stem, index = live_slide(built_site)
    # ?live=1 reloads the page once, cross-origin isolated (threads.js); the speaker view then runs
    # under its headers. One thread: many tests on 2 busy cores (threads: test_threads_browser.py).
    page.goto(f"{site_url}present/{stem}/?live=1&threads=1#/{index}")
    isolated(page)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    widget = page.locator('.demo[data-demo="live"]').first
    page.wait_for_function("el => ['live', 'error', 'unavailable'].includes(el.dataset.state)",
                           arg=widget.element_handle(), timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    settled(page, widget, widget.locator('textarea[name="prompt"]').input_value())
    yield {"page": page, "widget": widget, "context": context}
    context.close()
    assert not offsite, f"requests tried to leave 127.0.0.1: {offsite}"
    assert not errors, f"page errors: {errors}"


def settled(page, widget, prompt: str, timeout: float = LOAD):
    """Wait until the table shows `prompt`'s numbers, after sampling too, and is not busy."""
    page.wait_for_function(
        """([el, prompt]) => { const t = el.querySelector('.demo-live-table');
             return !el.dataset.busy && t.dataset.prompt === prompt && t.getAttribute('aria-busy') === 'false'
               && (t.dataset.error || el.querySelector('.demo-live-rest').dataset.after !== undefined); }""",
        arg=[widget.element_handle(), prompt], timeout=timeout)


def table(widget) -> dict:
    return widget.evaluate("""el => { const t = el.querySelector('.demo-live-table');
        return {prompt: t.dataset.prompt, busy: t.getAttribute('aria-busy'), caption: t.caption.textContent,
                ids: [...t.querySelectorAll('tr.demo-live-row')].map(r => Number(r.dataset.tokenId)),
                cells: [...t.querySelectorAll('tbody tr')].map(
                  r => [r.children[3].textContent, r.children[4].textContent])}; }""")


def type_prompt(widget, text: str):
    widget.locator('textarea[name="prompt"]').fill(text)


# ------------------------------------------------------------------ the speaker view: one engine, mirrored

def test_the_speaker_view_starts_no_engine_and_mirrors_the_audience_within_a_second(room):
    page, widget = room["page"], room["widget"]
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    view = popup.value
    fetched = []
    view.on("request", lambda req: fetched.append(req.url))
    view.wait_for_function("[...document.querySelectorAll('iframe')].filter(f => f.contentWindow"
                           " && f.contentWindow.location.href.includes('receiver')).length === 2", timeout=60_000)
    previews = [f for f in view.frames if "receiver" in f.url]
    assert len(previews) == 2, [f.url for f in view.frames]
    for frame in previews:      # each preview shows the audience's widget as it is: live, its prompt's table
        frame.wait_for_function("() => { const w = document.querySelector('.demo[data-demo=\"live\"]');"
                                " return w && w.dataset.mirror === 'preview' && w.dataset.state === 'live'; }",
                                timeout=30_000)
        assert frame.evaluate("document.querySelector('.demo[data-demo=\"live\"]').inert")
        assert "Use the widget in the presentation window" in frame.locator(".demo-mirror-note").first.text_content()

    prompt = "A small robot walked into the"
    # each window notes (its own clock: one machine) when it first shows the prompt, and its table
    watch = """(prompt) => {
        const w = document.querySelector('.demo[data-demo="live"]'), t = () => w.querySelector('.demo-live-table');
        const seen = window.__seen = {};
        const look = () => {
          if (!seen.prompt && w.querySelector('textarea[name="prompt"]').value === prompt) seen.prompt = Date.now();
          if (!seen.table && t().dataset.prompt === prompt && t().getAttribute('aria-busy') === 'false'
              && w.querySelector('.demo-live-rest').dataset.after !== undefined) seen.table = Date.now();
          if (seen.prompt && seen.table) obs.disconnect();
        };
        const obs = new MutationObserver(look);
        obs.observe(w, {subtree: true, childList: true, attributes: true, characterData: true});
        w.addEventListener('input', look);
      }"""
    for frame in [page.main_frame, *previews]:
        frame.evaluate(watch, prompt)
    typed = page.evaluate("Date.now()")
    type_prompt(widget, prompt)
    seen_all = "() => window.__seen.prompt && window.__seen.table"
    page.wait_for_function(seen_all, timeout=60_000)
    audience = page.evaluate("window.__seen")
    assert audience["prompt"] - typed < 1000
    for frame in previews:
        frame.wait_for_function(seen_all, timeout=10_000)
        seen = frame.evaluate("window.__seen")
        assert seen["prompt"] - audience["prompt"] < 1000, ("prompt", seen, audience)
        assert seen["table"] - audience["table"] < 1000, ("table", seen, audience)
        copy = table(frame.locator('.demo[data-demo="live"]').first)
        assert copy == table(widget)
    # the previews loaded the page (HTML, CSS, scripts) and nothing of Python or the model
    assert fetched, "the speaker view's previews were expected to load the page itself"
    assert not [u for u in fetched if ENGINE.search(u)], [u for u in fetched if ENGINE.search(u)]
    for frame in previews:
        assert frame.evaluate("window.deckBridge.worker === null && window.deckLive.engine.wllama === null")
    view.close()


# ------------------------------------------------------------------ the table names its prompt

def test_a_long_paste_then_a_short_prompt_gives_the_short_prompts_numbers_first(room):
    page, widget = room["page"], room["widget"]
    widget.evaluate("""el => { window.__captions = []; window.__busy = [];
        const t = el.querySelector('.demo-live-table');
        new MutationObserver(() => { window.__captions.push(t.caption.textContent);
            window.__busy.push([t.getAttribute('aria-busy'), t.dataset.prompt, t.dataset.stale || '']); })
          .observe(t, {subtree: true, childList: true, attributes: true, characterData: true}); }""")
    type_prompt(widget, LONG)
    page.wait_for_function("() => window.__captions.some(c => /of \\d+ tokens read/.test(c))", timeout=60_000)
    before = table(widget)
    assert before["busy"] == "true" and before["prompt"] != LONG       # old rows, said to be old
    assert "The rows below are for the previous prompt" in before["caption"]
    start = time.monotonic()
    type_prompt(widget, SHORT)
    settled(page, widget, SHORT, timeout=30_000)
    took = time.monotonic() - start
    after = table(widget)
    assert after["caption"] == f"Next token after “{SHORT}”" and after["prompt"] == SHORT
    # the long prompt never got labelled numbers: it was superseded while read
    assert not any(p == LONG and busy == "false" for busy, p, _ in page.evaluate("window.__busy"))
    reference = page.evaluate(f"deckLive.engine.distribution({SHORT!r}, 10).then(d => d.ids)")
    assert after["ids"] == reference
    assert took < 8, f"the short prompt's numbers took {took:.1f} s after a long paste"


def test_a_prompt_over_the_context_says_so_and_leaves_no_old_rows(room):
    page, widget = room["page"], room["widget"]
    huge = "tokens " * 1200
    type_prompt(widget, huge)
    settled(page, widget, huge, timeout=60_000)
    shown = table(widget)
    assert shown["ids"] == [] and shown["cells"] == []
    assert re.search(r"No numbers for “tokens tokens .*” \(8,400 characters\): this prompt is 1,\d{3} tokens, "
                     r"over the 960 the model's context \(1024 tokens here\) leaves for a prompt: shorten it by "
                     r"\d+ tokens\.", shown["caption"]), shown
    type_prompt(widget, SHORT)
    settled(page, widget, SHORT, timeout=30_000)
    assert table(widget)["ids"]


def test_at_t1_with_no_cut_both_columns_agree(room):
    page, widget = room["page"], room["widget"]
    for prompt in ["The cat sat on the", "Once upon a time, a small robot"]:
        type_prompt(widget, prompt)
        settled(page, widget, prompt, timeout=30_000)
        cells = table(widget)["cells"]
        assert len(cells) == 11
        assert all(t1 == after for t1, after in cells), cells      # "all other tokens" too (the last row)


def test_generate_at_its_maximum_stays_inside_the_slide(room):
    """200 tokens (the widget's maximum) at the highest temperature: the text scrolls inside the widget."""
    page, widget = room["page"], room["widget"]
    type_prompt(widget, "Once upon a time")
    settled(page, widget, "Once upon a time", timeout=30_000)
    for name, value in (("temperature", 2), ("top_k", 100), ("top_p", 1), ("length", 200), ("seed", 999999)):
        widget.locator(f'[name="{name}"]').evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))
    settled(page, widget, "Once upon a time", timeout=30_000)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelectorAll('.demo-live-gen .snap-tok').length === 200",
                           arg=widget.element_handle(), timeout=LOAD)
    got = widget.evaluate(SPILL_MEASURE)
    assert not got["problems"] and got["scrolls"], got
    # the newest token is in view: the results region is scrolled to its end
    assert widget.locator(".demo-output").evaluate("o => o.scrollTop + o.clientHeight >= o.scrollHeight - 2")
