"""What the model can be asked: each snapshot kind's options, the code that computes it, and its run.

A kind is declared once here:

    options   name -> (type, default, check, hint); a default of REQUIRED must be given; the hint
              says what the option accepts, for the error a bad value gets (as fences/demo.py)
    code      the modules whose source computes it: their digest is part of the snapshot's key,
              so a fix to beam search makes every `beam` snapshot stale (no number to bump)
    compute   (params, model path) -> data; runs llama.cpp or reads the GGUF

Nothing here imports llama_cpp: the code digest reads the source files as bytes.

Example:
>>> normalize("next_tokens", {"prompt": "The cat sat on the"})
{'prompt': 'The cat sat on the', 'top': 10}
>>> len(code_digest("beam"))
64
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REQUIRED = object()


class MissingOption(ValueError):
    """A required option nobody gave (neither the fence nor the talk's slides/data/fences.yml)."""


_num = (int, float)
_prompt = (str, REQUIRED, lambda v: v != "", "a string that is not empty")
LLM = ("build_hooks.model.llm", "build_hooks.model.loader")   # a kind with these runs llama.cpp
GGUF = ("build_hooks.model.gguf", "build_hooks.model.card")


@dataclass(frozen=True)
class Kind:
    options: dict
    code: tuple[str, ...]
    compute: Callable[[dict, Path], dict]


def _model(path):
    from build_hooks.model import llm          # lazy: imports llama_cpp
    return llm.get(str(path))


def _card(path, arrays=False):
    from build_hooks.model import card, gguf
    info = gguf.read(path, arrays=arrays)
    return card.vocab(info) if arrays else card.model_card(info)


def _quant(params, path):
    from build_hooks.model import quant
    return quant.study(Path(path), params["types"], params["prompts"], params["passage"])


KINDS: dict[str, Kind] = {
    "next_tokens": Kind({"prompt": _prompt, "top": (int, 10, lambda v: 1 <= v <= 100, "an integer from 1 to 100")},
                        LLM,
                        lambda p, path: _model(path).next_tokens(p["prompt"], p["top"])),
    "completion": Kind(
        {"prompt": _prompt, "max_tokens": (int, 20, lambda v: 1 <= v <= 128, "an integer from 1 to 128"),
         "temperatures": (list, [0, 0.7, 1.5], lambda v: v and all(isinstance(t, _num) and 0 <= t <= 5 for t in v),
                          "a list of numbers from 0 to 5, e.g. [0, 0.7, 1.5]"),
         "seed": (int, 0, None, "an integer"), "top_k": (int, 0, lambda v: v >= 0, "an integer from 0 (off) up"),
         "top_p": (_num, 1.0, lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
         "min_p": (_num, 0.0, lambda v: 0 <= v <= 1, "a number from 0 (off) to 1")},
        LLM + ("build_hooks.model.sampler", "demos.sampling"),
        lambda p, path: _model(path).completion(p["prompt"], p["max_tokens"], p["temperatures"], p["seed"],
                                                p["top_k"], p["top_p"], p["min_p"])),
    "tokens": Kind({"text": _prompt}, LLM, lambda p, path: _model(path).tokens(p["text"])),
    "beam": Kind({"prompt": _prompt, "width": (int, 3, lambda v: 1 <= v <= 5, "an integer from 1 to 5"),
                  "depth": (int, 5, lambda v: 1 <= v <= 8, "an integer from 1 to 8")},
                 LLM + ("demos.beam",), lambda p, path: _model(path).beam(p["prompt"], p["width"], p["depth"])),
    "model_card": Kind({}, GGUF, lambda p, path: _card(path)),
    # the prompts (KL, top-1) and the passage (perplexity) are the talk's: slides/data/fences.yml
    "quant_study": Kind({"types": (list, ["Q8_0", "Q4_0", "Q2_K"], lambda v: v and all(isinstance(t, str) for t in v),
                                   "a list of quantization types, e.g. [Q8_0, Q4_0, Q2_K]"),
                         "prompts": (list, REQUIRED, lambda v: v and all(isinstance(t, str) and t for t in v),
                                     "a list of prompts, none empty"),
                         "passage": _prompt},
                        LLM + GGUF + ("build_hooks.model.quant",), _quant),
    # the browser tokenizer's vocabulary file; `format` names its layout (a new one makes a new snapshot)
    "vocab": Kind({"format": (str, "llama-vocab/1", lambda v: v == "llama-vocab/1", '"llama-vocab/1"')},
                  GGUF + ("build_hooks.browser.vocab",), lambda p, path: _card(path, arrays=True)),
    # for the figures
    "distribution": Kind(
        {"prompt": _prompt, "top": (int, 12, lambda v: 1 <= v <= 100, "an integer from 1 to 100"),
         "temperatures": (list, [0.2, 0.7, 1, 1.5], lambda v: v and all(isinstance(t, _num) and t > 0 for t in v),
                          "a list of numbers above 0")},
        LLM, lambda p, path: _model(path).distribution(p["prompt"], p["top"], p["temperatures"])),
    "surprisal": Kind({"text": _prompt}, LLM, lambda p, path: _model(path).perplexity(p["text"])),
}


def normalize(kind: str, params: dict) -> dict:
    """Check params against the kind's options and fill defaults. Raises ValueError saying what is wrong.

    Example:
    >>> normalize("beam", {"prompt": "Hi", "width": 2.0})
    {'prompt': 'Hi', 'width': 2, 'depth': 5}
    """
    if kind not in KINDS:
        raise ValueError(f"unknown snapshot kind {kind!r}; use one of: {', '.join(KINDS)}")
    schema, out, missing = KINDS[kind].options, {}, []
    unknown = sorted(set(params) - set(schema))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for `{kind}`; "
                         f"options: {', '.join(schema) or 'none'}")
    for name, (typ, default, check, hint) in schema.items():
        if name not in params:
            if default is REQUIRED:
                missing.append(name)
            out[name] = default
            continue
        value = params[name]
        if typ is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, typ) or (check and not check(value)):
            raise ValueError(f"option `{name}` of `{kind}` is {value!r}; it must be {hint}")
        out[name] = value
    if missing:     # after the values: a bad value is reported even where another option is missing
        raise MissingOption(f"`{kind}` needs the option `{missing[0]}`: write `{missing[0]}: ...` in the fence, "
                            "or once for the whole talk in slides/data/fences.yml")
    return out


@functools.cache
def code_digest(kind: str) -> str:
    """SHA-256 over the source files that compute `kind` (found without importing them)."""
    h = hashlib.sha256()
    for module in sorted(KINDS[kind].code):
        spec = importlib.util.find_spec(module)
        h.update(module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    return h.hexdigest()


def compute(kind: str, params: dict, path) -> dict:
    """Run the model (or read the GGUF) for one snapshot."""
    return KINDS[kind].compute(params, path)


def runs_llama(kind: str) -> bool:
    """Whether `kind` runs llama.cpp (native code that can crash the process), not only Python.

    Example:
    >>> runs_llama("next_tokens"), runs_llama("model_card")
    (True, False)
    """
    return LLM[0] in KINDS[kind].code
