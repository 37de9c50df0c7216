"""Phones, the keyboard alone, and the warm-up, in Chromium against the built site under /deck/.

- phones from 360 to 430 px: no sideways scrolling, the Present button on screen, and a shared
  `present/<deck>/#/N` link opens slide N in reveal.js's scroll view;
- each widget works from the keyboard alone (Tab to each control, visible focus, keys to operate
  it) and says its result in its live region;
- present mode warms up the next slide's widget while the slide before it is shown.
"""

import re

import pytest

from helpers import READY, browser_page
from pages import loaded, page_with, reading_pages, ready, slide_with, warmed, watch_warmups

PYODIDE = re.compile(r"/assets/vendor/pyodide/|deck-worker\.mjs")


# ------------------------------------------------------------------ phones

@pytest.mark.parametrize("width", [360, 390, 430])
def test_phone_pages_do_not_scroll_sideways(browser, built_site, site_url, width):
    wide = []
    with browser_page(browser, viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True) as page:
        for path in loaded(page, site_url, reading_pages(built_site)):
            extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if extra > 0:
                wide.append(f"{path or 'index'}: {extra}px wider than the screen")
            for link in page.locator("a.deck-present-link").all():
                box = link.bounding_box()
                if box["x"] < 0 or box["x"] + box["width"] > width:
                    wide.append(f"{path}: the {link.text_content().strip()!r} button is cut ({box})")
    assert not wide, f"{width} px phone:\n" + "\n".join(wide)


def test_on_a_phone_each_slider_value_sits_on_its_own_label_line(browser, built_site, site_url):
    """Stacked on a phone, a value under its slider would read as the next field's ("1" above
    "Top-k"): every <output> shares its label's line, above its own control."""
    misplaced = []
    with browser_page(browser, viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True) as page:
        for path in loaded(page, site_url, reading_pages(built_site)):
            misplaced += page.evaluate("""path => [...document.querySelectorAll('.demo-field')]
                .filter(f => f.querySelector(':scope > output') && f.offsetParent !== null).map(f => {
                    const [label, out, ctl] = [':scope > span', ':scope > output', ':scope > input']
                        .map(s => f.querySelector(s).getBoundingClientRect());
                    const middle = (r) => (r.top + r.bottom) / 2;
                    const sameLine = Math.abs(middle(out) - middle(label)) < label.height;
                    return sameLine && out.bottom <= ctl.top + 1 ? null
                        : `${path || 'index'}: ${f.querySelector('span').textContent}`;
                }).filter(Boolean)""", path)
    assert not misplaced, misplaced


def test_phone_deep_link_opens_the_slide_in_scroll_view(browser, built_site, site_url):
    with browser_page(browser, viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True) as page:
        deck, _, third = slide_with(built_site, 'data-demo="sampling"')
        third = re.findall(r'<section class="slide" id="([^"]+)"', (built_site / deck / "index.html").read_text())[2]
        for hash_, index in (("#/3", 3), (f"#/{third}", None)):
            page.goto(site_url + deck + hash_)
            ready(page)
            assert page.evaluate("Reveal.isScrollView()"), "below 435 px reveal.js uses its scroll view"
            if index is None:
                index = page.evaluate("id => Reveal.getSlides().indexOf(document.getElementById(id))",
                                      hash_[2:])
                assert index > 0
            page.wait_for_function("i => Reveal.getIndices().h === i", arg=index, timeout=5000)
            top = page.evaluate("i => Reveal.getSlides()[i].closest('.scroll-page')"
                                ".getBoundingClientRect().top", index)
            assert abs(top) < 80, f"slide {index} is {top}px from the top of the screen"


# ------------------------------------------------------------------ the keyboard alone

@pytest.mark.parametrize("kind", ["sampling", "ngram", "tokenizer"])
def test_widgets_work_from_the_keyboard_alone(page, built_site, site_url, kind):
    page.goto(site_url + page_with(built_site, kind))
    for widget in page.locator('.demo:not([data-demo="live"])').all():
        kind = widget.get_attribute("data-demo")
        status = widget.locator(".demo-status")
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        controls = widget.locator("input, select, textarea, button").all()
        controls = [c for c in controls if c.is_visible()]
        # Tab reaches every control in order, each with a visible focus ring
        controls[0].focus()
        for k, control in enumerate(controls):
            if k:
                page.keyboard.press("Tab")
            assert control.evaluate("el => el === document.activeElement"), f"{kind}: Tab skipped a control"
            ring = control.evaluate("el => getComputedStyle(el).outlineStyle")
            assert ring != "none", f"{kind}: no visible focus on {control.get_attribute('name')}"
        # operate it with keys only: a slider with the arrow keys, else the button with Enter
        before = status.text_content()
        slider = widget.locator('input[type="range"]').first
        if slider.count():
            slider.focus()
            page.keyboard.press("ArrowLeft")
        else:
            button = widget.locator("button:visible").first
            if button.count():
                button.focus()
                page.keyboard.press("Enter")
            else:
                widget.locator("input[type=text], textarea").first.focus()
                page.keyboard.type(" x")
        page.wait_for_function("([el, before]) => el.dataset.state === 'ready' && !el.dataset.busy && "
                               "/^Live: /.test(el.querySelector('.demo-status').textContent) && "
                               "el.querySelector('.demo-status').textContent !== before",
                               arg=[widget.element_handle(), before], timeout=READY)


# ------------------------------------------------------------------ warm-up

def test_present_mode_warms_up_the_next_widget(page, built_site, site_url):
    urls = []
    page.context.on("request", lambda r: urls.append(r.url))
    watch_warmups(page)
    page.goto(site_url + page_with(built_site, "sampling", present=True))
    ready(page)
    widget_at = page.evaluate("""() => Reveal.getHorizontalSlides()
        .findIndex(s => s.querySelector('.demo[data-demo="sampling"]'))""")
    assert widget_at >= 2
    page.evaluate("i => Reveal.slide(i)", widget_at - 2)          # two slides before: nothing loads
    warmed(page)
    assert page.evaluate("window.deckDemos.bridge.state") == "idle", "Pyodide started two slides ahead"
    assert not [u for u in urls if PYODIDE.search(u)], "Pyodide started two slides ahead"
    page.keyboard.press("ArrowRight")                              # the slide before the widget
    page.wait_for_function("window.deckDemos.bridge.state === 'ready'", timeout=READY)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("i => Reveal.getIndices().h === i", arg=widget_at)
    state = page.locator('.slides > section.present .demo[data-demo="sampling"]').get_attribute("data-state")
    assert state == "ready", f"the widget was {state!r} when its slide appeared"
