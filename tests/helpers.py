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
