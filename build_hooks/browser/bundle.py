"""What the pages load besides HTML: Pyodide with the demos wheel, and the tokenizer's vocabulary.

    vendor(cfg)          -> <cache>/demos/vendor/   served as assets/vendor/pyodide/
    vocab(cfg, store)    -> <cache>/demos/vocab.txt   served as assets/demos/vocab.txt

Both are written under the config's cache folder (never into docs_dir: `mkdocs serve` would
rebuild in a loop) and only when their inputs changed.

Example:
>>> sorted(SITE_PATHS)
['vendor', 'vocab']
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from build_hooks.browser import wheel
from build_hooks.files import atomic_write

SITE_PATHS = {"vendor": "assets/vendor/pyodide", "vocab": "assets/demos/vocab.txt"}
VOCAB_WHERE = "the tokenizer demo's vocabulary (build_hooks/browser/bundle.py)"
log = logging.getLogger("mkdocs.build_hooks.demos")


def vendor(cfg) -> Path:
    """Pyodide's core files, the demos wheel and the custom lock, in one folder (wheel.VendorError if
    the pyodide npm package or pyodide-build is missing)."""
    return wheel.build_vendor(cfg.cache / "demos" / "vendor", cfg.node_modules / "pyodide", cfg.cache)


def vocab(cfg, store) -> Path | None:
    """The browser tokenizer's vocabulary file (demos/tokenizers/vocab.py), rewritten only when its
    `vocab` snapshot changed. vocab.txt.sha256 records "<snapshot sha256> <vocab.txt sha256>": when
    both still match, the snapshot is not even parsed. None for a model whose tokenizer type the
    browser does not implement: its widget keeps llama.cpp's static ids and says why."""
    target = cfg.cache / "demos" / "vocab.txt"
    stamp = target.with_name("vocab.txt.sha256")
    source = store.checksum("vocab", {}, VOCAB_WHERE)
    if target.exists() and stamp.exists() and stamp.read_text() == f"{source} {_sha(target.read_bytes())}":
        return target
    data = store.get("vocab", {}, VOCAB_WHERE)
    if "unsupported" in data:
        target.unlink(missing_ok=True)
        stamp.unlink(missing_ok=True)
        log.info("tokenizer demo: %s; its widget shows llama.cpp's ids from the build only", data["unsupported"])
        return None
    text = data["text"].encode("utf-8")
    if not target.exists() or _sha(target.read_bytes()) != _sha(text):
        atomic_write(target, text)
    atomic_write(stamp, f"{source} {_sha(text)}".encode())
    return target


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
