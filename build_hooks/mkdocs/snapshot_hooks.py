"""MkDocs hooks for the build-time model: snapshot fences and figures.

Thin on purpose: the logic lives in build_hooks.snapshots.store (cache), fences.snapshot (options,
HTML) and figures (SVG). Everything that can fail (a bad fence, a stale snapshot with no
model, a broken model file) fails in on_config / on_pre_build, BEFORE MkDocs cleans or writes
the site, with `slides/x.md:LINE: what is wrong; how to fix`.
"""

import os
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from build_hooks.deck.slides import find_fences
from build_hooks.fences import snapshot as snapshot_fence
from build_hooks.figures import draw as figures
from build_hooks.model.choice import ModelError, choose
from build_hooks.snapshots import store as snapshots

# Hooks ----------------------------------------------------------------------------------------


def on_config(config):
    directory = os.environ.get("DECK_SNAPSHOTS") or Path(config.docs_dir) / "snapshots"
    try:
        snapshots.configure(directory, choose(config.extra))
    except ModelError as e:
        raise PluginError(f"{e}\n(snapshots and the site were left untouched)") from None
    STATE.update(root=Path(config.config_file_path).parent, figures={}, model_name=_model_name(config))
    return config


def on_pre_build(config):
    docs = Path(config.docs_dir)
    requests, figure_refs = scan_docs(docs, STATE["root"])
    progress = snapshots.current().progress
    for i, (kind, params, where) in enumerate(requests, 1):
        if progress:
            progress(f"[{i}/{len(requests)}] {where}: {kind}")
        fetch(kind, params, where)
    cache = Path(os.environ.get("DECK_FIGURE_CACHE") or STATE["root"] / ".cache" / "figures")
    for name in figures.NAMES:
        where = figure_refs.get(name, f"figures/{name}.svg (build_hooks/figures.py)")
        data = [fetch(kind, params, where) for kind, params in figures.needs(name)]
        STATE["figures"][name] = figures.build(name, data, cache)


def on_files(files, config):
    for name, path in STATE["figures"].items():
        files.append(File.generated(config, f"figures/{name}.svg", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.abs_src_path
    if not src or not src.endswith(".md"):
        return markdown
    rel = display_path(Path(src), STATE["root"])
    where = {}
    for fence, kind, params, display in snapshot_fences(Path(src).read_text("utf-8"), rel):
        where[(kind, fence.body.strip())] = f"{rel}:{fence.line}"
    snapshot_fence.CONTEXT = {"page": rel, "where": where, "model_name": STATE["model_name"]}
    return markdown


# Helpers --------------------------------------------------------------------------------------

def _model_name(config) -> str:
    """extra.deck.model_name, else the name derived from the GGUF (recorded in the manifest for
    builds without the model), else "" (each snapshot's recorded name)."""
    name = ((config.extra or {}).get("deck") or {}).get("model_name")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise PluginError(f"mkdocs.yml: extra.deck.model_name must be a non-empty string, got {name!r}; "
                              "write the name the slides should show, e.g. model_name: SmolLM2 135M Instruct")
        return name.strip()
    info = snapshots.current().model_info or {}
    return info.get("display_name") or ""


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def snapshot_fences(text: str, rel: str):
    """(fence, kind, params, display) for every snapshot fence; PluginError with file:line if bad."""
    out = []
    for fence in find_fences(text):
        if fence.lang != "snapshot":
            continue
        kind = (fence.info.split() or [None])[0]
        try:
            out.append((fence, *snapshot_fence.parse(kind, fence.body)))
        except ValueError as e:
            raise PluginError(f"{rel}:{fence.line}: {e}") from None
    return out


def scan_docs(docs: Path, root: Path):
    """Every snapshot the slides ask for, and the first slide referencing each figure."""
    requests, figure_refs = [], {}
    for path in sorted(docs.rglob("*.md")):
        if "snapshots" in path.relative_to(docs).parts:
            continue
        rel = display_path(path, root)
        text = path.read_text("utf-8")
        for fence, kind, params, _ in snapshot_fences(text, rel):
            requests.append((kind, params, f"{rel}:{fence.line}"))
        for n, line in enumerate(text.splitlines(), 1):
            for name in FIGURE_REF.findall(line):
                figure_refs.setdefault(name, f"{rel}:{n}")
    return requests, figure_refs


def fetch(kind: str, params: dict, where: str) -> dict:
    try:
        return snapshots.get(kind, params, where)
    except snapshots.SnapshotError as e:
        raise PluginError(str(e)) from None


# Data -----------------------------------------------------------------------------------------

STATE: dict = {"root": Path.cwd(), "figures": {}}    # set in on_config: repo root, figure name -> SVG path
FIGURE_REF = re.compile(r"figures/([a-z_]+)\.svg")
