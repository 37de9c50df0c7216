"""The `deck` MkDocs plugin: slides, present pages, snapshot and demo fences, figures, Pyodide, the live model.

    plugins:
      - search
      - deck              # options: build_hooks/plugin/options.py

One object per build holds all of the build's state (MkDocs makes a new one each time it loads
mkdocs.yml, `mkdocs serve` rebuilds included). The work is in plain modules; the events only wire
them to MkDocs, in this order:

    on_config          the project's paths and the model, chosen once (project.py); the snapshot
                       store; the fence pipeline, and superfences' `snapshot` and `demo` fences
                       pointed at it (before MkDocs builds any Markdown); the pages' own styles
                       and scripts (pages.py: ES modules)
    on_pre_build       every page's fences checked and their snapshots fetched, figures drawn:
                       anything wrong stops the build here, before MkDocs writes a file
    on_files           build_hooks/assets/ and reveal.js; every deck's front matter (for the nav);
                       the figures, Pyodide + the demos wheel, the tokenizer's vocabulary, the
                       live model (wllama + the GGUF's shards, opt-in in the reader's browser)
    on_nav             decks in front-matter `order`, other pages after them
    on_page_markdown   a deck checked and rewritten (slide markers, notes); the page fences render for
    on_page_content    slides wrapped in sections, the Present link, the URL + QR code on the first
                       and last slide; a slide that cannot fit 1280x720 fails the build (deck/fit.py)
    on_post_build      the present pages (deck/present.py)

Every failure is a PluginError naming `slides/FILE.md:LINE` or `mkdocs.yml: plugins.deck.FIELD`
and the fix.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import get_files

from build_hooks.browser import bundle, live, wheel
from build_hooks.deck import check, fit, present, qr, sections, slides
from build_hooks.fences.pipeline import FenceError, Pipeline
from build_hooks.memo import Memo
from build_hooks.model.choice import ModelError
from build_hooks.plugin import pages as site
from build_hooks.plugin.linked import LinkedFile
from build_hooks.plugin.options import DeckPluginConfig, unknown_keys
from build_hooks.plugin.project import DeckConfig
from build_hooks.snapshots.kinds import IMPORTS_CODE
from build_hooks.snapshots.store import SnapshotError, Store

UNTOUCHED = "\n(snapshots and the site were left untouched)"


class DeckPlugin(BasePlugin[DeckPluginConfig]):
    def __init__(self):
        self.cfg: DeckConfig | None = None        # paths, theme, the model: set in on_config
        self.pipeline: Pipeline | None = None     # this build's fences, snapshots, figures
        self.vocab = None                         # the tokenizer widget's vocab.txt, when a page has one
        self.decks: dict[str, present.DeckPage] = {}       # src_uri -> rendered slides
        self.order: dict[str, tuple[int, str, str]] = {}   # src_uri -> (order, title, src_uri)
        self.memos: dict[str, Memo] = {}          # what the next build need not recompute (memo.py)

    def load_config(self, options, config_file_path=None):
        """MkDocs' checks, plus: a key that is not an option is an error (MkDocs only warns)."""
        errors, warnings = super().load_config(options, config_file_path)
        unknown = unknown_keys(self.config)
        warnings = [(k, w) for k, w in warnings if not str(w).startswith("Unrecognised configuration name")]
        return errors + [("", sentence) for sentence in unknown], warnings

    # Before anything is built --------------------------------------------------------------------

    def on_config(self, config):
        self.decks, self.order = {}, {}
        self.cfg = DeckConfig.from_mkdocs(config, self.config)
        self.memos = {"imports": Memo(self.cfg.cache / "memo" / "imports.json", IMPORTS_CODE),
                      "fit": Memo(self.cfg.cache / "memo" / "fit.json", fit.FIT_CODE),
                      "qr": Memo(self.cfg.cache / "memo" / "qr.json", qr.qr_code())}
        try:
            store = Store(self.cfg.snapshots, self.cfg.model, offline=self.cfg.offline, imports=self.memos["imports"])
        except ValueError as err:                 # a bad snapshot store, named with its fix
            raise PluginError(str(err)) from None
        except ModelError as err:
            raise PluginError(f"{err}{UNTOUCHED}") from None
        self.pipeline = Pipeline(self.cfg, store)
        self.pipeline.register(config.mdx_configs)
        site.notebook_cache(config, self.cfg.cache)
        site.add_own(config)
        return config

    def on_pre_build(self, config):
        try:
            self.pipeline.prepare(markdown_pages(config))
            uses_tokenizer = self.pipeline.uses("demo", "tokenizer")
            self.vocab = bundle.vocab(self.cfg, self.pipeline.store) if uses_tokenizer else None
        except (FenceError, SnapshotError) as err:
            raise PluginError(f"{err}{UNTOUCHED}") from None

    def on_files(self, files, config):
        for src_uri, path in site.assets(self.cfg.node_modules):
            if files.get_file_from_path(src_uri) is None:
                files.append(LinkedFile.generated(config, src_uri, abs_src_path=str(path)))
        for file in files.documentation_pages():
            if site.is_deck(file):
                meta = self._parse(file).meta
                self.order[file.src_uri] = (meta["order"], meta["title"], file.src_uri)
        for name, path in self.pipeline.figures.items():
            files.append(LinkedFile.generated(config, f"figures/{name}.svg", abs_src_path=str(path)))
        try:
            vendor = bundle.vendor(self.cfg)
        except wheel.VendorError as err:
            raise PluginError(f"live demos: {err}") from None
        for path in sorted(vendor.iterdir()):
            files.append(LinkedFile.generated(config, f"{bundle.SITE_PATHS['vendor']}/{path.name}",
                                              abs_src_path=str(path)))
        if self.vocab:
            files.append(LinkedFile.generated(config, bundle.SITE_PATHS["vocab"], abs_src_path=str(self.vocab)))
        try:
            shipped, self.pipeline.live = live.bundle(self.cfg)
        except live.LiveError as err:
            raise PluginError(f"mkdocs.yml: {err}") from None
        for src_uri, path in shipped:
            if files.get_file_from_path(src_uri) is None:
                files.append(LinkedFile.generated(config, src_uri, abs_src_path=str(path)))
        return files

    def on_nav(self, nav, config, files):
        if config["nav"]:  # an explicit `nav:` in mkdocs.yml wins over front-matter order
            return nav
        return site.sort_nav(nav, self.order)

    # Each page -----------------------------------------------------------------------------------

    def on_page_markdown(self, markdown, page, config, files):
        self.pipeline.page = self._where(page.file)        # the page fences render for (in messages)
        if not site.is_deck(page.file):
            return markdown
        deck = self._parse(page.file)
        page.meta["deck_slides"] = [s.line for s in deck.slides]
        return slides.to_markdown(deck)

    def on_page_content(self, html, page, config, files):
        if not site.is_deck(page.file) or "deck_slides" not in page.meta:
            return html
        where = self._where(page.file)
        try:
            rendered = sections.split_rendered(html, page.meta["deck_slides"], where)
        except slides.SlideError as err:
            raise PluginError(str(err)) from None
        # MkDocs (1.6: validation.anchors) checks a link's #anchor against the ids it found in the
        # page's Markdown; the slides' ids are made here, after it, so they join that set: a link to
        # a slide (08-sampling.md#slide-...) is checked like a link to a heading, once every page is built.
        page.present_anchor_ids = (page.present_anchor_ids or set()) | {s.id for s in rendered}
        if page.is_homepage or page.file.src_uri == self._last_deck():   # the audience's way in: URL + QR code
            if not config["site_url"]:
                raise PluginError("mkdocs.yml: site_url is not set; the first and the last slide show it as a QR "
                                  "code. Set site_url (the Pages workflow sets it from SITE_URL)")
            target = rendered[0] if page.is_homepage else rendered[-1]
            try:
                target.html += qr.follow_along(config["site_url"], self.memos["qr"])
            except RuntimeError as err:
                raise PluginError(f"{where}: {err}") from None
        try:
            fit.check(rendered, where, figures=lambda src: site.file_for(src, page, files), memo=self.memos["fit"])
        except ValueError as err:
            raise PluginError(str(err)) from None
        stem = site.stem(page.file)
        self.decks[page.file.src_uri] = present.DeckPage(stem=stem, title=page.meta.get("title") or stem,
                                                         url=page.url, slides=rendered,
                                                         minutes=float(page.meta.get("minutes") or 0))
        return site.present_links(stem, page, config["use_directory_urls"]) + sections.wrap_sections(rendered)

    # After -------------------------------------------------------------------------------------------

    def on_post_build(self, config):
        for memo in self.memos.values():
            memo.save()
        decks = [self.decks[uri] for uri in sorted(self.decks, key=lambda u: self.order.get(u, (0, "", u)))]
        if not decks:
            return
        css = [str(u) for u in config["extra_css"] if not site.is_reading_only(str(u))]
        js = [site.script(s) for s in config["extra_javascript"] if not site.is_reading_only(str(s))]
        present.write_present(config["site_dir"], decks, site_name=config["site_name"], css=css, js=js,
                              theme=self.cfg.theme, favicon=str(config["theme"].get("favicon") or ""))
        try:
            check.write_check(config["site_dir"], config["site_name"])   # preflight/: the presenter's check
        except ValueError as err:
            raise PluginError(str(err)) from None

    # Helpers -----------------------------------------------------------------------------------------

    def _parse(self, file) -> slides.Deck:
        try:
            return slides.parse_deck(file.content_string, self._where(file))
        except slides.SlideError as err:
            raise PluginError(str(err)) from None

    def _where(self, file) -> str:
        """The page's path as the author sees it ("slides/why.md"): relative to mkdocs.yml's folder."""
        return self.cfg.where(file.abs_src_path) if file.abs_src_path else file.src_uri

    def _last_deck(self) -> str:
        """The src_uri of the deck that ends the talk (highest front-matter order)."""
        return max(self.order, key=lambda uri: self.order[uri]) if self.order else ""


def markdown_pages(config) -> list[tuple[str, str]]:
    """(path, text) of every Markdown page MkDocs will build (exclude_docs respected)."""
    return [(f.abs_src_path, f.content_string) for f in get_files(config).documentation_pages()
            if f.src_uri.endswith(".md")]


def of(config) -> DeckPlugin:
    """The `deck` plugin MkDocs loaded for this config (for commands that read mkdocs.yml), or PluginError."""
    plugin = next((p for p in config.plugins.values() if isinstance(p, DeckPlugin)), None)
    if plugin is None:
        raise PluginError(f"{config.config_file_path or 'mkdocs.yml'} does not use the deck plugin: "
                          "add `- deck` under `plugins:`")
    return plugin
