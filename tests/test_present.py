"""present.py as plain functions: URL rebasing, the page, the files it writes (no MkDocs, no browser)."""

import re

import pytest

from build_hooks.deck.present import DeckPage, is_relative, page_dir, rebase_urls, render_page, write_present
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
