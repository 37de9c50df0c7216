"""The snapshot cache: what the model said, committed as JSON so a build needs no model.

    get("next_tokens", {"prompt": "The cat sat on the", "top": 10}, where="slides/sampling.md:12")

returns the data from slides/snapshots/ if it is fresh, else computes it with the model (if
this machine has it), else fails naming `where`, the snapshot and `make snapshots`.

A snapshot's key is the SHA-256 of (model file SHA-256, kind, normalized params,
llama-cpp-python version, schema version). manifest.json lists every entry with its file,
kind, params, model and the SHA-256 of its content (to detect a corrupted file), and maps
each model spec ("embedded", "ollama:...") to the model identity it had: on GitHub Pages,
where the model file is absent, that recorded identity decides what is fresh. Nothing here
imports llama_cpp; build_hooks.model.llm is imported only when something must be computed.

Example:
>>> store = Store("slides/snapshots", Choice("embedded", "default"))   # doctest: +SKIP
>>> store.get("tokens", {"text": "Hello"}, "slides/x.md:3")["ids"]      # doctest: +SKIP
[19556]
"""

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import time
from pathlib import Path

from build_hooks.model import choice as models
from build_hooks.files import atomic_write
from build_hooks.model.choice import Choice

SCHEMA = 1
MANIFEST = "manifest.json"
log = logging.getLogger("mkdocs.build_hooks.snapshots")


class SnapshotError(Exception):
    """A snapshot can't be served; the message names the slide, the snapshot and the fix."""


# Kinds: each parameter is (type, default, check); a default of REQUIRED must be given.
REQUIRED = object()
_num = (int, float)
KINDS = {
    "next_tokens": {"prompt": (str, REQUIRED, None), "top": (int, 10, lambda v: 1 <= v <= 100)},
    "completion": {"prompt": (str, REQUIRED, None), "max_tokens": (int, 20, lambda v: 1 <= v <= 128),
                   "temperatures": (list, [0, 0.7, 1.5], lambda v: v and all(isinstance(t, _num) and 0 <= t <= 5 for t in v)),
                   "seed": (int, 0, None), "top_k": (int, 0, lambda v: v >= 0),
                   "top_p": (_num, 1.0, lambda v: 0 < v <= 1)},
    "tokens": {"text": (str, REQUIRED, None)},
    "beam": {"prompt": (str, REQUIRED, None), "width": (int, 3, lambda v: 1 <= v <= 5),
             "depth": (int, 5, lambda v: 1 <= v <= 8)},
    "model_card": {},
    "quant_study": {"types": (list, ["Q8_0", "Q4_0", "Q2_K"], lambda v: v and all(isinstance(t, str) for t in v))},
    # the browser tokenizer's vocabulary file; `format` names its layout (a new one makes a new snapshot)
    "vocab": {"format": (str, "llama-vocab/1", lambda v: v == "llama-vocab/1")},
    # for the figures
    "distribution": {"prompt": (str, REQUIRED, None), "top": (int, 12, lambda v: 1 <= v <= 100),
                     "temperatures": (list, [0.2, 0.7, 1, 1.5], lambda v: v and all(isinstance(t, _num) and t > 0 for t in v))},
    "surprisal": {"text": (str, REQUIRED, None)},
}
NEEDS_LLAMA = {"next_tokens", "completion", "tokens", "beam", "quant_study", "distribution", "surprisal"}


def normalize(kind: str, params: dict) -> dict:
    """Check params against the kind's schema and fill defaults. Raises ValueError saying what is wrong.

    Example:
    >>> normalize("next_tokens", {"prompt": "The cat sat on the"})
    {'prompt': 'The cat sat on the', 'top': 10}
    """
    if kind not in KINDS:
        raise ValueError(f"unknown snapshot kind {kind!r}; use one of: {', '.join(KINDS)}")
    schema, out = KINDS[kind], {}
    unknown = sorted(set(params) - set(schema))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for `{kind}`; "
                         f"options: {', '.join(schema) or 'none'}")
    for name, (typ, default, check) in schema.items():
        if name not in params:
            if default is REQUIRED:
                raise ValueError(f"`{kind}` needs the option `{name}`")
            out[name] = default
            continue
        value = params[name]
        if typ is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, typ) or (check and not check(value)):
            raise ValueError(f"option `{name}` of `{kind}` has a bad value {value!r}")
        out[name] = value
    return out


# Helpers -------------------------------------------------------------------------------------


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
    """The snapshot directory plus the model that can refresh it (if it is on this machine)."""

    def __init__(self, directory, choice: Choice, force: bool = False, progress=None):
        self.dir, self.choice, self.force, self.progress = Path(directory), choice, force, progress
        self.manifest = self._load_manifest()
        self.used: set[str] = set()
        self.computed: list[tuple[str, float]] = []     # (description, seconds), for the refresh summary
        self.path = self.unavailable = None
        try:
            self.path = models.locate(choice)       # ModelError (bad file) propagates: fail early
        except models.ModelUnavailable as e:
            self.unavailable = str(e)
        recorded = self.manifest["models"].get(choice.spec, {})
        self.model_info = models.describe(self.path) if self.path else recorded.get("model")
        self.version = llama_version() or recorded.get("llama_cpp_python")
        self.can_compute = self.path is not None and importlib.util.find_spec("llama_cpp") is not None

    # The API ---------------------------------------------------------------------------------

    def get(self, kind: str, params: dict, where: str) -> dict:
        try:
            params = normalize(kind, params)
        except ValueError as e:
            raise SnapshotError(f"{where}: {e}") from None
        key = self.key(kind, params)
        forced = self.force and key not in self.used
        self.used.add(key)
        problem = "missing"
        if forced and self.can_compute:
            problem = "refreshed (--force)"
        elif key and key in self.manifest["entries"]:
            data, problem = self._read(key)
            if data is not None:
                return data
        elif not key:
            problem = "unknown (no record of the model's identity)"
        if not self.can_compute:
            raise SnapshotError(
                f"{where}: snapshot `{describe(kind, params)}` is {problem} in {self.dir}, and the model can't "
                f"compute it here: {self._why_not()} Run `make snapshots` with the model installed, "
                "then commit the snapshot files.")
        log.info("computing snapshot %s (%s)", describe(kind, params), where)
        if self.progress:
            self.progress(f"computing {describe(kind, params)[:90]}  ({where}; was {problem.split(' (')[0]})")
        start = time.perf_counter()
        data = self._compute_and_store(kind, params, key)
        self.computed.append((describe(kind, params), time.perf_counter() - start))
        if self.progress:
            self.progress(f"    done in {self.computed[-1][1]:.2f} s")
        return data

    def checksum(self, kind: str, params: dict, where: str) -> str:
        """The SHA-256 of a fresh snapshot's file, checked but not parsed (computed first if stale,
        like get()): a cheap version stamp for outputs derived from a big snapshot (the vocabulary).

        Example:
        >>> store.checksum("vocab", {}, "demo_hooks")[:8]              # doctest: +SKIP
        '3f1c9a07'
        """
        try:
            key = self.key(kind, normalize(kind, params))
        except ValueError as e:
            raise SnapshotError(f"{where}: {e}") from None
        forced = self.force and key not in self.used
        if forced or key not in self.manifest["entries"] or self._raw(key)[0] is None:
            self.get(kind, params, where)
            key = self.key(kind, normalize(kind, params))
        self.used.add(key)
        return self.manifest["entries"][key]["sha256"]

    def key(self, kind: str, params: dict) -> str | None:
        if not self.model_info or not self.version:
            return None
        ident = {"model": self.model_info["sha256"], "kind": kind, "params": canonical(params),
                 "llama_cpp_python": self.version, "schema": SCHEMA}
        return sha256_bytes(json.dumps(ident, sort_keys=True).encode())

    def prune(self) -> list[str]:
        """Forget entries no get() asked for (a refresh saw every request); delete their files."""
        gone = sorted(set(self.manifest["entries"]) - self.used)
        for key in gone:
            (self.dir / self.manifest["entries"].pop(key)["file"]).unlink(missing_ok=True)
        # The same file described with more fields (a display name): record it for model-less builds.
        recorded = self.manifest["models"].get(self.choice.spec, {})
        renamed = bool(self.path and recorded.get("model", {}).get("sha256") == self.model_info["sha256"]
                       and recorded["model"] != self.model_info)
        if renamed:
            recorded["model"] = self.model_info
        if gone or renamed:
            self._save_manifest()
        return gone

    def status(self, kind: str, params: dict) -> str:
        """"fresh", "missing" or "corrupted" (for the refresh progress)."""
        key = self.key(kind, normalize(kind, params))
        if not key or key not in self.manifest["entries"]:
            return "missing"
        return "fresh" if self._read(key)[0] is not None else "corrupted"

    # Helpers ---------------------------------------------------------------------------------

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

    def _compute_and_store(self, kind: str, params: dict, key: str | None) -> dict:
        data = compute(kind, params, self.path)
        data["model"] = self.model_info
        version = self.version or llama_version()
        if key is None:
            self.version = version
            key = self.key(kind, params)
        doc = {"schema": SCHEMA, "kind": kind, "params": params, "llama_cpp_python": version, "data": data}
        raw = dumps(doc)
        name = f"{kind}-{key[:16]}.json"
        atomic_write(self.dir / name, raw)
        entry = {"file": name, "kind": kind, "params": canonical(params),
                 "model": self.model_info["sha256"], "sha256": sha256_bytes(raw)}
        # Merge with what is on disk now: another build may have added entries meanwhile.
        on_disk = self._load_manifest()
        for manifest in (self.manifest, on_disk):
            manifest["entries"][key] = entry
            manifest["models"][self.choice.spec] = {"model": self.model_info, "llama_cpp_python": version}
        self.manifest["entries"] = {**on_disk["entries"], **self.manifest["entries"]}
        self.manifest["models"] = {**on_disk["models"], **self.manifest["models"]}
        self._save_manifest()
        return json.loads(raw)["data"]

    def _load_manifest(self) -> dict:
        path = self.dir / MANIFEST
        empty = {"schema": SCHEMA, "models": {}, "entries": {}}
        if not path.exists():
            return empty
        try:
            manifest = json.loads(path.read_text("utf-8"))
            assert manifest.get("schema") == SCHEMA and isinstance(manifest.get("entries"), dict)
            manifest.setdefault("models", {})
            return manifest
        except (ValueError, AssertionError, AttributeError):
            log.info("%s is unreadable or from another schema: every snapshot counts as missing", path)
            return empty

    def _save_manifest(self) -> None:
        atomic_write(self.dir / MANIFEST, dumps(self.manifest))


def compute(kind: str, params: dict, path) -> dict:
    """Run the model (or read the GGUF) for one snapshot."""
    from build_hooks.model import gguf

    if kind == "model_card":
        return model_card(gguf.read(path))
    if kind == "vocab":
        return vocab(gguf.read(path, arrays=True))
    if kind == "quant_study":
        from build_hooks.model import quant
        return quant.study(Path(path), params["types"])
    from build_hooks.model import llm
    m = llm.get(str(path))
    if kind == "next_tokens":
        return m.next_tokens(params["prompt"], params["top"])
    if kind == "completion":
        return m.completion(params["prompt"], params["max_tokens"], params["temperatures"], params["seed"],
                            params["top_k"], params["top_p"])
    if kind == "tokens":
        return m.tokens(params["text"])
    if kind == "beam":
        return m.beam(params["prompt"], params["width"], params["depth"])
    if kind == "distribution":
        return m.distribution(params["prompt"], params["top"], params["temperatures"])
    if kind == "surprisal":
        return m.perplexity(params["text"])
    raise ValueError(kind)


def model_card(info) -> dict:
    """What the GGUF says about itself: enough for a model-card slide."""
    from build_hooks.model import gguf

    md = info.metadata
    return {
        "name": md.get("general.name"), "organization": md.get("general.organization"),
        "license": md.get("general.license"), "architecture": info.architecture,
        "parameters": info.n_params, "size_label": md.get("general.size_label"),
        "layers": info.arch("block_count"), "context_length": info.arch("context_length"),
        "embedding_length": info.arch("embedding_length"), "heads": info.arch("attention.head_count"),
        "kv_heads": info.arch("attention.head_count_kv"),
        "vocab_size": len(md.get("tokenizer.ggml.tokens", [])), "tokenizer": md.get("tokenizer.ggml.model"),
        "pre_tokenizer": md.get("tokenizer.ggml.pre"), "quantization": gguf.file_type_name(info),
        "tensor_types": gguf.tensor_type_counts(info), "bits_per_weight": gguf.bits_per_weight(info),
        "file_size": info.file_size, "gguf_version": info.version, "tensors": len(info.tensors),
    }


def vocab(info) -> dict:
    """The tokenizer for the browser (build_hooks/browser/vocab.py): its vocabulary file as text,
    or why the browser tokenizer refuses this model's tokenizer type."""
    from build_hooks.browser import vocab as browser_vocab

    return browser_vocab.snapshot(info)


# The process-wide store (configured by the MkDocs hook or the refresh CLI) ----------------------

_store: Store | None = None
FORCE = False        # set by `python -m build_hooks snapshots --force` before it runs the build
PROGRESS = None      # set by the refresh CLI: a callable that prints a progress line


def configure(directory, choice: Choice) -> Store:
    global _store
    _store = Store(directory, choice, force=FORCE, progress=PROGRESS)
    return _store


def current() -> Store:
    if _store is None:
        raise SnapshotError("snapshots are not configured: build with mkdocs (the snapshot hook) "
                            "or call build_hooks.snapshots.store.configure(directory, choice) first.")
    return _store


def get(kind: str, params: dict, where: str) -> dict:
    """The snapshot API (contract §5): cached data, computed if stale and the model is here."""
    return current().get(kind, params, where)


def checksum(kind: str, params: dict, where: str) -> str:
    """The SHA-256 of a fresh snapshot's file (see Store.checksum): to skip re-deriving from it."""
    return current().checksum(kind, params, where)
