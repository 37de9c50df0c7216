"""The build-time fit check (build_hooks/deck/fit.py): a slide too tall for a 1280x720 projector
at readable sizes fails the build with file:line and by how much, instead of shrinking.

tests/test_room_browser.py measures the real heights in Chromium and checks this estimate against them.
"""

from types import SimpleNamespace

import pytest

from build_hooks.deck import fit
from helpers import FRONT, mkdocs_build, variant


def slide(html, line=1):
    return SimpleNamespace(html=html, line=line)


def test_short_slides_pass_and_long_ones_grow():
    short = "<h2>Title</h2><ul>" + "<li>one line</li>" * 4 + "</ul>"
    assert fit.estimate(short) < fit.STAGE.content_height
    fit.check([slide(short)], "slides/x.md")
    longer = "<h2>Title</h2><ul>" + "<li>one line</li>" * 8 + "</ul>"
    assert fit.estimate(longer) > fit.estimate(short) + 4 * 28      # each bullet is at least one 28 px line
    code = "<h2>T</h2><pre><code>" + "x = 1\n" * 30 + "</code></pre>"
    assert fit.estimate(code) > 30 * 18                               # code lines at 18 px, never shrunk


def test_a_slide_too_tall_names_file_line_and_overflow():
    bullets = "<h2>Too much</h2><ul>" + "<li>a bullet that is not short at all, really</li>" * 25 + "</ul>"
    with pytest.raises(ValueError) as err:
        fit.check([slide("<h2>Fine</h2>", 3), slide(bullets, 12)], "slides/x.md")
    message = str(err.value)
    assert message.startswith('slides/x.md:12: slide "Too much" needs about ')
    over = int(message.split("(about ")[1].split(" px too much")[0])
    assert over == round(fit.estimate(bullets)) - fit.STAGE.content_height
    assert "slides/x.md:3" not in message and "Split it" in message


def test_widgets_count_their_controls_and_output():
    bars = "".join(f'<li class="demo-bar"><span class="demo-label">t{i}</span></li>' for i in range(30))
    widget = ('<div class="demo demo-sampling" data-demo="sampling"><div class="demo-head">x</div>'
              '<div class="demo-controls"><label class="demo-field"><span>T</span><input type="range"></label></div>'
              f'<div class="demo-output"><ol class="demo-bars">{bars}</ol></div></div>')
    assert fit.estimate(widget) > 30 * 16      # thirty bars of 16 px text cannot be made to fit by shrinking


def test_strict_build_fails_on_a_slide_that_cannot_fit(tmp_path):
    too_long = "## Far too much\n\n" + "".join(f"- bullet number {i}, with a few more words\n" for i in range(30))
    config = variant(tmp_path, {
        "index.md": FRONT.format(title="T", minutes=1, order=0) + "# Fine\n\nHello.\n",
        "long.md": FRONT.format(title="Long", minutes=1, order=1) + "## Short\n\nText.\n\n---\n\n" + too_long,
    })
    result = mkdocs_build(tmp_path / "site", config=config)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert 'slides/long.md:12: slide "Far too much" needs about' in out, out
    assert "px too much" in out and not (tmp_path / "site" / "present").exists()


def test_a_remembered_estimate_is_redone_when_the_slide_or_its_figure_changes(tmp_path):
    """Estimates are kept between builds (build_hooks/memo.py), keyed by the slide's HTML and the
    start of each figure's SVG: a presenter who redraws a figure taller gets the taller estimate."""
    from build_hooks.memo import Memo
    figure = tmp_path / "chart.svg"
    figures = {"chart.svg": figure}.get
    page = '<h2>A chart</h2><p><img alt="chart" src="chart.svg"></p>'
    memo_file = tmp_path / "memo" / "fit.json"

    def remembered(html):
        memo = Memo(memo_file, fit.FIT_CODE)
        value = fit.remembered(html, figures, memo)
        memo.save()
        return value, memo.misses

    figure.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="800pt" height="150pt"></svg>')
    low, misses = remembered(page)
    assert misses == 1 and low == fit.estimate(page, figures)
    assert remembered(page) == (low, 0)                               # read back, not recomputed
    figure.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="800pt" height="340pt"></svg>')
    tall, misses = remembered(page)
    assert misses == 1 and tall == fit.estimate(page, figures) and tall > low + 150
    bigger = page.replace("</p>", "</p><p>" + "More words. " * 40 + "</p>")
    assert remembered(bigger)[0] == fit.estimate(bigger, figures) > tall
    single = page.replace('src="chart.svg"', "src='chart.svg'")     # however the src attribute is written
    assert remembered(single)[0] == tall
