"""Helpers the test modules share (test modules never import each other).

Example:
>>> options(theme="black").theme
'black'
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def options(**values):
    """The deck plugin's options as MkDocs validates them from `plugins: - deck: {values}` (ValueError if bad)."""
    from build_hooks.plugin.options import DeckPluginConfig

    config = DeckPluginConfig()
    config.load_dict(values)
    failed, _ = config.validate()
    if failed:
        raise ValueError("; ".join(str(err) for _, err in failed))
    return config


def deck_config(root: Path = ROOT, *, cache: Path, node_modules: Path | None = None, environ: dict | None = None,
                **values):
    """A DeckConfig for a project at `root` (slides/ beside mkdocs.yml) with these plugin options,
    its rebuildable files in `cache` (never the checkout's .cache/) and node_modules from this checkout."""
    from dataclasses import replace

    from build_hooks.plugin.project import DeckConfig

    mkdocs = SimpleNamespace(config_file_path=str(root / "mkdocs.yml"), docs_dir="slides")
    cfg = DeckConfig.from_mkdocs(mkdocs, options(**values), environ={"DECK_CACHE": str(cache), **(environ or {})})
    return replace(cfg, node_modules=node_modules or ROOT / "node_modules")


def copy_project(dest: Path, *, code: bool = False, notebook: bool = False) -> Path:
    """A copy of this talk at `dest`: mkdocs.yml, slides/ (snapshots included), node_modules linked;
    with code=True also build_hooks/ and demos/, to be put first on PYTHONPATH and edited there.
    The notebook plugin is left out unless notebook=True (its kernel is no part of the generator).
    Returns the copy's mkdocs.yml."""
    import re
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if not notebook:
        text = re.sub(r"^(\s*)- mkdocs-jupyter:?.*\n(?:\1\s+\S.*\n)*", "", text, flags=re.M)
    (dest / "mkdocs.yml").write_text(text, encoding="utf-8")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    skip = shutil.ignore_patterns("*.ipynb", ".lock", "__pycache__")
    shutil.copytree(ROOT / "slides", dest / "slides", ignore=skip)
    if code:
        for package in ("build_hooks", "demos"):
            shutil.copytree(ROOT / package, dest / package, ignore=skip)
    return dest / "mkdocs.yml"


def build(config: Path, site: Path, env: dict | None = None, cwd: Path | None = None):
    """`mkdocs build --strict` of `config` into `site`, its caches under site's folder, never the checkout's.
    DECK_SNAPSHOTS / DECK_MODEL / DECK_OFFLINE come only from `env`."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in ("DECK_SNAPSHOTS", "DECK_MODEL", "DECK_OFFLINE")}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)]
    return subprocess.run(cmd, cwd=cwd or config.parent, capture_output=True, text=True,
                          env={**clean, "NO_MKDOCS_2_WARNING": "1", "DECK_CACHE": str(site.parent / "cache"),
                               **(env or {})})


def fence_line(path: Path, opening: str) -> int:
    """The 1-based line of the first fence in `path` that opens with `opening` ("```demo tokenizer")."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(opening):
            return n
    raise AssertionError(f"{path} has no fence opening with {opening!r}")
