"""Present mode: reveal.js pages written from the HTML MkDocs already rendered.

The reading view renders each deck once (admonitions, code, figures, snapshot and demo widgets);
here we reuse those slide chunks verbatim, put each in a reveal.js `<section>` with its notes in
`<aside class="notes">`, and write

    present/<deck-stem>/index.html   one deck
    present/index.html               the whole talk, every deck in order, one Reveal instance

Every URL is relative (the site may live under a Pages subpath such as /deck/), and everything
the page loads comes from the site itself: reveal.js is vendored at assets/vendor/reveal/, and the
white/black themes embed their fonts as data: URLs.

No MkDocs here: the plugin (build_hooks/plugin/plugin.py) calls `write_present(...)` from on_post_build.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from build_hooks.deck import pacing
from build_hooks.files import atomic_write

THEMES = ("white", "black")          # the reveal.js themes whose fonts are embedded (no Google Fonts)
VENDOR = "assets/vendor/reveal"      # where the plugin copies reveal.js dist
OWN = "assets/deck"                  # where the plugin copies build_hooks/assets/
URL_ATTR = re.compile(r'\b(src|href|poster|data-src)="([^"]*)"')


@dataclass
class DeckPage:
    stem: str                 # "why-local" for slides/why-local.md
    title: str
    url: str                  # the reading page's URL relative to the site root ("why-local/")
    slides: list = field(default_factory=list)  # build_hooks.deck.sections.RenderedSlide
    minutes: float = 0        # the deck's front-matter budget; 0: no pacing in the speaker view


def page_dir(url: str) -> str:
    """The directory (relative to the site root) a page URL's relative links are resolved against.

    Example: page_dir("why/") == "why"; page_dir("why.html") == ""; page_dir("") == ""
    """
    return url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)


def is_relative(url: str) -> bool:
    """True for a site-relative URL such as "../figures/a.svg"; False for "#x", "/x", "https:", "data:".

    Example: is_relative("../a.svg") is True; is_relative("#slide-1") is False
    """
    return bool(url) and not url.startswith(("#", "/")) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)


def rebase_urls(chunk: str, from_dir: str, to_dir: str) -> str:
    """Rewrite the relative URLs in `chunk` (written for a page in `from_dir`) for a page in `to_dir`.

    Example: rebase_urls('<img src="../figures/a.svg">', "why", "present/why")
             == '<img src="../../figures/a.svg">'
    """
    def fix(m: re.Match) -> str:
        attr, url = m[1], html.unescape(m[2])
        if not is_relative(url):
            return m[0]
        target = posixpath.normpath(posixpath.join("/", from_dir, url))
        rel = posixpath.relpath(target, posixpath.join("/", to_dir))
        if url.endswith("/") and not rel.endswith("/"):
            rel += "/"
        return f'{attr}="{html.escape(rel)}"'
    return URL_ATTR.sub(fix, chunk)


def section(slide, deck: DeckPage, to_dir: str, id_prefix: str = "", timing: int = 0) -> str:
    """One reveal.js slide: the rendered chunk (URLs rebased), its notes as `<aside class="notes">`
    and its share of the deck's minutes in seconds (`data-timing`, reveal.js's pacing; pacing.py).

    Example: section(RenderedSlide("slide-a", "<h2>A</h2>", "<p>n</p>", 6), deck, "present/why", timing=40)
             -> '<section class="slide" id="slide-a" data-deck="why" data-line="6" data-timing="40">...
                 <aside class="notes"><p>n</p></aside></section>'
    """
    body = rebase_urls(slide.html, page_dir(deck.url), to_dir)
    notes = ""
    if slide.notes_html:
        notes = f'<aside class="notes">\n{rebase_urls(slide.notes_html, page_dir(deck.url), to_dir)}\n</aside>\n'
    paced = f' data-timing="{timing}"' if timing else ""
    return (f'<section class="slide" id="{id_prefix}{slide.id}" data-deck="{html.escape(deck.stem)}" '
            f'data-line="{slide.line}"{paced}>\n{body}{notes}</section>\n')


def doc_head(title: str, lang: str = "en") -> list[str]:
    """The first lines of every page written here: doctype, language, charset, viewport, title.

    Example: doc_head("T")[-1] == "<title>T</title>"
    """
    return ["<!doctype html>", f'<html lang="{html.escape(lang)}">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>"]


def render_page(*, title: str, sections: list[str], to_dir: str, css: list[str], js: list[dict],
                theme: str = "white", back_url: str = "", reading: dict | None = None, favicon: str = "",
                lang: str = "en", total_time: int = 0) -> str:
    """A whole present page. `css` / `js` are site-root-relative (MkDocs extra_css / extra_javascript);
    `total_time` (seconds) is the talk's budget for reveal.js's pacing (0: none).

    Example: render_page(title="Talk", sections=["<section>..</section>"], to_dir="present",
                         css=[], js=[]) starts with "<!doctype html>"
    """
    if theme not in THEMES:
        raise ValueError(f"plugins.deck.theme must be one of {', '.join(THEMES)} (their fonts are embedded), "
                         f"got {theme!r}")
    up = "../" * len([p for p in to_dir.split("/") if p])

    def url(u: str) -> str:
        return html.escape(up + u if is_relative(u) else u)

    links = [f"{VENDOR}/reset.css", f"{VENDOR}/reveal.css", f"{VENDOR}/theme/{theme}.css",
             *css, f"{OWN}/present.css"]
    # reveal.js and its notes plugin are classic scripts: they run as they are parsed, before every
    # module (ours: deferred, in page order); present.js, last, starts reveal.js once the widgets' are in.
    scripts = [{"path": f"{VENDOR}/reveal.js"}, {"path": f"{VENDOR}/plugin/notes.js"},
               {"path": f"{OWN}/mirror.js", "type": "module"}, *js, {"path": f"{OWN}/present.js", "type": "module"}]
    head = [f'<link rel="stylesheet" href="{url(u)}">' for u in links]
    if favicon:  # without one the browser asks the server root for /favicon.ico
        head.insert(0, f'<link rel="icon" href="{url(favicon)}">')
    tail = []
    for s in scripts:
        attrs = f' type="{html.escape(s["type"])}"' if s.get("type") else ""
        attrs += " defer" if s.get("defer") else ""
        attrs += " async" if s.get("async") else ""
        tail.append(f'<script src="{url(s["path"])}"{attrs}></script>')
    # present.js reads this: the reading page of each deck, so "Reading view" follows the slide.
    config = json.dumps({"theme": theme, "reading": {k: url(v or "./") for k, v in (reading or {}).items()},
                         "totalTime": total_time}, sort_keys=True).replace("</", "<\\/")
    back = (f'<a class="deck-back" href="{url(back_url or "./")}" title="Back to the reading view">'
            f'Reading view</a>\n') if back_url is not None else ""
    return "\n".join([
        *doc_head(title, lang),
        *head,
        "</head>",
        f'<body class="deck-present deck-theme-{theme}">',
        back + '<div class="reveal">',
        '<div class="slides">',
        "".join(sections) + "</div>",
        "</div>",
        f'<script type="application/json" id="deck-config">{config}</script>',
        *tail,
        "</body>",
        "</html>",
        "",
    ])


def write_present(site_dir: str | Path, decks: list[DeckPage], *, site_name: str, css: list[str],
                  js: list[dict], theme: str = "white", favicon: str = "") -> list[Path]:
    """Write present/<stem>/index.html for each deck and present/index.html for all of them, in order.

    In the whole-talk page slide ids get the deck's stem as a prefix ("why--slide-cost"), so two
    decks may both have a "Summary" slide.

    Example: write_present("site", [DeckPage("why", "Why", "why/", slides)], site_name="Talk",
                           css=["assets/deck/deck.css"], js=[]) -> [site/present/why/index.html, ...]
    """
    site_dir = Path(site_dir)
    reading = {d.stem: d.url for d in decks}
    # the speaker view's pacing: each deck's minutes over its slides (0 s each: a deck without minutes)
    timings = {d.stem: pacing.deck_timings(d.slides, d.minutes) if d.minutes else [0] * len(d.slides)
               for d in decks}
    written = []
    for deck in decks:
        to_dir = f"present/{deck.stem}"
        sections = [section(s, deck, to_dir, timing=t) for s, t in zip(deck.slides, timings[deck.stem])]
        text = render_page(title=f"{deck.title} · {site_name}", sections=sections, to_dir=to_dir,
                           css=css, js=js, theme=theme, back_url=deck.url, reading=reading, favicon=favicon,
                           total_time=sum(timings[deck.stem]))
        written.append(site_dir / to_dir / "index.html")
        atomic_write(written[-1], text)
    everything = [section(s, d, "present", id_prefix=f"{d.stem}--", timing=t)
                  for d in decks for s, t in zip(d.slides, timings[d.stem])]
    paced = all(d.minutes for d in decks)     # pacing for the whole talk only if every deck has a budget
    text = render_page(title=site_name, sections=everything, to_dir="present", css=css, js=js, theme=theme,
                       back_url=decks[0].url if decks else "", reading=reading, favicon=favicon,
                       total_time=sum(map(sum, timings.values())) if paced else 0)
    written.append(site_dir / "present" / "index.html")
    atomic_write(written[-1], text)
    return written
