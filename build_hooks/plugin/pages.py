"""What the plugin adds around MkDocs' own pages: the nav in front-matter order, the Present links,
the files copied in from build_hooks/assets/ and reveal.js, the pages' own styles and scripts, and
present mode's script entries.

Plain functions over MkDocs' objects; the plugin (plugin.py) calls them from its events.

Example:
>>> present_url("why-local", "why-local/", use_directory_urls=True)
'../present/why-local/'
>>> present_url("", "", use_directory_urls=False)
'present/index.html'
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from build_hooks.browser import npm
from build_hooks.deck import present

ASSETS = Path(__file__).resolve().parents[1] / "assets"   # package data: installed with build_hooks
# Copied to the site's root, not assets/deck/: a service worker sees only its own folder and below,
# and the site's one (threads for the live model, assets/deck/threads.js) must see every page.
AT_SITE_ROOT = {"deck-sw.js"}

# What the plugin puts on every page MkDocs writes (present pages: all but reading.*; present.py adds
# present mode's own), before the project's own extra_css / extra_javascript. The scripts are ES
# modules that import what they need; each has a tag all the same, so a page fetches them at once
# rather than one import after another.
STYLES = ["deck.css", "widgets.css", "snapshots.css", "live.css"]
SCRIPTS = ["reading.js", "preview.js", "press.js", "vocabulary.js", "worker-bridge.js", "widgets.js",
           "sampling-widget.js", "snapshots.js", "threads.js", "live-glue.js", "live-engine.js", "live.js",
           "live-generate.js", "live-widget.js", "live-branch.js", "live-explore.js"]
# Deferred classic scripts (none left: every script is a module; the tests keep the rule for one).
CLASSIC: set[str] = set()

# reveal.js dist files present mode needs (themes white/black embed their fonts as data: URLs).
REVEAL_FILES = [f.removeprefix("dist/") for f in npm.PACKAGES["reveal.js"] if f.startswith("dist/")]


def is_deck(file) -> bool:
    """A deck is a Markdown page written in slides/ (not a notebook, not a generated file)."""
    return file.src_uri.endswith(".md") and file.generated_by is None


def stem(file) -> str:
    """"why-local" for slides/why-local.md; "part-a" for slides/part/a.md."""
    return Path(file.src_uri).with_suffix("").as_posix().replace("/", "-")


def sort_nav(nav, order: dict):
    """Decks first, by front-matter `order` (src_uri -> (order, title, src_uri)); other pages after them,
    in their own order. The footer's previous/next links follow."""
    def key(item):
        file = getattr(item, "file", None)
        if file is not None and file.src_uri in order:
            return (0, *order[file.src_uri])
        return (1, 0, "", "")

    nav.items.sort(key=key)          # stable: non-deck pages keep their relative order
    nav.pages = [p for p in _walk(nav.items) if isinstance(p, Page)]
    for i, page in enumerate(nav.pages):
        page.previous_page = nav.pages[i - 1] if i else None
        page.next_page = nav.pages[i + 1] if i + 1 < len(nav.pages) else None
    return nav


def _walk(items):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def file_for(src: str, page, files) -> Path | None:
    """The file behind a relative URL in a page's HTML (a figure), or None."""
    if not present.is_relative(src):
        return None
    uri = posixpath.normpath(posixpath.join(present.page_dir(page.url), src.split("#")[0].split("?")[0]))
    file = files.get_file_from_path(uri)
    return Path(file.abs_src_path) if file and file.abs_src_path and os.path.exists(file.abs_src_path) else None


def present_links(deck: str, page, use_directory_urls: bool) -> str:
    """The floating "Present" button (and "Present the talk" on the title deck); reading.js adds #/slide."""
    links = (f'<a class="md-button md-button--primary deck-present-link" '
             f'href="{present_url(deck, page.url, use_directory_urls)}" '
             f'title="Open this deck in present mode at the slide you are reading">Present</a>')
    if page.is_homepage:  # the whole talk: there slide ids carry the deck's stem as a prefix
        links = (f'<a class="md-button deck-present-link" href="{present_url("", page.url, use_directory_urls)}" '
                 f'data-slide-prefix="{deck}--" title="Present the whole talk, every deck in order">'
                 f'Present the talk</a>\n' + links)
    check = ""
    if page.is_homepage:  # the presenter's preflight (deck/check.py), in the text flow of the title page
        depth = len([p for p in present.page_dir(page.url).split("/") if p])
        url = "../" * depth + ("preflight/" if use_directory_urls else "preflight/index.html")
        check = (f'<p class="deck-check-link">Presenting? <a href="{url}">Check this laptop first</a>: one click '
                 f'loads Python, every widget, the model from the browser\'s cache, and says if the talk runs '
                 f'without a network.</p>\n')
    return f'<div class="deck-present-links">\n{links}\n</div>\n{check}'


def present_url(deck: str, page_url: str, use_directory_urls: bool) -> str:
    folder = f"present/{deck}/" if deck else "present/"
    target = folder if use_directory_urls else folder + "index.html"
    depth = len([p for p in present.page_dir(page_url).split("/") if p])
    return "../" * depth + target


def notebook_cache(config, cache: Path) -> None:
    """mkdocs-jupyter keeps its executed notebooks in `.cache/mkdocs-jupyter` relative to the WORKING
    directory; left at that default, it goes with the deck's own cache (<cache>/notebooks: beside
    mkdocs.yml, or DECK_CACHE), so a build from any directory writes nothing there."""
    notebook = config.plugins.get("mkdocs-jupyter") if hasattr(config.plugins, "get") else None
    if notebook is not None and notebook.config.get("cache_dir") == ".cache/mkdocs-jupyter":
        notebook.config["cache_dir"] = str(cache / "notebooks")


def is_reading_only(url: str) -> bool:
    """reading.js and friends belong to the reading view only, never to present pages."""
    return os.path.basename(url).startswith("reading.")


def add_own(config) -> None:
    """STYLES and SCRIPTS (as assets/deck/ paths) in front of the project's extra_css and
    extra_javascript; one the project lists itself keeps its own entry."""
    listed = {str(u) for u in config["extra_css"]}
    config["extra_css"][:0] = [u for u in (f"{present.OWN}/{n}" for n in STYLES) if u not in listed]
    listed = {str(s) for s in config["extra_javascript"]}
    own = []
    for name in SCRIPTS:
        if f"{present.OWN}/{name}" not in listed:
            entry = ExtraScriptValue(f"{present.OWN}/{name}")
            entry.type, entry.defer = ("", True) if name in CLASSIC else ("module", False)
            own.append(entry)
    config["extra_javascript"][:0] = own


def script(entry) -> dict:
    """An extra_javascript entry as present.render_page takes it (path, type, defer, async)."""
    return {"path": str(entry), "type": getattr(entry, "type", ""),
            "defer": getattr(entry, "defer", False), "async": getattr(entry, "async_", False)}


def assets(node_modules: Path):
    """(site path, file) pairs to copy: our own assets (AT_SITE_ROOT at the root), then reveal.js dist
    from node_modules."""
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            rel = path.relative_to(ASSETS).as_posix()
            yield (rel if rel in AT_SITE_ROOT else f"{present.OWN}/{rel}"), path
    dist = node_modules / "reveal.js" / "dist"
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
