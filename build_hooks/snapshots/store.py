"""The snapshot store: what the model said, committed as JSON so a build needs no model.

    store = Store(Path("slides/snapshots"), Choice("embedded", "default"))
    store.get("next_tokens", {"prompt": "The cat sat on the", "top": 10}, where="slides/08-sampling.md:12")

returns the data from the folder if it is fresh, else computes it with the model (if this
machine has it and the build is not offline), else fails naming `where`, the snapshot and
`make snapshots`.

The lifecycle (README, "Snapshots"):
- key: SHA-256 of (model file SHA-256, kind, normalized params, llama-cpp-python version,
  digest of the source code that computes the kind). Any change to one of them makes the
  snapshot stale; nothing is bumped by hand.
- manifest.json lists every entry (file, kind, params, model, SHA-256 of the file's bytes, to
  detect corruption) and maps each model spec ("embedded", "ollama:...") to the identity it had:
  on GitHub Pages, where the model file is absent, that recorded identity decides what is fresh.
- prune() forgets only the entries of THIS store's model that no request asked for: the
  snapshots of another model (the embedded one, when you refresh with DECK_MODEL=...) survive.
- writes are atomic (files.atomic_write) and the manifest's read-merge-write runs under an
  exclusive lock (fcntl on `.lock` in the folder): two builds never lose each other's entries.
Nothing here imports llama_cpp; the model runs only when something must be computed.

Example:
>>> store = Store("slides/snapshots", Choice("embedded", "default"))   # doctest: +SKIP
>>> store.get("tokens", {"text": "Hello"}, "slides/x.md:3")["ids"]      # doctest: +SKIP
[19556]
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import re
import time
from pathlib import Path

from build_hooks.files import atomic_write
from build_hooks.memo import Memo
from build_hooks.model import choice as models
from build_hooks.model.choice import Choice
from build_hooks.snapshots import worker
from build_hooks.snapshots.kinds import KINDS, code_digest, compute, normalize, runs_llama  # noqa: F401 (re-exported)

MANIFEST_FORMAT = 2     # the layout of manifest.json (not part of any key)
MANIFEST, LOCK = "manifest.json", ".lock"
SNAPSHOT_FILE = re.compile(r"^[a-z_]+-[0-9a-f]{16}\.json$")     # <kind>-<key[:16]>.json
log = logging.getLogger("mkdocs.build_hooks.snapshots")


class SnapshotError(Exception):
    """A snapshot can't be served; the message names the slide, the snapshot and the fix."""


def canonical(obj):
    """Round floats to 6 significant digits (tiny float noise never changes a byte); recurse.

    Example:
    >>> canonical({"p": 0.0733412345678, "ids": [1, 2]})
    {'p': 0.0733412, 'ids': [1, 2]}
    """
    if isinstance(obj, float):
        return float(f"{obj:.6g}")
    if isinstance(obj, dict):
        return {str(k): canonical(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    return obj


def dumps(obj) -> bytes:
    return (json.dumps(canonical(obj), sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def llama_version() -> str | None:
    """llama-cpp-python's version from its metadata, WITHOUT importing it (None if absent)."""
    try:
        return importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        return None


def describe(kind: str, params: dict) -> str:
    """Example:
    >>> describe("next_tokens", {"prompt": "Hi", "top": 3})
    'next_tokens {"prompt": "Hi", "top": 3}'
    """
    return f"{kind} {json.dumps(params, ensure_ascii=False, sort_keys=True)}"


class Store:
    """The snapshot folder plus the model that can refresh it (if it is on this machine)."""

    def __init__(self, directory, choice: Choice, force: bool = False, progress=None, offline: bool = False,
                 imports: Memo | None = None):
        self.dir, self.choice, self.force, self.progress = Path(directory), choice, force, progress
        self.imports = imports          # each source file's imports, remembered across builds (code_digest)
        self.manifest = self._load_manifest()
        self.used: set[str] = set()
        self.computed: list[tuple[str, float]] = []     # (description, seconds), for the refresh summary
        self.path = self.unavailable = self.crashed = None
        if offline:
            self.unavailable = "DECK_OFFLINE=1 keeps the model from running in this build."
        else:
            try:
                self.path = models.locate(choice)       # ModelError (bad file) propagates: fail early
            except models.ModelUnavailable as e:
                self.unavailable = str(e)
        recorded = self.manifest["models"].get(choice.spec, {})
        self.model_info = models.describe(self.path) if self.path else recorded.get("model")
        self.version = (llama_version() if not offline else None) or recorded.get("llama_cpp_python")
        self.can_compute = self.path is not None and importlib.util.find_spec("llama_cpp") is not None

    # The API ---------------------------------------------------------------------------------

    def get(self, kind: str, params: dict, where: str) -> dict:
        """The snapshot's data: read if fresh, else computed (and stored), else SnapshotError."""
        params, key = self._key_for(kind, params, where)
        if not (self.force and key not in self.used):
            self.used.add(key)
            data, problem = self._read(key) if key in self.manifest["entries"] else (None, "missing")
            if data is not None:
                return data
            if not key:
                problem = "unknown (no record of the model's identity)"
        else:
            problem = "refreshed (--force)"
        if not self.can_compute:
            raise SnapshotError(
                f"{where}: snapshot `{describe(kind, params)}` is {problem} in {self.dir}, and the model can't "
                f"compute it here: {self._why_not()} Run `make snapshots` with the model installed, "
                "then commit the snapshot files.")
        log.info("computing snapshot %s (%s)", describe(kind, params), where)
        if self.progress:
            self.progress(f"computing {describe(kind, params)[:90]}  ({where}; was {problem.split(' (')[0]})")
        start = time.perf_counter()
        data = self._compute_and_store(kind, params, where)
        self.computed.append((describe(kind, params), time.perf_counter() - start))
        if self.progress:
            self.progress(f"    done in {self.computed[-1][1]:.2f} s")
        return data

    def checksum(self, kind: str, params: dict, where: str) -> str:
        """The SHA-256 of a fresh snapshot's file, checked but not parsed (computed first if stale,
        like get()): a cheap version stamp for outputs derived from a big snapshot (the vocabulary).

        Example:
        >>> store.checksum("vocab", {}, "build_hooks/browser/bundle.py")[:8]     # doctest: +SKIP
        '3f1c9a07'
        """
        _, key = self._key_for(kind, params, where)
        if (self.force and key not in self.used) or key not in self.manifest["entries"] or self._raw(key)[0] is None:
            self.get(kind, params, where)
            _, key = self._key_for(kind, params, where)
        self.used.add(key)
        return self.manifest["entries"][key]["sha256"]

    def key(self, kind: str, params: dict) -> str | None:
        """None while the model's identity is unknown (no model file, nothing recorded for its spec)."""
        if not self.model_info or not self.version:
            return None
        ident = {"model": self.model_info["sha256"], "kind": kind, "params": canonical(params),
                 "llama_cpp_python": self.version, "code": code_digest(kind, self.imports)}
        return sha256_bytes(json.dumps(ident, sort_keys=True).encode())

    def prune(self) -> list[str]:
        """Forget THIS model's entries that no get() asked for (a refresh saw every request) and
        delete their files, plus snapshot files no entry lists (left by an older manifest format).
        Entries computed by other models are kept."""
        if not self.model_info:
            return []
        with self._locked():
            on_disk = self._load_manifest()
            mine = {k for k, e in on_disk["entries"].items() if e.get("model") == self.model_info["sha256"]}
            gone = sorted(mine - self.used)
            for key in gone:
                (self.dir / on_disk["entries"].pop(key)["file"]).unlink(missing_ok=True)
            # the same model file described with more fields (a display name): record it for model-less builds
            recorded = on_disk["models"].get(self.choice.spec, {})
            renamed = bool(self.path and recorded.get("model", {}).get("sha256") == self.model_info["sha256"]
                           and recorded["model"] != self.model_info)
            if renamed:
                recorded["model"] = self.model_info
            if gone or renamed:
                atomic_write(self.dir / MANIFEST, dumps(on_disk))
            listed = {e["file"] for e in on_disk["entries"].values()}
            for orphan in sorted(p for p in self.dir.glob("*.json") if SNAPSHOT_FILE.match(p.name)):
                if orphan.name not in listed:
                    orphan.unlink()
                    gone.append(orphan.name)
            self.manifest = on_disk
        return gone

    def status(self, kind: str, params: dict) -> str:
        """"fresh", "missing" or "corrupted" (for the refresh progress)."""
        key = self.key(kind, normalize(kind, params))
        if not key or key not in self.manifest["entries"]:
            return "missing"
        return "fresh" if self._read(key)[0] is not None else "corrupted"

    # Helpers ---------------------------------------------------------------------------------

    def _key_for(self, kind: str, params: dict, where: str) -> tuple[dict, str | None]:
        try:
            params = normalize(kind, params)
        except ValueError as e:
            raise SnapshotError(f"{where}: {e}") from None
        return params, self.key(kind, params)

    def _why_not(self) -> str:
        if self.unavailable:
            return self.unavailable
        return "llama-cpp-python is not installed (`make deps-model` installs it)."

    def _raw(self, key: str):
        """(the entry's bytes, None) if its file matches the manifest's checksum, else (None, problem)."""
        entry = self.manifest["entries"][key]
        path = self.dir / entry["file"]
        try:
            raw = path.read_bytes()
        except OSError:
            return None, f"missing (the manifest lists {path}, which is gone)"
        if sha256_bytes(raw) != entry["sha256"]:
            return None, f"corrupted ({path} does not match its checksum in {self.dir / MANIFEST})"
        return raw, None

    def _read(self, key: str):
        raw, problem = self._raw(key)
        if raw is None:
            return None, problem
        try:
            return json.loads(raw)["data"], None
        except (ValueError, KeyError):
            return None, f"corrupted ({self.dir / self.manifest['entries'][key]['file']} is not valid snapshot JSON)"

    def _run(self, kind: str, params: dict, where: str) -> dict:
        """compute(), with llama.cpp in the worker process (worker.py): a crash there is a SnapshotError."""
        if not runs_llama(kind):
            return compute(kind, params, self.path)
        if self.crashed:                # once is enough: the same crash again would say nothing new
            raise SnapshotError(f"{where}: snapshot `{describe(kind, params)}` was not computed: llama.cpp "
                                f"crashed on an earlier snapshot of this build ({self.crashed}; see its message).")
        try:
            return worker.shared().compute(kind, params, self.path)
        except worker.NativeCrash as crash:
            self.crashed = f"{crash} at {where}"
            name = (self.model_info or {}).get("display_name") or self.choice.spec
            raise SnapshotError(worker.crash_message(crash, kind, where, f"{name} ({self.path})")) from None

    def _compute_and_store(self, kind: str, params: dict, where: str) -> dict:
        data = self._run(kind, params, where)
        data["model"] = self.model_info
        self.version = self.version or llama_version()
        key = self.key(kind, params)
        self.used.add(key)
        doc = {"kind": kind, "params": params, "llama_cpp_python": self.version,
               "code": code_digest(kind, self.imports), "data": data}
        raw = dumps(doc)
        name = f"{kind}-{key[:16]}.json"
        entry = {"file": name, "kind": kind, "params": canonical(params),
                 "model": self.model_info["sha256"], "sha256": sha256_bytes(raw)}
        with self._locked():            # merge with what is on disk now: another build may have added entries
            atomic_write(self.dir / name, raw)
            on_disk = self._load_manifest()
            on_disk["entries"][key] = entry
            on_disk["models"][self.choice.spec] = {"model": self.model_info, "llama_cpp_python": self.version}
            atomic_write(self.dir / MANIFEST, dumps(on_disk))
        self.manifest = {**on_disk, "entries": {**self.manifest["entries"], **on_disk["entries"]}}
        return json.loads(raw)["data"]

    @contextlib.contextmanager
    def _locked(self):
        """An exclusive lock on the folder (`.lock`, ignored by git) for a read-merge-write."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load_manifest(self) -> dict:
        path = self.dir / MANIFEST
        empty = {"format": MANIFEST_FORMAT, "models": {}, "entries": {}}
        if not path.exists():
            return empty
        try:
            manifest = json.loads(path.read_text("utf-8"))
            assert manifest.get("format") == MANIFEST_FORMAT and isinstance(manifest.get("entries"), dict)
            manifest.setdefault("models", {})
            return manifest
        except (ValueError, AssertionError, AttributeError):
            log.info("%s is unreadable or in another format: every snapshot counts as missing", path)
            return empty
