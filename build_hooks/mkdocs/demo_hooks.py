"""MkDocs hooks for the live demos: Pyodide and the demos wheel, the `demo` fence's data.

    on_config          point the fence at this build's renderer
    on_files           build assets/vendor/pyodide/ (Pyodide core + demos wheel + custom lock),
                       assets/demos/vocab.txt (the tokenizer's vocabulary, fetched on use) and the
                       live model: assets/vendor/wllama/ + the GGUF's shards in assets/live/
    on_page_markdown   pre-scan the page's demo fences: a bad one stops the build at file:line

The logic lives in plain modules: build_hooks.browser.wheel (packaging), build_hooks.fences.demo
(options and static HTML), demos.web (the computations, shared with the browser).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from build_hooks.browser import live, wheel
from build_hooks.fences import demo as demo_fence
from build_hooks.fences import live as live_fence
from build_hooks.files import atomic_write

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".cache" / "demos"
VENDOR_URI = "assets/vendor/pyodide"
VOCAB_URI = "assets/demos/vocab.txt"
log = logging.getLogger("mkdocs.build_hooks.demos")

# Hooks ---------------------------------------------------------------------------------------


def on_config(config):
    _STATE.update(where=None, lines=[], vocab_error=None, tokenizer=None, tokenizer_info=None, live=None)
    demo_fence.RENDER = render


def on_files(files, config):
    try:
        vendor = wheel.build_vendor(BUILD / "vendor")
    except wheel.VendorError as err:
        raise PluginError(f"live demos: {err}") from None
    for path in sorted(vendor.iterdir()):
        _add(files, config, f"{VENDOR_URI}/{path.name}", path)
    try:
        shipped, _STATE["live"] = live.bundle(config["extra"])
    except live.LiveError as err:
        raise PluginError(f"mkdocs.yml: {err}") from None
    for src_uri, path in shipped:
        _add(files, config, src_uri, path)
    try:
        _add(files, config, VOCAB_URI, _vocab_file())
    except Exception as err:     # needed only by a tokenizer widget: fail there, naming the page
        _STATE["vocab_error"] = str(err)
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.abs_src_path
    where = f"{config['docs_dir'].rstrip('/').split('/')[-1]}/{page.file.src_uri}"
    _STATE.update(where=where, lines=[])
    if not src or not os.path.exists(src):
        return markdown
    from build_hooks.deck.slides import find_fences

    with open(src, encoding="utf-8") as f:
        raw = f.read()
    for fence in find_fences(raw):
        if fence.lang != "demo":
            continue
        kind = fence.info.split()[0] if fence.info.split() else ""
        try:
            demo_fence.parse(kind, fence.body)
        except demo_fence.DemoError as err:
            raise PluginError(f"{where}:{fence.line}: {err}") from None
        if fence.end_line is None:
            raise PluginError(f"{where}:{fence.line}: the demo fence is never closed; end it with {fence.marker}")
        _STATE["lines"].append(fence.line)
    return markdown


# Helpers -------------------------------------------------------------------------------------

_STATE: dict = {}


def _add(files, config, src_uri: str, path: Path) -> None:
    if files.get_file_from_path(src_uri) is None and path.exists():
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))


def _where() -> str:
    where = _STATE.get("where") or "a page"
    lines = _STATE.get("lines") or []
    return f"{where}:{lines.pop(0)}" if lines else where


def snapshot(kind: str, params: dict, where: str) -> dict:
    """H2's snapshot API; a build without the snapshot hook computes straight from the model."""
    from build_hooks.snapshots import store as snapshots

    try:
        snapshots.current()
    except snapshots.SnapshotError:
        from build_hooks.model import choice as models
        path = models.locate(models.choose())
        return snapshots.compute(kind, snapshots.normalize(kind, params), path)
    return snapshots.get(kind, params, where)


def _vocab_file() -> Path:
    """The browser tokenizer's vocabulary file (demos/tokenizers/vocab.py), rewritten only when its
    `vocab` snapshot changed (atomically). vocab.txt.sha256 records "<snapshot sha256> <vocab.txt
    sha256>": when both still match, the snapshot is not even parsed.

    A model whose tokenizer type the browser does not implement gets no file and one line in the
    build log; its widget then keeps llama.cpp's static ids and says why (see render_tokenizer).
    """
    where = "the tokenizer demo's vocabulary (build_hooks/mkdocs/demo_hooks.py)"
    target, stamp = BUILD / "vocab.txt", BUILD / "vocab.txt.sha256"
    source = _checksum("vocab", {}, where)
    if source and target.exists() and stamp.exists() and stamp.read_text() == f"{source} {_sha(target.read_bytes())}":
        with open(target, encoding="utf-8") as f:
            head = json.loads(f.readline())       # the file's header line names the tokenizer
        _STATE["tokenizer_info"] = {"type": head["model"], "pre": head["pre"], "family": head["family"]}
        return target
    data = snapshot("vocab", {}, where)
    if "unsupported" in data:
        target.unlink(missing_ok=True)
        stamp.unlink(missing_ok=True)
        _STATE["tokenizer_info"] = data
        log.info("tokenizer demo: %s; its widget shows llama.cpp's ids from the build only", data["unsupported"])
        return target
    text = data["text"].encode("utf-8")
    if not target.exists() or _sha(target.read_bytes()) != _sha(text):
        atomic_write(target, text)
    if source:
        atomic_write(stamp, f"{source} {_sha(text)}".encode())
    _STATE["tokenizer_info"] = {k: data[k] for k in ("type", "pre", "family")}
    return target


def _checksum(kind: str, params: dict, where: str) -> str | None:
    """The snapshot file's SHA-256 (None in a build without the snapshot hook)."""
    from build_hooks.snapshots import store as snapshots

    try:
        snapshots.current()
    except snapshots.SnapshotError:
        return None
    return snapshots.checksum(kind, params, where)


def _n_vocab(where: str) -> int:
    """The model's vocabulary size (from the model card snapshot), for "all other tokens (N)"."""
    try:
        return int(snapshot("model_card", {}, where)["vocab_size"])
    except Exception:
        return 0


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tokenizer():
    if _STATE.get("tokenizer") is None:
        from demos import tokenizers
        if _STATE.get("vocab_error"):
            raise RuntimeError(_STATE["vocab_error"])
        _STATE["tokenizer"] = tokenizers.load((BUILD / "vocab.txt").read_text(encoding="utf-8"))
    return _STATE["tokenizer"]


def _tokenizer_info(where: str) -> dict:
    """{"type", "pre", "family"} of the model's tokenizer, plus "unsupported" when the browser can't."""
    if _STATE.get("tokenizer_info") is None:
        if _STATE.get("vocab_error"):
            raise RuntimeError(_STATE["vocab_error"])
        data = snapshot("vocab", {}, where)
        _STATE["tokenizer_info"] = {k: data.get(k) for k in ("type", "pre", "family", "unsupported") if k in data}
    return _STATE["tokenizer_info"]


def _tokens(text: str, where: str) -> list[dict]:
    """The static token chips [{"id", "label"}]: llama.cpp's own ids from a `tokens` snapshot.
    Where that can't be served (no snapshot hook, no model to compute it) our BPE gives the same
    ids (tests/test_demos.py checks it against llama.cpp), at the cost of loading the vocabulary."""
    from build_hooks.snapshots import store as snapshots
    from demos import web

    try:
        data = snapshots.get("tokens", {"text": text}, where)
    except snapshots.SnapshotError:
        return web.tokenize(text, _tokenizer())
    return [{"id": i, "label": web.label(bytes.fromhex(b))} for i, b in zip(data["ids"], data["bytes"])]


def render(kind: str, options: dict) -> str:
    """The static HTML of one widget (the fence's format() calls this)."""
    where = _where()
    try:
        if kind == "sampling":
            return demo_fence.render_sampling(options, snapshot("next_tokens", {"prompt": options["prompt"],
                                                                                "top": options["top"]}, where),
                                              _STATE["live"])
        if kind == "code":
            return demo_fence.render_code(options, snapshot("next_tokens", {"prompt": options["prompt"],
                                                                            "top": options["top"]}, where))
        if kind == "beam":
            return demo_fence.render_beam(options, snapshot("beam", {"prompt": options["prompt"],
                                                                     "width": options["width"],
                                                                     "depth": options["depth"]}, where))
        if kind == "tokenizer":
            return demo_fence.render_tokenizer(options, _tokens(options["text"], where), _tokenizer_info(where))
        if kind == "ngram":
            return demo_fence.render_ngram(options)
        if kind == "live":
            return live_fence.render_live(options, snapshot("next_tokens", {"prompt": options["prompt"],
                                                                            "top": options["top"]}, where),
                                          _STATE["live"], _n_vocab(where))
    except PluginError:
        raise
    except Exception as err:       # a snapshot error already starts with `where`
        message = str(err) if str(err).startswith(where.split(":")[0]) else f"{where}: demo {kind}: {err}"
        raise PluginError(message) from None
    raise PluginError(f"{where}: unknown demo `{kind}`")
