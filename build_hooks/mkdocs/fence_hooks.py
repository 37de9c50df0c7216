"""MkDocs hooks for what the model and the browser bring to the pages: fences, figures, Pyodide.

Thin on purpose: the work is in build_hooks.fences.pipeline (one object per build). Everything
that can fail (a bad fence, a snapshot missing with no model to compute it, a broken model
file) fails in on_config / on_pre_build, BEFORE MkDocs cleans or writes the site, naming
`slides/FILE.md:LINE`, what is wrong and the fix.

    on_config          the typed config, the snapshot store, the pipeline; superfences' `snapshot`
                       and `demo` fences are pointed at the pipeline
    on_pre_build       every page's fences checked and their snapshots fetched; figures drawn
    on_files           register the figures, Pyodide + the demos wheel, the tokenizer's vocabulary,
                       the live model (wllama + the GGUF's shards, opt-in in the reader's browser)
    on_page_markdown   tell the pipeline which page renders now (for its messages)
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files

from build_hooks.browser import bundle, live, wheel
from build_hooks.fences.pipeline import FenceError, Pipeline
from build_hooks.mkdocs.config import DeckConfig
from build_hooks.mkdocs.linked import LinkedFile
from build_hooks.model.choice import ModelError
from build_hooks.snapshots.store import SnapshotError, Store

_pipeline: Pipeline | None = None     # this build's one object: on_config makes a new one per build


def on_config(config):
    global _pipeline
    try:
        cfg = DeckConfig.from_mkdocs(config)
        store = Store(cfg.snapshots, cfg.model, offline=cfg.offline)
    except ValueError as e:             # a bad extra.deck field, named with its fix
        raise PluginError(str(e)) from None
    except ModelError as e:
        raise PluginError(f"{e}\n(snapshots and the site were left untouched)") from None
    _pipeline = Pipeline(cfg, store)
    _pipeline.register(config.mdx_configs)
    return config


def on_pre_build(config):
    try:
        _pipeline.prepare(pages(config))
    except (FenceError, SnapshotError) as e:
        raise PluginError(f"{e}\n(snapshots and the site were left untouched)") from None


def on_files(files, config):
    for name, path in _pipeline.figures.items():
        files.append(LinkedFile.generated(config, f"figures/{name}.svg", abs_src_path=str(path)))
    try:
        vendor = bundle.vendor(_pipeline.cfg)
    except wheel.VendorError as err:
        raise PluginError(f"live demos: {err}") from None
    for path in sorted(vendor.iterdir()):
        files.append(LinkedFile.generated(config, f"{bundle.SITE_PATHS['vendor']}/{path.name}", abs_src_path=str(path)))
    if _pipeline.vocab:
        files.append(LinkedFile.generated(config, bundle.SITE_PATHS["vocab"], abs_src_path=str(_pipeline.vocab)))
    cfg = _pipeline.cfg
    try:
        shipped, _pipeline.live = live.bundle(config.extra, cfg.node_modules, cfg.cache, cfg.model_name)
    except live.LiveError as err:
        raise PluginError(f"mkdocs.yml: {err}") from None
    for src_uri, path in shipped:
        if files.get_file_from_path(src_uri) is None:
            files.append(LinkedFile.generated(config, src_uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    _pipeline.page = _pipeline.cfg.where(page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
    return markdown


def pages(config) -> list[tuple[str, str]]:
    """(path, text) of every Markdown page MkDocs will build (exclude_docs respected)."""
    return [(f.abs_src_path, f.content_string) for f in get_files(config).documentation_pages()
            if f.src_uri.endswith(".md")]
