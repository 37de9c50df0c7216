"""What one build remembers for the next: small results keyed by a digest of their inputs.

A build recomputes a few things that rarely change and cost more than reading them back: the
modules each source file imports (for the snapshots' code digests), each slide's fit estimate.
A Memo keeps such results in one JSON file. Its keys are digests of everything the result is
computed from, and the file as a whole belongs to one version of the code that computes them
(`code`): change that code and the file starts empty. A result is never trusted for any other
input, so a memo can go stale only in size, never in content; `save()` keeps just the entries
this build asked for.

Example:
>>> import tempfile; path = Path(tempfile.mkdtemp()) / "squares.json"
>>> memo = Memo(path, code="v1")
>>> memo.get(digest("3"), lambda: 3 * 3), memo.misses
(9, 1)
>>> memo.save()
>>> again = Memo(path, code="v1")
>>> again.get(digest("3"), lambda: 0), again.misses      # read back, not recomputed
(9, 0)
>>> Memo(path, code="v2").get(digest("3"), lambda: -1)   # other code: other results
-1
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from build_hooks.files import atomic_write


def digest(*parts: str | bytes) -> str:
    """SHA-256 over the parts, each ended by a NUL (so ("ab", "c") and ("a", "bc") differ).

    Example:
    >>> digest("a", "bc") != digest("ab", "c")
    True
    """
    h = hashlib.sha256()
    for part in parts:
        h.update((part.encode() if isinstance(part, str) else part) + b"\0")
    return h.hexdigest()


def code_of(*files: str | Path) -> str:
    """A digest of source files: the `code` of a memo whose results those files compute."""
    return digest(*(Path(f).read_bytes() for f in files))


class Memo:
    """Results by input digest, read from `path` (None: this build only) if written by `code`."""

    def __init__(self, path: str | Path | None, code: str):
        self.path, self.code = (Path(path) if path else None), code
        self.old: dict = self._load()
        self.new: dict = {}
        self.misses = 0

    def get(self, key: str, compute):
        """The result for `key`: remembered, or `compute()` (a JSON value) now."""
        if key not in self.new:
            if key in self.old:
                self.new[key] = self.old[key]
            else:
                self.misses += 1
                self.new[key] = compute()
        return self.new[key]

    def save(self) -> None:
        """Write this build's entries (only if they differ from what was read)."""
        if self.path is not None and self.new != self.old:
            atomic_write(self.path, json.dumps({"code": self.code, "entries": self.new}, sort_keys=True))
            self.old = dict(self.new)

    def _load(self) -> dict:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):       # missing, unreadable or cut short: start empty
            return {}
        return doc.get("entries", {}) if isinstance(doc, dict) and doc.get("code") == self.code else {}
