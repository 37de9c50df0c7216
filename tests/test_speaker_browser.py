"""The presenter's speaker view (S in present mode), in a real Chromium against the built site.

- Pacing: the decks' front-matter minutes reach reveal.js as `totalTime` and per-slide
  `data-timing` (build_hooks/deck/pacing.py), so the speaker view shows the time left for the
  current slide and whether the talk runs ahead or behind, for the whole talk and for one deck.
- One engine: the previews mirror a Python widget (the tokenizer) and start no Python; the live
  model's case is in test_presenter_live_browser.py.
"""

import json
import re
from pathlib import Path

import pytest

from build_hooks.deck.slides import split_slides
from helpers import ROOT
from pages import slide_with

SLIDES = ROOT / "slides"


def front_matter_minutes() -> dict[str, float]:
    """Each deck's `minutes`, read from slides/*.md with the build's own parser."""
    out = {}
    for path in sorted(SLIDES.glob("*.md")):
        out[path.stem] = split_slides(path.read_text(encoding="utf-8"), str(path)).meta["minutes"]
    return out


def pacing_of(page_html: str) -> tuple[int, list[int]]:
    config = json.loads(re.search(r'<script type="application/json" id="deck-config">(.*?)</script>', page_html)[1])
    sections = re.findall(r'<section class="slide"[^>]*>', page_html)
    timings = [re.search(r'data-timing="(\d+)"', s) for s in sections]
    assert all(timings), "every slide must carry data-timing (reveal.js would spread the rest evenly)"
    return config["totalTime"], [int(t[1]) for t in timings]


def test_every_present_page_paces_the_front_matter_minutes(built_site):
    minutes = front_matter_minutes()
    for stem, budget in minutes.items():
        total, timings = pacing_of((built_site / "present" / stem / "index.html").read_text(encoding="utf-8"))
        assert total == sum(timings) == round(budget * 60), (stem, total, sum(timings), budget)
    total, timings = pacing_of((built_site / "present" / "index.html").read_text(encoding="utf-8"))
    assert total == sum(timings) == round(sum(minutes.values()) * 60)
    readme = re.search(r"is a (\d+)-minute meetup talk", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert total == int(readme[1]) * 60, "the talk's pacing must add up to the length the README states"


def widget_slide_seconds(built: Path) -> tuple[list[int], list[int]]:
    """(seconds of slides with a widget, seconds of the others) on the whole-talk page."""
    html = (built / "present" / "index.html").read_text(encoding="utf-8")
    chunks = re.split(r'(?=<section class="slide")', html)[1:]
    widget, other = [], []
    for chunk in chunks:
        seconds = int(re.search(r'data-timing="(\d+)"', chunk)[1])
        (widget if 'data-demo="' in chunk else other).append(seconds)
    return widget, other


def test_a_widget_slide_gets_its_demo_minute(built_site):
    widget, other = widget_slide_seconds(built_site)
    assert len(widget) >= 6, "the talk has six slides with a live widget (README, 'The talk')"
    # a minute of the room playing, at each deck's scale (every deck's minutes cover at least its clock)
    assert min(widget) >= 60 and sorted(other)[len(other) // 2] < 60


def speaker_view(page, url: str):
    """Open present mode at `url`, press S, return the speaker view window (a popup)."""
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    view = popup.value
    view.wait_for_load_state()
    view.wait_for_function("document.querySelector('#current-slide iframe') !== null")
    return view


@pytest.mark.parametrize("which", ["talk", "deck"])
def test_the_speaker_view_shows_pacing(page, built_site, site_url, which):
    stem = next(iter(front_matter_minutes()))
    url = site_url + ("present/" if which == "talk" else f"present/{stem}/")
    view = speaker_view(page, url)
    pacing = view.locator(".speaker-controls-time .pacing")
    view.wait_for_function("() => { const p = document.querySelector('.speaker-controls-time .pacing');"
                           " return p && p.style.display !== 'none' && /ahead|on-track|behind/.test(p.className); }",
                           timeout=15_000)
    assert view.locator(".pacing-title").is_visible() and pacing.is_visible()
    # the time left for the first slide is its data-timing (less the seconds already gone)
    first = pacing_of((built_site / url.removeprefix(site_url) / "index.html").read_text(encoding="utf-8"))[1][0]
    shown = pacing.inner_text().strip()
    h, m, s = (int(x) for x in re.findall(r"\d+", shown))
    assert first - 10 <= h * 3600 + m * 60 + s <= first, (shown, first)
    assert "ahead" in pacing.get_attribute("class") or "on-track" in pacing.get_attribute("class")
    view.close()


def test_the_previews_mirror_a_python_widget_and_start_no_python(page, built_site, site_url):
    """The tokenizer (Pyodide) typed into on the projector: the previews show its tokens, fetching no Python."""
    deck, index, _ = slide_with(built_site, 'data-demo="tokenizer"')
    view = speaker_view(page, f"{site_url}{deck}#/{index}")
    fetched = []
    view.on("request", lambda req: fetched.append(req.url))
    view.wait_for_function("[...document.querySelectorAll('iframe')].every(f => f.contentWindow.deckMirror)",
                           timeout=30_000)
    previews = [f for f in view.frames if "receiver" in f.url]
    widget = page.locator('.demo[data-demo="tokenizer"]').first
    widget.locator("textarea").fill("Mirrored in the speaker view: naïve café 😀")
    page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy && "
                           "el.querySelector('.demo-tokens').dataset.tokenIds", arg=widget.element_handle(),
                           timeout=120_000)
    page.wait_for_function("el => el.querySelector('.demo-count').textContent !== ''", arg=widget.element_handle())
    ids = widget.locator(".demo-tokens").get_attribute("data-token-ids")
    for frame in previews:
        frame.wait_for_function("ids => document.querySelector('.demo[data-demo=\"tokenizer\"] .demo-tokens')"
                                ".dataset.tokenIds === ids", arg=ids, timeout=5_000)
        copy = frame.locator('.demo[data-demo="tokenizer"]').first
        assert copy.locator("textarea").input_value() == "Mirrored in the speaker view: naïve café 😀"
        assert frame.evaluate("window.deckBridge.worker === null")      # no worker was ever started here
        loaded = frame.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert loaded and not [u for u in loaded if re.search(r"pyodide|deck-worker|vocab\.txt", u)]
    assert not [u for u in fetched if re.search(r"pyodide|deck-worker|vocab\.txt", u)]
    view.close()


def test_the_previews_mirror_the_sampling_widgets_preset_and_numbers(page, built_site, site_url):
    """"llama.cpp's defaults" pressed on the projector: the previews show the new settings and numbers line."""
    html = (built_site / "present" / "08-sampling" / "index.html").read_text(encoding="utf-8")
    sections = re.split(r'(?=<section class="slide")', html)[1:]
    index = next(i for i, s in enumerate(sections) if 'data-demo="sampling"' in s)
    view = speaker_view(page, f"{site_url}present/08-sampling/#/{index}")
    view.wait_for_function("[...document.querySelectorAll('iframe')].every(f => f.contentWindow.deckMirror)",
                           timeout=30_000)
    previews = [f for f in view.frames if "receiver" in f.url]
    widget = page.locator('.demo[data-demo="sampling"]').first
    widget.locator('button[name="preset"]').click()
    page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy && "
                           "el.querySelector('[name=min_p]').value === '0.05' && "
                           "el.querySelector('.demo-numbers').textContent.includes('Removed (at T = 1)')",
                           arg=widget.element_handle(), timeout=120_000)
    numbers = widget.locator(".demo-numbers").text_content()
    for frame in previews:
        frame.wait_for_function("n => { const w = document.querySelector('.demo[data-demo=\"sampling\"]'); "
                                "return w.querySelector('[name=min_p]').value === '0.05' && "
                                "w.querySelector('.demo-numbers').textContent === n; }", arg=numbers, timeout=5_000)
        copy = frame.locator('.demo[data-demo="sampling"]').first
        assert copy.locator('[name="top_k"]').input_value() == "40"
        assert copy.locator('[name="min_p"] + output').text_content() == "0.05"
    view.close()
