"""The built site in a browser (Playwright's Chromium), for the test modules that open it: which page
holds a widget or a slide, opening and waking a demo, the live widget loaded, the waits on the page.

- `page_with`, `page_holding`, `slide_with`, `live_url`, `live_slide`: find the talk's pages by what they
  show, never by this talk's file names;
- `open_demo`, `wake`, `idle`, `set_value`, `record`, `loaded`, `reading_pages`, `ready`, `on_stage`, `axe`,
  `live_widget`(`_open`), `isolated`; SPILL_MEASURE (how far a widget spills out of its box);
- waits on conditions, never fixed sleeps: `next_frame` (the browser drew a frame: its resize
  observers ran), `watch_warmups` + `warmed` (present.js's warm-up for the slide shown was handled).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from helpers import AXE, LOAD, READY, STAGE, WCAG, browser_page


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
