"""One typed view of mkdocs.yml for every stage: each path the build reads or writes, resolved there.

Every path is absolute and comes from the MkDocs config file (never from the working directory
or from where this package is installed), so `mkdocs build -f /elsewhere/mkdocs.yml` and a
non-editable install build the same site:

    root          the folder holding mkdocs.yml
    docs          docs_dir (the talk: slides/)
    snapshots     the snapshot store: $DECK_SNAPSHOTS, else <docs>/snapshots
    data          the talk's own data (figure numbers, prompts, demo defaults): <docs>/data
    cache         rebuildable files (the demos wheel, vocab.json): $DECK_CACHE, else <root>/.cache
    figures       drawn figures: $DECK_FIGURE_CACHE, else <cache>/figures
    node_modules  reveal.js and Pyodide from npm: <root>/node_modules

Example:
>>> from types import SimpleNamespace
>>> c = DeckConfig.from_mkdocs(SimpleNamespace(config_file_path="/talk/mkdocs.yml", docs_dir="/talk/slides",
...                            extra={"deck": {"theme": "black"}}), environ={})
>>> c.snapshots, c.theme, c.where("/talk/slides/a.md")
(PosixPath('/talk/slides/snapshots'), 'black', 'slides/a.md')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
    model_name: str | None  # extra.deck.model_name: what the slides call the model (None: from the GGUF)

    @classmethod
    def from_mkdocs(cls, config, environ=os.environ) -> DeckConfig:
        """Build it from MkDocs' validated config (attributes config_file_path, docs_dir, extra)."""
        root = Path(os.path.abspath(config.config_file_path or "mkdocs.yml")).parent
        docs = (root / config.docs_dir).resolve()
        deck = (config.extra or {}).get("deck") or {}
        name = deck.get("model_name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ValueError(f"mkdocs.yml: extra.deck.model_name must be a non-empty string, got {name!r}; "
                             "write the name the slides should show, e.g. model_name: SmolLM2 135M Instruct")
        cache = Path(environ.get("DECK_CACHE") or root / ".cache").resolve()
        return cls(
            root=root, docs=docs,
            snapshots=Path(environ.get("DECK_SNAPSHOTS") or docs / "snapshots").resolve(),
            data=docs / "data", cache=cache, figures=Path(environ.get("DECK_FIGURE_CACHE") or cache / "figures"),
            node_modules=root / "node_modules", theme=str(deck.get("theme", "white")),
            model=choose(config.extra, environ),
            offline=environ.get(OFFLINE_ENV, "").strip() not in ("", "0"),
            model_name=name.strip() if name else None)

    def where(self, path) -> str:
        """A path as the author sees it in messages: relative to mkdocs.yml's folder when inside it."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
