"""The built site in Debian's Chromium, served under /deck/: links, present mode, print view, offline."""

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest


class Links(HTMLParser):
    """Every URL a page links to or loads (a/link href, script/img/source/iframe src)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img", "source", "iframe", "video", "audio"):
                self.urls.append(attrs[name])


def page_url(site_url: str, built: Path, path: Path) -> str:
    rel = path.relative_to(built).as_posix()
    return site_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def present_pages(built: Path) -> list[Path]:
    return sorted(p for p in (built / "present").glob("*/index.html"))


def biggest_deck(built: Path) -> str:
    """The deck with the most slides (so `#/2` exists)."""
    counts = {p.parent.name: p.read_text().count('<section class="slide"') for p in present_pages(built)}
    return max(sorted(counts), key=counts.get)


def test_every_local_link_answers_200(built_site, site_url):
    checked, broken = set(), []
    for html_file in sorted(built_site.rglob("*.html")):
        base = page_url(site_url, built_site, html_file)
        parser = Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for raw in parser.urls:
            url = urljoin(base, raw).split("#")[0]
            if urlparse(url).hostname != "127.0.0.1" or url in checked:
                continue  # links to other sites are fine to show; they are never loaded
            checked.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    status = resp.status
            except urllib.error.HTTPError as err:
                status = err.code
            if status != 200:
                broken.append(f"{html_file.relative_to(built_site)}: {raw} -> {status}")
    assert len(checked) > 20
    assert not broken, "\n".join(broken)


def test_reading_view_present_link_jumps_to_the_slide_in_view(page, built_site, site_url):
    stem = biggest_deck(built_site)
    page.goto(f"{site_url}{'' if stem == 'index' else stem + '/'}")
    sections = page.locator("section.slide")
    assert sections.count() >= 3
    assert page.locator("details.deck-notes[open]").count() == 0  # notes collapsed
    third = sections.nth(2).get_attribute("id")
    sections.nth(2).scroll_into_view_if_needed()
    page.evaluate("(id) => document.getElementById(id).scrollIntoView()", third)
    page.wait_for_function("id => document.querySelector('a.deck-present-link').href.endsWith('#/' + id)", arg=third)
    href = page.locator("a.deck-present-link").get_attribute("href")
    assert href.endswith(f"present/{stem}/#/{third}"), href
    page.locator("a.deck-present-link").click()
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getCurrentSlide().id") == third
    assert not page.console_errors, page.console_errors


def test_present_page_keys_and_deep_links(page, built_site, site_url):
    stem = biggest_deck(built_site)
    url = f"{site_url}present/{stem}/"
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getIndices().h") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    page.keyboard.press("o")
    assert page.evaluate("Reveal.isOverview()")
    page.keyboard.press("o")
    assert not page.evaluate("Reveal.isOverview()")
    assert page.evaluate("typeof Reveal.getPlugin('notes')") == "object"  # S: speaker view
    requests = []
    page.context.on("request", lambda req: requests.append(req.url))
    with page.context.expect_page() as popup:  # S opens the speaker view (notes, timer) in a window
        page.keyboard.press("s")
    popup.value.wait_for_load_state()
    popup.value.wait_for_function("document.querySelectorAll('iframe').length === 2")   # its two previews
    for frame in [f for f in popup.value.frames if f != popup.value.main_frame]:
        frame.wait_for_load_state()                       # everything the previews fetch has been asked for
    popup.value.close()
    offsite = [u for u in requests if urlparse(u).hostname not in (None, "", "127.0.0.1")]
    assert not offsite, offsite
    page.evaluate("""() => { window.__fullscreen = null;
        for (const name of ['fullscreenchange', 'fullscreenerror'])
            document.addEventListener(name, () => { window.__fullscreen = name; }, {once: true}); }""")
    page.keyboard.press("f")  # F: fullscreen (headless may refuse it; it must not raise)
    page.wait_for_function("window.__fullscreen !== null")      # the browser granted or refused it
    page.evaluate("document.fullscreenElement && document.exitFullscreen()")

    page.goto(url + "#/2")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getIndices().h") == 2
    # every slide with notes carries them as <aside class="notes">
    sources = page.evaluate("""() => [...document.querySelectorAll('.slides > section.slide')].map(
        s => s.querySelector('aside.notes') !== null)""")
    source_file = (built_site / "present" / stem / "index.html").read_text()
    assert sum(sources) == source_file.count('<aside class="notes">') > 0
    assert not page.console_errors, page.console_errors


def test_print_pdf_one_page_per_slide(page, built_site, site_url):
    html = (built_site / "present" / "index.html").read_text()
    slides = html.count('<section class="slide"')
    page.goto(f"{site_url}present/?print-pdf")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.wait_for_selector(".pdf-page")
    assert page.locator(".pdf-page").count() == slides
    page.goto(f"{site_url}present/?print-pdf&notes")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.wait_for_selector(".pdf-page")
    assert page.locator(".pdf-page").count() == slides
    assert page.locator(".pdf-page .speaker-notes").count() == html.count('<aside class="notes">')


@pytest.mark.parametrize("which", ["whole talk", "every deck"])
def test_present_pages_load_offline_without_errors(page, built_site, site_url, which):
    pages = [built_site / "present" / "index.html"] if which == "whole talk" else present_pages(built_site)
    for path in pages:
        page.goto(page_url(site_url, built_site, path))
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total == path.read_text().count('<section class="slide"')
        assert page.evaluate("getComputedStyle(document.querySelector('.reveal')).fontFamily").startswith(
            ('"Source Sans Pro"', "Source Sans Pro"))
    assert not page.console_errors, page.console_errors
    # the `page` fixture fails the test if any request left 127.0.0.1 or a page error happened


def test_pdf_handout_one_slide_a_page(built_site, tmp_path):
    """`python -m build_hooks pdf` prints the whole talk: as many PDF pages as slides."""
    import subprocess
    import sys

    def pdf(site, out):  # a subprocess: this session's Playwright already runs the `browser` fixture
        return subprocess.run([sys.executable, "-m", "build_hooks", "pdf", "--site", str(site), "--out", str(out)],
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "talk.pdf"
    result = pdf(built_site, out)
    assert result.returncode == 0, result.stderr
    assert "slides, one a page" in result.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages == (built_site / "present" / "index.html").read_text().count('<section class="slide"')
    result = pdf(tmp_path / "nothing", tmp_path / "x.pdf")
    assert result.returncode == 1 and "build the site first" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
