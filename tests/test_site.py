"""Real strict MkDocs builds: the repo's site, and small variants built in tmp_path with `-f`."""

import re
import textwrap
from pathlib import Path

import pytest

from helpers import FRONT, ROOT, mkdocs_build, variant


def deck_files(built: Path) -> list[str]:
    """Deck stems of the repo (every Markdown file in slides/)."""
    return sorted(p.stem for p in (ROOT / "slides").glob("*.md"))


GOOD = {
    "index.md": FRONT.format(title="Title deck", minutes=1, order=0) + "# The talk\n\nHello.\n",
    # named so that alphabetical order (a-, b-) differs from front-matter order
    "a-second.md": FRONT.format(title="Second", minutes=2, order=2) + "## Only slide\n\nText.\n",
    "b-first.md": FRONT.format(title="First", minutes=3.5, order=1) + textwrap.dedent("""\
        ## Intro

        Some text.

        Note:
        Say hello *warmly*.

        ---

        ## Code with dashes

        ```yaml
        ---
        a: 1
        ```

        | col | other |
        |-----|-------|
        | 1   | 2     |
        ---

        !!! tip "Admonition"
            Inside.

        ---

        ## Intro

        Same heading again.
        """),
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("variant")
    config = variant(tmp, GOOD)
    result = mkdocs_build(tmp / "site", config=config)
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def test_sections_anchors_notes_and_present_link(good_site):
    html = (good_site / "b-first" / "index.html").read_text()
    ids = re.findall(r'<section class="slide" id="([^"]+)"', html)
    assert ids == ["slide-intro", "slide-code-with-dashes", "slide-intro_1"]
    assert '<details class="note deck-notes">' in html and "<details open" not in html  # notes collapsed
    assert "Say hello <em>warmly</em>" in html
    assert 'class="admonition tip"' in html and "<table>" in html
    assert re.search(r'<a class="[^"]*deck-present-link" href="\.\./present/b-first/"', html)
    root = (good_site / "index.html").read_text()
    assert re.search(r'<a class="[^"]*deck-present-link" href="present/index/"', root)


def test_decks_follow_front_matter_order(good_site):
    nav = (good_site / "index.html").read_text()
    titles = re.findall(r'md-nav__link[^>]*>\s*<span class="md-ellipsis">\s*([^<]+?)\s*<', nav)
    assert titles.index("First") < titles.index("Second"), titles
    talk = (good_site / "present" / "index.html").read_text()
    decks = re.findall(r'data-deck="([^"]+)"', talk)
    assert decks == ["index", "b-first", "b-first", "b-first", "a-second"]
    # the footer's next link follows the same order
    first = (good_site / "b-first" / "index.html").read_text()
    assert re.search(r'<a href="\.\./a-second/" class="md-footer__link md-footer__link--next"', first)


def test_present_pages_and_generated_files(good_site):
    for rel in ["present/index.html", "present/b-first/index.html", "present/a-second/index.html",
                "assets/vendor/reveal/reveal.js", "assets/vendor/reveal/reveal.css",
                "assets/vendor/reveal/theme/white.css", "assets/vendor/reveal/plugin/notes.js",
                "assets/deck/deck.css", "assets/deck/reading.js", "assets/deck/present.css",
                "assets/deck/present.js"]:
        assert (good_site / rel).is_file(), rel
    page = (good_site / "present" / "b-first" / "index.html").read_text()
    assert page.count('<section class="slide"') == 3
    assert '<aside class="notes">' in page and "Say hello <em>warmly</em>" in page
    assert 'href="../../assets/vendor/reveal/theme/white.css"' in page
    assert "reading.js" not in page and 'href="../../assets/deck/deck.css"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another origin


@pytest.mark.parametrize("bad, where, words", [
    ("## A\n\n```python\nx = 1\n", "slides/bad.md:8:", "never closed"),
    ("## A\n\n---\n\n---\n\n## C\n", "slides/bad.md:8:", "empty slide"),
    (None, "slides/bad.md:3:", "did you mean `minutes`"),
    # a fence body's YAML error names the body's line, not the fence's
    ("## A\n\n```demo beam\nprompt: Hi\nwidth: [2\n```\n", "slides/bad.md:10:", "demo beam: not valid YAML"),
])
def test_a_bad_deck_fails_the_strict_build_with_file_and_line(tmp_path, bad, where, words):
    text = FRONT.format(title="Bad", minutes=1, order=5) + (bad or "# B\n")
    if bad is None:
        text = text.replace("minutes:", "minuts:")
    config = variant(tmp_path, {**GOOD, "bad.md": text})
    result = mkdocs_build(tmp_path / "site", config=config)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert where in out and words in out, out
    assert not (tmp_path / "site" / "present").exists()  # nothing written half-way


def test_a_link_to_a_slide_is_checked_like_a_link_to_a_heading(tmp_path):
    """Slide ids (#slide-...) are the plugin's, not Markdown's: it registers them with MkDocs, so a link
    to a slide of another deck builds without a word and one to a slide that is not there fails the strict
    build naming the link (mkdocs.yml: validation: anchors: warn). Built with MkDocs' own log (no -q)."""
    def build(target: str):
        folder = tmp_path / target
        folder.mkdir()
        text = GOOD["index.md"] + f"\nSee [the code](b-first.md#{target}).\n"
        return mkdocs_build(folder / "site", config=variant(folder, {**GOOD, "index.md": text}))

    there = build("slide-code-with-dashes")
    assert there.returncode == 0, there.stderr
    assert "#slide-" not in there.stdout + there.stderr          # not even an INFO line about it
    missing = build("slide-no-such-slide")
    out = missing.stdout + missing.stderr
    assert missing.returncode != 0, out
    assert ("Doc file 'index.md' contains a link 'b-first.md#slide-no-such-slide', but the doc 'b-first.md' "
            "does not contain an anchor '#slide-no-such-slide'") in out, out


def test_missing_node_modules_says_what_to_run(tmp_path):
    config = variant(tmp_path, GOOD)
    (tmp_path / "node_modules").unlink()       # node_modules is looked for next to mkdocs.yml, nowhere else
    result = mkdocs_build(tmp_path / "site", config=config)
    assert result.returncode != 0 and "npm ci" in result.stderr + result.stdout


def test_the_repo_builds_strict_with_a_section_per_slide(built_site):
    for stem in deck_files(built_site):
        page = built_site / ("index.html" if stem == "index" else f"{stem}/index.html")
        html = page.read_text()
        sections = re.findall(r'<section class="slide" id="([^"]+)"', html)
        assert sections and len(sections) == len(set(sections)), stem
        assert "deck-present-link" in html, stem
        present = (built_site / "present" / stem / "index.html").read_text()
        assert re.findall(r'<section class="slide" id="([^"]+)"', present) == sections, stem


def test_the_repo_nav_lists_decks_by_order_then_other_pages(built_site):
    from build_hooks.deck.slides import parse_front_matter

    metas = {p.stem: parse_front_matter(p.read_text(), str(p))[0] for p in (ROOT / "slides").glob("*.md")}
    decks = sorted((meta["order"], meta["title"], stem) for stem, meta in metas.items())
    expected = ["." if stem == "index" else f"{stem}/" for _, _, stem in decks]
    html = (built_site / "index.html").read_text()
    nav = html[html.index('class="md-nav md-nav--primary"'):html.index('class="md-sidebar md-sidebar--secondary"')]
    hrefs = re.findall(r'<a href="([^"#]*)" class="md-nav__link', nav)
    assert [h for h in hrefs if h in expected] == expected
    others = [h for h in hrefs if h not in expected]
    assert all(hrefs.index(o) > hrefs.index(expected[-1]) for o in others)  # e.g. the notebook, after the decks


def test_a_theme_that_would_fetch_fonts_is_refused(tmp_path):
    config = variant(tmp_path, GOOD)
    text = config.read_text()
    assert "theme: white" in text
    config.write_text(text.replace("theme: white", "theme: league"))
    result = mkdocs_build(tmp_path / "site", config=config)
    out = result.stderr + result.stdout
    assert result.returncode != 0
    assert "mkdocs.yml: option `plugins.deck.theme` is 'league'; it must be one of white, black" in out


def test_every_built_file_is_readable_by_a_web_server(built_site):
    # Files written through temp files (present pages, figures, the demos lock) must not keep
    # mkstemp's 0600: a web server running as another user, or the Pages artifact, must read them.
    unreadable = [str(p.relative_to(built_site)) for p in built_site.rglob("*")
                  if p.is_file() and not p.stat().st_mode & 0o004]
    assert not unreadable, f"not world-readable: {unreadable[:5]}"


ASSETS = ROOT / "build_hooks" / "assets"
OWN_TAG = re.compile(r'<script src="(?:\.\./)*assets/deck/([^"]+)"([^>]*)>')
IMPORT = re.compile(r'^import\b[^"\n]*"\./([^"]+)";', re.M)
# A window global a script sets (window.deckLive = ..., Object.assign(window.deckLive, ...)), and one a
# script reads as it starts (a top-level `const { ... } = window.deckLive;`), not later in a function.
SETS = re.compile(r"^\s*(?:window\.(deck\w+) =|Object\.assign\(window\.(deck\w+),)", re.M)
READS_AT_START = re.compile(r"^const \{[^}]*\} = window\.(deck\w+);", re.M)
WINDOW_GLOBAL = re.compile(r"\bwindow\.(deck\w+)\b(?! =)")


def test_the_pages_scripts_are_es_modules(good_site):
    """Every page the build writes (reading, present, preflight) loads the plugin's scripts as ES modules
    (`pages.CLASSIC`: deferred classic scripts, in page order, until they are converted), with no
    mkdocs.yml list: the plugin puts them on. A module finds its files from its own URL, never from
    document.currentScript (null in a module), imports what another module exports instead of reading
    it from the window, and every file a module imports has a tag of its own on the page, so the
    browser fetches them all at once instead of one import after the other. A script that reads a
    classic script's window global as it starts (live-widget.js: window.deckLive) comes after it."""
    from build_hooks.plugin import pages

    scripts = {p.name: p.read_text(encoding="utf-8") for p in ASSETS.glob("*.js") if p.name != "deck-sw.js"}
    assert not [n for n, text in scripts.items() if "currentScript" in text and n not in pages.CLASSIC]
    modules = {n for n in scripts if n not in pages.CLASSIC}
    assert {"snapshots.js", "live-widget.js", "live-branch.js", "live-explore.js"} <= modules
    setters = {}
    for name, text in scripts.items():
        for match in SETS.finditer(text):
            setters.setdefault(match[1] or match[2], set()).add(name)
    for name in modules:
        assert not re.search(r"^\((function \(\)|\(\) =>) \{$", scripts[name], re.M), f"{name} is still an IIFE"
        # what a module exports is imported, not read from the window (that is for classic scripts)
        from_modules = {g for g in WINDOW_GLOBAL.findall(scripts[name]) if setters.get(g, set()) & modules}
        assert not from_modules, f"{name} reads {from_modules} from window: import it from its module"
    html_files = sorted(good_site.rglob("*.html"))
    assert {"present", "preflight"} <= {p.parent.name for p in html_files} | {p.parent.parent.name for p in html_files}
    for path in html_files:
        tags = OWN_TAG.findall(path.read_text(encoding="utf-8"))
        if not tags:
            continue
        order = [name for name, _ in tags]
        for at, (name, attrs) in enumerate(tags):
            assert attrs == (" defer" if name in pages.CLASSIC else ' type="module"'), (path, name, attrs)
            missing = set(IMPORT.findall(scripts[name])) - set(order)
            assert not missing, f"{path}: {name} imports {missing}, which the page does not list"
            # deferred scripts and modules run in tag order: what one reads as it starts is set before it
            for used in READS_AT_START.findall(scripts[name]):
                late = setters[used] - {name} - set(order[:at])
                assert not late, f"{path}: {name} reads window.{used} as it starts, before {late} set it"
    index = (good_site / "index.html").read_text(encoding="utf-8")
    assert "assets/deck/widgets.js\" type=\"module\"" in index and "assets/deck/reading.js" in index


def test_one_rule_for_percentages_and_colours():
    """vocabulary.js is the pages' one renderer of a percentage and a colour (demos/vocabulary.py's
    rules, tests/test_vocabulary_browser.py): no other script defines its own, and every module that
    shows one imports it (from vocabulary.js, or widgets.js, which passes them on)."""
    from build_hooks.plugin import pages

    own = re.compile(r"^\s*(?:export )?(?:function|const|let) (percent|hue)\b", re.M)
    used = re.compile(r"\b(percent|hue)\(")
    imported = re.compile(r'^import \{([^}]*)\} from "\./(?:vocabulary|widgets)\.js";', re.M)
    for path in sorted(ASSETS.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        if path.name == "vocabulary.js":
            continue
        assert not own.search(text), f"{path.name} defines its own {own.search(text)[1]}"
        names = {n.strip() for group in imported.findall(text) for n in group.split(",")}
        if path.name not in pages.CLASSIC:
            assert set(used.findall(text)) <= names, f"{path.name} uses {set(used.findall(text)) - names} unimported"
