"""Readable from the back of the room, usable on a phone, accessible: the built site in Chromium.

- every slide at 1280x720: text at least 16 px (code and captions 14 px), nothing spills below the
  stage, and the build-time fit estimate (build_hooks/deck/fit.py) is never far below the real height;
- axe-core (from npm, pinned in package.json) finds no serious or critical WCAG 2.1 A/AA violation on
  any page, every present slide included, in the light and the dark scheme;
- the first and last slides carry the site's URL and a QR code that ZBar reads back; the model has a
  readable name and the widgets' status marks need no emoji font.

Phones, the keyboard and the warm-up are in tests/test_phone_keyboard_browser.py.

One build for the whole session (conftest's `built_site`), served under /deck/.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno

from build_hooks.deck import fit
from helpers import AXE, STAGE, browser_page
from pages import axe, loaded, on_stage, page_holding, page_with, reading_pages, ready

# Per slide, in the browser: the smallest rendered text (screen px) by kind, and how far the content
# reaches below the slide's content box.
MEASURE = """async () => {
  const R = window.Reveal, out = [];
  const SMALL = "pre, code, kbd, samp, figcaption, caption, .demo-note, .footnote, small, sub, sup";
  for (const [i, s] of R.getSlides().entries()) {
    R.slide(R.getIndices(s).h, R.getIndices(s).v);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const scale = R.getScale(), cs = getComputedStyle(s);
    let small = [];
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || el.closest("aside.notes, script, [hidden], .snap-tip")) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      const limit = el.closest(SMALL) ? 14 : 16;
      if (px < limit - 0.01) small.push(`${px.toFixed(1)}px "${n.textContent.trim().slice(0, 30)}"`);
    }
    const top = s.getBoundingClientRect().top + parseFloat(cs.paddingTop) * scale;
    const floor = s.getBoundingClientRect().bottom - parseFloat(cs.paddingBottom) * scale;
    let bottom = top;
    for (const el of s.querySelectorAll(":scope > :not(aside)")) {
      const r = el.getBoundingClientRect();
      if (r.height) bottom = Math.max(bottom, r.bottom);
    }
    out.push({ i, id: s.id, height: (bottom - top) / scale, over: (bottom - floor) / scale, small: small.slice(0, 3),
               scale, html: s.innerHTML });
  }
  return out;
}"""


def present_pages(built: Path) -> list[str]:
    return sorted(p.parent.relative_to(built).as_posix() + "/" for p in (built / "present").rglob("index.html"))


# ------------------------------------------------------------------ the room: 1280x720

def test_every_slide_is_readable_and_fits_at_1280x720(browser, built_site, site_url):
    slides = on_stage(browser, site_url, MEASURE)
    assert len(slides) > 20 and all(abs(s["scale"] - 1) < 0.01 for s in slides), "the stage must be 1:1 at 1280x720"
    small = [f'{s["id"]}: {", ".join(s["small"])}' for s in slides if s["small"]]
    assert not small, "text under 16 px (code/captions 14 px) on a 1280x720 screen:\n" + "\n".join(small)
    spill = [f'{s["id"]}: {s["over"]:.0f} px below the stage' for s in slides if s["over"] > 1]
    assert not spill, "slides taller than 1280x720 (fit.py should have failed the build):\n" + "\n".join(spill)
    # the build-time estimate must not be optimistic: it is what fails the build on GitHub Pages
    figures = lambda src: next(iter(built_site.glob("figures/" + Path(src).name)), None)
    low = [f'{s["id"]}: estimated {fit.estimate(s["html"], figures):.0f} px, measured {s["height"]:.0f} px'
           for s in slides if fit.estimate(s["html"], figures) < 0.92 * s["height"]]
    assert not low, "fit.py underestimates these slides:\n" + "\n".join(low)


# ------------------------------------------------------------------ everyone: axe-core

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_page(browser, built_site, site_url, scheme):
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (it is a devDependency in package.json)"
    problems = []
    with browser_page(browser, viewport=STAGE, color_scheme=scheme) as page:
        for path in loaded(page, site_url, reading_pages(built_site)):
            palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert palette == ("slate" if scheme == "dark" else "default"), f"{path}: scheme {palette}"
            problems += [f"{path or 'index'}: {v}" for v in axe(page)]
        for path in present_pages(built_site):
            page.goto(site_url + path)
            ready(page)
            problems += [f"{path}: {v}" for v in axe(page)]
            if path == "present/":     # the whole talk: every slide, shown one at a time
                page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
                for i in range(page.evaluate("Reveal.getTotalSlides()")):
                    page.evaluate("i => Reveal.slide(i)", i)
                    problems += [f"{path}#/{i}: {v}" for v in axe(page, ".slides > section.present")]
    assert not problems, f"axe-core, {scheme} scheme:\n" + "\n".join(problems)


def test_axe_finds_no_serious_violation_in_the_black_present_theme(browser, built_site, site_url):
    """`plugins.deck.theme: black` (the dark present mode): the same pages with the theme swapped the way
    present.py writes it (theme stylesheet and body class), next to the build, every slide checked."""
    black = built_site.parent / "deck-black"
    if not black.exists():
        black.mkdir()
        for entry in built_site.iterdir():
            if entry.name != "present":
                (black / entry.name).symlink_to(entry)
        for page_file in (built_site / "present").rglob("index.html"):
            target = black / page_file.relative_to(built_site)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = page_file.read_text(encoding="utf-8")
            assert "theme/white.css" in text and "deck-theme-white" in text
            target.write_text(text.replace("theme/white.css", "theme/black.css")
                              .replace("deck-theme-white", "deck-theme-black"), encoding="utf-8")
    problems = []
    with browser_page(browser, viewport=STAGE, color_scheme="dark") as page:
        page.goto(site_url.replace("/deck/", "/deck-black/") + "present/")
        ready(page)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(25, 25, 25)"
        page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        problems += [f"present/: {v}" for v in axe(page)]
        for i in range(page.evaluate("Reveal.getTotalSlides()")):
            page.evaluate("i => Reveal.slide(i)", i)
            problems += [f"present/#/{i}: {v}" for v in axe(page, ".slides > section.present")]
    assert not problems, "axe-core, black present theme:\n" + "\n".join(problems)


# ------------------------------------------------------------------ for the audience: URL, QR, names

def test_first_and_last_slides_show_the_site_url_and_its_qr_code(page, built_site, site_url, tmp_path):
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: `apt-get install zbar-tools` (.ci/run installs it)"
    page.set_viewport_size({"width": 1280, "height": 720})
    last = (built_site / "present" / "index.html").read_text(encoding="utf-8").count('<section class="slide"') - 1
    for where in ("present/#/0", f"present/#/{last}"):
        page.goto(site_url + where)
        ready(page)
        shot = tmp_path / "qr.png"
        page.locator(".slides > section.present svg.deck-qr").screenshot(path=str(shot))
        # ZBar, an independent QR decoder, reads the code off the rendered slide
        read = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True)
        assert read.stdout.strip() == site_url, (where, read.stdout, read.stderr)
    html = (built_site / "present" / "index.html").read_text(encoding="utf-8")
    slides = re.findall(r'<section class="slide".*?</section>', html, flags=re.S)
    follow = [k for k, s in enumerate(slides) if 'class="deck-follow"' in s]
    assert follow == [0, len(slides) - 1], follow
    for k in follow:
        assert f'href="{site_url}"' in slides[k]
        svg = re.search(r'<svg role="img" aria-label="QR code for ([^"]+)" viewBox="0 0 (\d+) \2"', slides[k])
        assert svg and svg[1] == site_url, "the QR code needs a name for screen readers"
        # the drawn symbol has the size of a QR code for this URL (version + 4-module margins)
        assert int(svg[2]) == segno.make(site_url, error="m").symbol_size(border=4)[0]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert home.count('class="deck-follow"') == 1 and f'href="{site_url}"' in home


def test_the_model_has_a_readable_name_and_statuses_need_no_emoji_font(page, built_site, site_url):
    card = (built_site / page_holding(built_site, "snapshot-model-card") / "index.html").read_text(encoding="utf-8")
    assert "<tr><th>name</th><td>SmolLM2 135M Instruct</td></tr>" in card
    sampling = page_with(built_site, "sampling")
    captions = re.findall(r"<figcaption>.*?</figcaption>", (built_site / sampling / "index.html").read_text())
    assert captions and not [c for c in captions if "Smollm2 135M 8k" in c]
    assert any("SmolLM2 135M Instruct (Q4_1)" in c for c in captions)
    page.goto(site_url + sampling)
    marks = page.evaluate("""() => [...document.querySelectorAll('.demo-status')]
        .map(s => getComputedStyle(s, '::before').content)""")
    assert marks and all(m in ('""', "none", "normal") for m in marks), f"status marks drawn with glyphs: {marks}"
    texts = page.evaluate("[...document.querySelectorAll('.demo-status')].map(s => s.textContent)")
    assert not [t for t in texts if re.search("[\U0001F000-\U0001FFFF\u2600-\u27BF\u23E9-\u23FA]", t)], texts
