"""MkDocs hooks for the decks: slides, notes, sections, the Present link and present pages.

One Markdown file per deck in slides/ becomes a reading page (each slide a `<section>` with a
stable anchor, notes collapsed) and a reveal.js page (present/<stem>/), plus present/ for the
whole talk. The logic lives in plain modules (`slides.py`, `present.py`); this file only wires
them to MkDocs events:

    on_files           register build_hooks/assets/ and reveal.js dist as generated files;
                       read every deck's front matter (for the nav order)
    on_nav             order the decks by front-matter `order`, other pages after them
    on_page_markdown   check a deck and rewrite it (slide markers, notes as a details block)
    on_page_content    wrap slides in sections, add the Present link, keep the slides for later;
                       the site's URL and QR code on the first and last slide (deck/qr.py);
                       fail when a slide cannot fit a 1280x720 projector at readable sizes (deck/fit.py)
    on_post_build      write the present pages
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from build_hooks.deck import fit, present, qr, sections, slides
from build_hooks.mkdocs.config import DeckConfig
from build_hooks.mkdocs.linked import LinkedFile


@dataclass
class DeckBuild:
    """This build's decks (MkDocs hooks are plain modules: on_config makes a new one per build)."""
    cfg: DeckConfig
    decks: dict[str, present.DeckPage] = field(default_factory=dict)       # src_uri -> rendered slides
    order: dict[str, tuple[int, str, str]] = field(default_factory=dict)   # src_uri -> (order, title, src_uri)


_build: DeckBuild | None = None

# Hooks ---------------------------------------------------------------------------------------


def on_config(config):
    global _build
    try:
        _build = DeckBuild(DeckConfig.from_mkdocs(config))
    except ValueError as err:           # a bad extra.deck field, named with its fix
        raise PluginError(str(err)) from None
    if _build.cfg.theme not in present.THEMES:  # fail before building anything
        raise PluginError(f"mkdocs.yml: extra.deck.theme must be one of {', '.join(present.THEMES)} "
                          f"(reveal.js themes whose fonts are embedded), got {_build.cfg.theme!r}")


def on_files(files, config):
    for src_uri, path in _assets(config):
        if files.get_file_from_path(src_uri) is None:
            files.append(LinkedFile.generated(config, src_uri, abs_src_path=str(path)))
    for file in files.documentation_pages():
        if _is_deck(file):
            try:
                meta = slides.parse_deck(file.content_string, _where(file)).meta
            except slides.SlideError as err:
                raise PluginError(str(err)) from None
            _build.order[file.src_uri] = (meta["order"], meta["title"], file.src_uri)
    return files


def on_nav(nav, config, files):
    if config["nav"]:  # an explicit `nav:` in mkdocs.yml wins over front-matter order
        return nav
    nav.items.sort(key=_nav_key)  # stable: non-deck pages keep their relative order, after the decks
    nav.pages = [p for p in _walk(nav.items) if isinstance(p, Page)]
    for i, page in enumerate(nav.pages):  # the footer's previous/next links follow the new order
        page.previous_page = nav.pages[i - 1] if i else None
        page.next_page = nav.pages[i + 1] if i + 1 < len(nav.pages) else None
    return nav


def on_page_markdown(markdown, page, config, files):
    if not _is_deck(page.file):
        return markdown
    try:
        deck = slides.parse_deck(page.file.content_string, _where(page.file))
    except slides.SlideError as err:
        raise PluginError(str(err)) from None
    page.meta["deck_slides"] = [s.line for s in deck.slides]
    return slides.to_markdown(deck)


def on_page_content(html, page, config, files):
    if not _is_deck(page.file) or "deck_slides" not in page.meta:
        return html
    where = _where(page.file)
    try:
        rendered = sections.split_rendered(html, page.meta["deck_slides"], where)
    except slides.SlideError as err:
        raise PluginError(str(err)) from None
    if page.is_homepage or page.file.src_uri == _last_deck():   # the audience's way in: URL + QR code
        if not config["site_url"]:
            raise PluginError("mkdocs.yml: site_url is not set; the first and the last slide show it as a QR "
                              "code. Set site_url (the Pages workflow sets it from SITE_URL)")
        target = rendered[0] if page.is_homepage else rendered[-1]
        try:
            target.html += qr.follow_along(config["site_url"])
        except RuntimeError as err:
            raise PluginError(f"{where}: {err}") from None
    try:
        fit.check(rendered, where, figures=lambda src: _file_for(src, page, files))
    except ValueError as err:
        raise PluginError(str(err)) from None
    stem = _stem(page.file)
    _build.decks[page.file.src_uri] = present.DeckPage(stem=stem, title=page.meta.get("title") or stem,
                                                 url=page.url, slides=rendered,
                                                 minutes=float(page.meta.get("minutes") or 0))
    return _present_links(stem, page, config) + sections.wrap_sections(rendered)


def on_post_build(config):
    decks = [_build.decks[uri] for uri in sorted(_build.decks, key=lambda u: _build.order.get(u, (0, "", u)))]
    if not decks:
        return
    css = [str(u) for u in config["extra_css"] if not _is_reading_only(str(u))]
    js = [_script(s) for s in config["extra_javascript"] if not _is_reading_only(str(s))]
    present.write_present(config["site_dir"], decks, site_name=config["site_name"], css=css, js=js,
                          theme=_build.cfg.theme, favicon=str(config["theme"].get("favicon") or ""))


# Helpers -------------------------------------------------------------------------------------


def _is_deck(file) -> bool:
    """A deck is a Markdown page written in slides/ (not a notebook, not a generated file)."""
    return file.src_uri.endswith(".md") and file.generated_by is None


def _stem(file) -> str:
    return Path(file.src_uri).with_suffix("").as_posix().replace("/", "-")


def _where(file) -> str:
    """The deck's path as the user sees it ("slides/why.md"): relative to mkdocs.yml's folder."""
    return _build.cfg.where(file.abs_src_path) if file.abs_src_path else file.src_uri


def _last_deck() -> str:
    """The src_uri of the deck that ends the talk (highest front-matter order)."""
    return max(_build.order, key=lambda uri: _build.order[uri]) if _build.order else ""


def _file_for(src: str, page, files) -> Path | None:
    """The file behind a relative URL in a page's HTML (a figure), or None."""
    if not present.is_relative(src):
        return None
    uri = posixpath.normpath(posixpath.join(present.page_dir(page.url), src.split("#")[0].split("?")[0]))
    file = files.get_file_from_path(uri)
    return Path(file.abs_src_path) if file and file.abs_src_path and os.path.exists(file.abs_src_path) else None



def _present_links(stem: str, page, config) -> str:
    """The floating "Present" button (and "Present the talk" on the title deck); reading.js adds #/slide."""
    links = (f'<a class="md-button md-button--primary deck-present-link" href="{_present_url(stem, page.url, config)}" '
             f'title="Open this deck in present mode at the slide you are reading">Present</a>')
    if page.is_homepage:  # the whole talk: there slide ids carry the deck's stem as a prefix
        links = (f'<a class="md-button deck-present-link" href="{_present_url("", page.url, config)}" '
                 f'data-slide-prefix="{stem}--" title="Present the whole talk, every deck in order">'
                 f'Present the talk</a>\n' + links)
    return f'<div class="deck-present-links">\n{links}\n</div>\n'


def _present_url(stem: str, page_url: str, config) -> str:
    folder = f"present/{stem}/" if stem else "present/"
    target = folder if config["use_directory_urls"] else folder + "index.html"
    depth = len([p for p in present.page_dir(page_url).split("/") if p])
    return "../" * depth + target


def _nav_key(item):
    file = getattr(item, "file", None)
    if file is not None and file.src_uri in _build.order:
        return (0, *_build.order[file.src_uri])
    return (1, 0, "", "")


def _walk(items):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _is_reading_only(url: str) -> bool:
    return os.path.basename(url).startswith("reading.")


def _script(entry) -> dict:
    return {"path": str(entry), "type": getattr(entry, "type", ""),
            "defer": getattr(entry, "defer", False), "async": getattr(entry, "async_", False)}


def _assets(config):
    """(site path, file) pairs to copy: our own assets, then reveal.js dist from node_modules."""
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            yield f"{present.OWN}/{path.relative_to(ASSETS).as_posix()}", path
    dist = _build.cfg.node_modules / "reveal.js" / "dist"
    if not dist.is_dir():
        raise PluginError("node_modules/reveal.js/dist not found: run `npm ci` (or `make deps`) next to "
                          "mkdocs.yml to install reveal.js for present mode")
    for rel in REVEAL_FILES:
        if not (dist / rel).is_file():
            raise PluginError(f"{dist / rel} is missing: reinstall reveal.js with `npm ci` (or `make deps`)")
        yield f"{present.VENDOR}/{rel}", dist / rel
    license_ = dist.parent / "LICENSE"
    if license_.is_file():
        yield f"{present.VENDOR}/LICENSE", license_


# Data ----------------------------------------------------------------------------------------

ASSETS = Path(__file__).resolve().parents[1] / "assets"   # package data: installed with build_hooks

# reveal.js dist files present mode needs (themes white/black embed their fonts as data: URLs).
REVEAL_FILES = ["reveal.js", "reveal.css", "reset.css", "theme/white.css", "theme/black.css", "plugin/notes.js"]
