"""One typed view of the project for every stage: each path the build reads or writes, resolved from
mkdocs.yml, and the `deck` plugin's options (build_hooks/plugin/options.py).

Every path is absolute and comes from the MkDocs config file (never from the working directory
or from where this package is installed), so `mkdocs build -f /elsewhere/mkdocs.yml` and a
non-editable install build the same site:

    root          the folder holding mkdocs.yml
    docs          docs_dir (the talk: slides/)
    snapshots     the snapshot store: $DECK_SNAPSHOTS, else <docs>/snapshots
    data          the talk's own data (figure numbers, prompts, demo defaults): <docs>/data
    cache         rebuildable files (the demos wheel, vocab.json, memo/: build_hooks/memo.py):
                  $DECK_CACHE, else <root>/.cache
    figures       drawn figures: $DECK_FIGURE_CACHE, else <cache>/figures
    node_modules  reveal.js, Pyodide and wllama from npm: <root>/node_modules, else the copy a built
                  package carries (build_hooks/browser/npm.py)

Example:
>>> from types import SimpleNamespace
>>> from build_hooks.plugin.options import DeckPluginConfig
>>> options = DeckPluginConfig(); options.load_dict({"theme": "black"}); _ = options.validate()
>>> c = DeckConfig.from_mkdocs(SimpleNamespace(config_file_path="/talk/mkdocs.yml", docs_dir="/talk/slides"),
...                            options, environ={})
>>> c.snapshots, c.theme, c.model, c.where("/talk/slides/a.md")
(PosixPath('/talk/slides/snapshots'), 'black', Choice(spec='embedded', origin='default'), 'slides/a.md')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from build_hooks.browser import npm
from build_hooks.browser.live import Settings
from build_hooks.model.choice import Choice, choose

OFFLINE_ENV = "DECK_OFFLINE"     # DECK_OFFLINE=1: never run the model (what GitHub Pages does)


@dataclass(frozen=True)
class DeckConfig:
    root: Path
    docs: Path
    snapshots: Path
    data: Path
    cache: Path
    figures: Path
    node_modules: Path
    theme: str
    model: Choice
    offline: bool           # serve committed snapshots only; a missing one fails the build
    model_name: str | None  # plugins.deck.model_name: what the slides call the model (None: from the GGUF)
    live: Settings          # plugins.deck.live: ship the model to the reader's browser, up to max_mb

    @classmethod
    def from_mkdocs(cls, config, options, environ=os.environ) -> DeckConfig:
        """Build it from MkDocs' validated config (config_file_path, docs_dir) and the plugin's options
        (a validated DeckPluginConfig). The model is chosen here, once per build."""
        root = Path(os.path.abspath(config.config_file_path or "mkdocs.yml")).parent
        docs = (root / config.docs_dir).resolve()
        cache = Path(environ.get("DECK_CACHE") or root / ".cache").resolve()
        return cls(
            root=root, docs=docs,
            snapshots=Path(environ.get("DECK_SNAPSHOTS") or docs / "snapshots").resolve(),
            data=docs / "data", cache=cache, figures=Path(environ.get("DECK_FIGURE_CACHE") or cache / "figures"),
            node_modules=npm.find(root), theme=options.theme,
            model=choose(options.model, environ),
            offline=environ.get(OFFLINE_ENV, "").strip() not in ("", "0"),
            model_name=options.model_name,
            live=Settings(enabled=options.live.enabled, max_mb=options.live.max_mb))

    def where(self, path) -> str:
        """A path as the author sees it in messages: relative to mkdocs.yml's folder when inside it."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
