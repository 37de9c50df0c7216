"""Nothing spills, whatever a reader does: every widget at its maximum, in Chromium.

For each Pyodide widget of the talk (sampling, code, ngram, tokenizer, beam) on the 1280x720 stage:
every slider and number pushed to its maximum, 5,000 characters pasted into every text field (the
code widget gets code that fails deep in a recursion, so its traceback is long), every button
pressed; then no part of the slide passes the stage's content box, every control is still whole
inside its widget, the navigation arrows cover nothing, and the results scroll inside the widget.
The same in the reading view: the results live in a region that scrolls, never a page 3,700 px long.
The live model's widget (Generate at its 200-token maximum) is in test_presenter_live_browser.py.
"""

import re

import pytest

from helpers import browser_page
from pages import SPILL_MEASURE as MEASURE
from pages import next_frame

READY = 120_000
STAGE = {"width": 1280, "height": 720}
KINDS = ["sampling", "code", "ngram", "tokenizer", "beam"]
LONG_TEXT = ("Ünïcödé, 日本語 and emoji 😀 with code: x = f(42)\n\tindented; " * 100)[:5000]
# a traceback as long as a reader can make one: 26 frames of their own code (all different: Python
# folds repeated frames), then the error, after a paste of over 5,000 characters
DEEP_ERROR = "def distribution(scores, temperature, top_k, top_p, min_p=0.0):\n    return f0()\n" + "".join(
    f"\ndef f{i}():\n    return f{i + 1}()\n" for i in range(25)) + "\ndef f25():\n    return {}['missing']\n"
DEEP_ERROR += "\n" + "\n".join(f"# line {i} " + "x" * 60 for i in range(70))

# Push every control of a widget to its maximum, the way a reader would (value, then input/change).
MAX_OUT = """([root, text, code]) => {
  const fire = (c) => {
    c.dispatchEvent(new Event('input', {bubbles: true}));
    c.dispatchEvent(new Event('change', {bubbles: true}));
  };
  for (const c of root.querySelectorAll('input, textarea, select')) {
    if (!c.offsetParent || c.disabled) continue;
    if (c.type === 'range' || c.type === 'number') c.value = c.max || '999999';
    else if (c.tagName === 'SELECT') c.value = c.options[c.options.length - 1].value;
    else c.value = c.name === 'code' ? code : text;
    fire(c);
  }
}"""

# Where the slide's content reaches, whether controls are cut, whether an arrow covers anything.


def push_and_press(page, root, kind):
    """Every control to its maximum, long pastes, every button pressed; wait until the widget is idle."""
    page.evaluate(MAX_OUT, [root.element_handle(), LONG_TEXT, DEEP_ERROR])
    idle(page, root)
    for button in root.locator("button:visible").all():
        if button.get_attribute("name") in ("load", "cancel") or not button.is_enabled():
            continue
        button.click()
        idle(page, root)
    if kind == "code":
        page.wait_for_function("el => !el.querySelector('.demo-error').hidden", arg=root.element_handle(),
                               timeout=READY)
        error = root.locator(".demo-error").text_content()
        assert error.count('File "<your code>"') >= 25 and "KeyError: 'missing'" in error, error[-300:]


def idle(page, root):
    page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy", arg=root.element_handle(),
                           timeout=READY)
    next_frame(page)                # what the result's redraw scheduled (resize observers, fit) has run
    page.wait_for_function("el => !el.dataset.busy", arg=root.element_handle(), timeout=READY)


def wake(page, root):
    root.locator("input, textarea, select, button").first.focus()
    page.keyboard.press("Shift")
    idle(page, root)


def slide_of(built_site, kind: str) -> int:
    html = (built_site / "present" / "index.html").read_text(encoding="utf-8")
    sections = re.split(r'(?=<section class="slide")', html)[1:]
    return next(i for i, s in enumerate(sections) if f'data-demo="{kind}"' in s)


@pytest.mark.parametrize("kind", KINDS)
def test_on_the_stage_a_maxed_widget_stays_inside_its_slide(browser, built_site, site_url, kind):
    with browser_page(browser, viewport=STAGE) as page:
        page.goto(f"{site_url}present/#/{slide_of(built_site, kind)}")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        root = page.locator(f'.slides > section.present .demo[data-demo="{kind}"]').first
        wake(page, root)
        push_and_press(page, root, kind)
        got = root.evaluate(MEASURE)
        assert not got["problems"], (kind, got)
        assert got["overflow"] == "auto"
        if kind in ("code", "tokenizer"):       # the traceback, the 5,000-character paste: longer than the slide
            assert got["scrolls"], (kind, got)
        if got["scrolls"]:                      # a region that scrolls is a named tab stop (keyboard users)
            out = root.locator(".demo-output")
            assert (out.get_attribute("tabindex"), out.get_attribute("role")) == ("0", "region")


@pytest.mark.parametrize("kind", ["code", "tokenizer"])
def test_in_the_reading_view_long_results_scroll_inside_the_widget(browser, built_site, site_url, kind):
    path = next(p for p in sorted(built_site.glob("*/index.html"))
                if f'data-demo="{kind}"' in p.read_text(encoding="utf-8"))
    with browser_page(browser, viewport={"width": 1280, "height": 800}) as page:
        page.goto(f"{site_url}{path.parent.name}/")
        root = page.locator(f'.demo[data-demo="{kind}"]').first
        root.scroll_into_view_if_needed()
        wake(page, root)
        push_and_press(page, root, kind)
        out = root.locator(".demo-output").evaluate(
            "o => ({client: o.clientHeight, scroll: o.scrollHeight, overflow: getComputedStyle(o).overflowY})")
        assert out["overflow"] == "auto" and out["scroll"] > out["client"], out
        assert out["client"] <= 0.6 * 800 + 1, out      # the page does not grow with the results
