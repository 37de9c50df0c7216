"""Every fence kind, declared once: how its options are read, which snapshots it needs, how it renders.

    ```snapshot next_tokens          ```demo sampling
    prompt: "The cat sat on the"     prompt: "The cat sat on the"
    ```                              ```

A fence is (language, kind): `snapshot` fences show one snapshot as a figure, `demo` fences are
live widgets with a static render. For each, a `FenceKind` says

    parse(body, docs, defaults, path=, line=)  YAML body -> options, an option left out taken from
                            the talk's `defaults` (fences/defaults.py); ValueError says what is wrong
                            and the fix (a YAML error at `path`:its line, the body starting at `line`)
    needs(options)          the snapshots to fetch before rendering: [(snapshot kind, params)]
    render(options, data, ctx)   options + the fetched snapshots' data (in `needs` order) -> HTML;
                                 ctx is the pipeline (ctx.cfg.docs, ctx.live: the live model's page config)

fences/pipeline.py looks kinds up here; nothing else knows the list.

Example:
>>> kind = KINDS["demo", "beam"]
>>> options = kind.parse("width: 2", None, {"prompt": "The cat sat on the"})
>>> kind.needs(options)
[('beam', {'prompt': 'The cat sat on the', 'width': 2, 'depth': 5})]
>>> sorted({lang for lang, _ in KINDS})
['demo', 'snapshot']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build_hooks.fences import demo, live, measured, snapshot
from demos import vocabulary


@dataclass(frozen=True)
class FenceKind:
    lang: str
    name: str
    parse: Callable[..., dict]       # (body, docs, defaults, *, path="", line=1)
    needs: Callable[[dict], list[tuple[str, dict]]]
    render: Callable[[dict, list[dict], object], str]


def _snapshot_kind(name: str, render=None, read=None, full=None) -> FenceKind:
    """A `snapshot NAME` fence: the body is the snapshot's params plus display options (caption).
    `read(params, docs)` adds what the params name in slides/ (the haystack's filler text); `full`
    renders from (options, data, pipeline) when the data alone is not enough."""
    render = render or (lambda data, display: snapshot.render(name, data, display))

    def parse(body, docs, defaults, **place):
        _, params, display = snapshot.parse(name, body, defaults, **place)
        return {"params": read(params, docs) if read else params, "display": display}
    return FenceKind("snapshot", name, parse, lambda o: [(name, o["params"])],
                     full or (lambda o, data, ctx: render(ctx.named(data[0]), o["display"])))


def _filler(params: dict, docs: Path | None) -> dict:
    """The haystack's filler read from slides/ into the params, so the snapshot's key covers its text."""
    if docs is None:
        raise ValueError("`haystack` reads its `filler` from the slides folder, and none was given")
    path = Path(docs) / params["filler"]
    try:
        return {**params, "filler_text": path.read_text(encoding="utf-8")}
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"`filler` of `haystack` is {params['filler']!r}, but {path} can't be read "
                         f"({type(err).__name__}); give a UTF-8 text file relative to slides/") from None


def _demo_kind(name: str, needs, render) -> FenceKind:
    def parse(body, docs, defaults, **place):
        return demo.parse(name, body, docs, defaults, **place)
    return FenceKind("demo", name, parse, needs, render)


def _next_tokens(o):
    return [("next_tokens", {"prompt": o["prompt"], "top": o["top"]})]


def _tokens_data(data: dict) -> list[dict]:
    """The tokenizer widget's chips from a `tokens` snapshot: llama.cpp's own ids and bytes."""
    return [{"id": i, "label": vocabulary.piece_label(bytes.fromhex(b))} for i, b in zip(data["ids"], data["bytes"])]


def _tokenizer_info(vocab: dict) -> dict:
    """{"type", "pre", "family"} of the model's tokenizer, plus "unsupported" when the browser can't run it."""
    return {k: vocab.get(k) for k in ("type", "pre", "family", "unsupported") if k in vocab}


KINDS: dict[tuple[str, str], FenceKind] = {
    **{("snapshot", name): _snapshot_kind(name) for name in snapshot.FENCE_KINDS},
    ("snapshot", "embeddings"): _snapshot_kind("embeddings", measured.render_embeddings),
    ("snapshot", "haystack"): _snapshot_kind("haystack", measured.render_haystack, _filler),
    ("snapshot", "prompting"): _snapshot_kind("prompting", measured.render_prompting),
    # its runs carry their settings and token ids, to branch from once the reader's model is live
    ("snapshot", "completion"): _snapshot_kind(
        "completion", full=lambda o, data, ctx: snapshot.render_completion(ctx.named(data[0]), o["display"],
                                                                           o["params"], ctx.live)),
    # more tokens than it shows: every top-k its slider allows cuts inside the snapshot (demo.held)
    ("demo", "sampling"): _demo_kind("sampling", lambda o: [("next_tokens", {"prompt": o["prompt"],
                                                                             "top": demo.held(o)})],
                                     lambda o, d, ctx: demo.render_sampling(o, d[0], ctx.live)),
    ("demo", "code"): _demo_kind("code", _next_tokens, lambda o, d, ctx: demo.render_code(o, d[0])),
    ("demo", "beam"): _demo_kind(
        "beam", lambda o: [("beam", {"prompt": o["prompt"], "width": o["width"], "depth": o["depth"]})],
        lambda o, d, ctx: demo.render_beam(o, d[0])),
    # the vocabulary snapshot says which tokenizer it is (and whether the browser can run it)
    ("demo", "tokenizer"): _demo_kind(
        "tokenizer", lambda o: [("tokens", {"text": o["text"]}), ("vocab", {})],
        lambda o, d, ctx: demo.render_tokenizer(o, _tokens_data(d[0]), _tokenizer_info(d[1]))),
    ("demo", "ngram"): _demo_kind(
        "ngram", lambda o: [],
        lambda o, d, ctx: demo.render_ngram(o, (ctx.cfg.docs / o["corpus"]).read_text(encoding="utf-8"))),
    # the live model: the build's table until the reader loads the model; "all other tokens (N)"
    # needs the vocabulary size, from the model card
    ("demo", "live"): _demo_kind(
        "live", lambda o: _next_tokens(o) + [("model_card", {})],
        lambda o, d, ctx: live.render_live(o, d[0], ctx.live, int(d[1]["vocab_size"]))),
}
LANGS = tuple(sorted({lang for lang, _ in KINDS}))


def lookup(lang: str, name: str) -> FenceKind:
    """The kind, or ValueError listing the kinds this language has.

    Example:
    >>> lookup("snapshot", "next_token")                      # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: unknown snapshot kind `next_token`; use one of: next_tokens, completion, tokens, beam, ..., prompting
    """
    if (lang, name) in KINDS:
        return KINDS[lang, name]
    names = ", ".join(n for (l_, n) in KINDS if l_ == lang)
    if not name:
        raise ValueError(f"a {lang} fence needs a kind after `{lang}`, one of: {names} (e.g. ```{lang} "
                         f"{names.split(', ')[0]})")
    raise ValueError(f"unknown {lang} kind `{name}`; use one of: {names}")
