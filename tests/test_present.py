"""present.py as plain functions: URL rebasing, the page, the files it writes (no MkDocs, no browser)."""

import json
import random
import re

import pytest

from build_hooks.deck import check, pacing
from build_hooks.deck.present import (
    DeckPage,
    is_relative,
    page_dir,
    rebase_urls,
    render_page,
    write_present,
)
from build_hooks.deck.sections import RenderedSlide


def test_rebase_relative_urls_only():
    chunk = ('<img src="../figures/a.svg"><a href="../why/#slide-x">x</a><a href="#local">l</a>'
             '<a href="https://example.org/">e</a><img src="data:image/png;base64,AA"><a href="/abs">a</a>')
    out = rebase_urls(chunk, "sampling", "present/sampling")
    assert 'src="../../figures/a.svg"' in out and 'href="../../why/#slide-x"' in out
    for kept in ('href="#local"', 'href="https://example.org/"', 'src="data:image/png;base64,AA"', 'href="/abs"'):
        assert kept in out
    assert rebase_urls('<img src="figures/a.svg">', "", "present") == '<img src="../figures/a.svg">'
    assert rebase_urls('<a href="../other/">o</a>', "why", "present") == '<a href="../other/">o</a>'


def test_page_dir_and_is_relative():
    assert (page_dir("why/"), page_dir("why.html"), page_dir("")) == ("why", "", "")
    assert is_relative("a/b.svg") and not is_relative("mailto:x@y") and not is_relative("#/2")


def test_render_page_loads_only_local_files_and_skips_nothing_it_was_given():
    html = render_page(title="T <&>", sections=['<section class="slide" id="slide-a"></section>'],
                       to_dir="present/why", css=["assets/deck/deck.css"],
                       js=[{"path": "assets/deck/widgets.js", "type": "module"}], theme="black", back_url="why/")
    assert "<title>T &lt;&amp;&gt;</title>" in html
    assert 'href="../../assets/vendor/reveal/theme/black.css"' in html
    assert '<script src="../../assets/deck/widgets.js" type="module"></script>' in html
    assert html.index("reveal.js\"") < html.index("widgets.js") < html.index("present.js")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    with pytest.raises(ValueError, match="white, black"):
        render_page(title="T", sections=[], to_dir="present", css=[], js=[], theme="league")


def test_write_present_one_page_per_deck_and_the_whole_talk(tmp_path):
    a = DeckPage("a", "A", "a/", [RenderedSlide("slide-x", "<h2 id='x'>X</h2>\n", "<p>say</p>", 6)])
    b = DeckPage("b", "B", "b/", [RenderedSlide("slide-x", "<h2 id='x'>X</h2>\n", "", 6)])
    written = write_present(tmp_path, [a, b], site_name="Talk", css=[], js=[])
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "present/a/index.html", "present/b/index.html", "present/index.html"]
    talk = (tmp_path / "present" / "index.html").read_text()
    assert re.findall(r'<section class="slide" id="([^"]+)"', talk) == ["a--slide-x", "b--slide-x"]
    assert '<aside class="notes">\n<p>say</p>\n</aside>' in talk
    assert not list(tmp_path.rglob("*.tmp"))  # atomic writes leave no temp files


def timings(page: str) -> list[int]:
    return [int(t) for t in re.findall(r'<section class="slide"[^>]* data-timing="(\d+)"', page)]


def total_time(page: str) -> int:
    config = re.search(r'<script type="application/json" id="deck-config">(.*?)</script>', page)[1]
    return json.loads(config)["totalTime"]


def test_pacing_spreads_each_decks_minutes_over_its_slides_by_the_talks_clock(tmp_path):
    words = lambda n: "<p>" + " ".join(["word"] * n) + "</p>"
    widget = '<div class="demo" data-demo="sampling" data-state="static"></div>'
    a = DeckPage("a", "A", "a/", [RenderedSlide("slide-t", "<h1>T</h1>", words(140), 1),            # 1 min of notes
                                  RenderedSlide("slide-w", f"<h2>W</h2>{widget}", words(140), 9),   # + 1 min demo
                                  RenderedSlide("slide-q", "<h2>Q</h2>", "", 20)], minutes=4.5)     # floor: 1/6 min
    b = DeckPage("b", "B", "b/", [RenderedSlide("slide-x", "<h2>X</h2>", words(10), 3)], minutes=2)
    write_present(tmp_path, [a, b], site_name="Talk", css=[], js=[])
    deck_a = (tmp_path / "present" / "a" / "index.html").read_text()
    # 270 s in the ratio 1 : 2 : 1/6 (85.3, 170.5, 14.2 s), in whole seconds that add up exactly
    assert timings(deck_a) == [85, 171, 14] and total_time(deck_a) == 270
    talk = (tmp_path / "present" / "index.html").read_text()
    assert timings(talk) == [85, 171, 14, 120] and total_time(talk) == 390


def test_pacing_seconds_always_add_up_to_the_budget():
    rng = random.Random(7)
    for _ in range(500):
        weights = [rng.choice([0.0, rng.random() * 5]) + 1 / 6 for _ in range(rng.randint(1, 40))]
        minutes = rng.choice([rng.randint(1, 15), round(rng.uniform(0.7, 15), 1)])
        seconds = pacing.spread(weights, minutes)
        assert sum(seconds) == round(minutes * 60) and min(seconds) >= 1
        shares = [round(minutes * 60) * w / sum(weights) for w in weights]
        if min(shares) >= 1:       # (a share under a second is raised to one: the others give it back)
            assert all(abs(s - q) < 1 for s, q in zip(seconds, shares))    # each within a second of its share


def test_the_preflight_page_is_written_once_and_never_over_a_deck(tmp_path):
    path = check.write_check(tmp_path, "Talk <&>")
    page = path.read_text()
    assert path == tmp_path / "preflight" / "index.html"
    assert "<title>Before the talk: check this laptop · Talk &lt;&amp;&gt;</title>" in page
    assert '<button type="button" id="deck-check-run">Check this laptop</button>' in page
    assert '<script src="../assets/deck/check.js" type="module"></script>' in page and '<a href="../present/">' in page
    assert check.write_check(tmp_path, "Talk") == path          # a rebuild rewrites its own page
    path.write_text("<h1>A deck called preflight</h1>")
    with pytest.raises(ValueError, match=r"a page of the site is at preflight/ \(slides/preflight.md\?\)"):
        check.write_check(tmp_path, "Talk")
    assert path.read_text() == "<h1>A deck called preflight</h1>"
