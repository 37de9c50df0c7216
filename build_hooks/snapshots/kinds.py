"""What the model can be asked: each snapshot kind's options, the code that computes it, and its run.

A kind is declared once here:

    options   name -> Option(types, default, check, hint), or the same as a plain 4-tuple: the one
              option schema of every fence kind (build_hooks/schema.py); a default of REQUIRED must
              be given, the hint says what the option accepts
    code      the modules (or packages) that compute it: their source, and that of every module of
              ours they import (followed through `import` lines, found without running them), is
              digested into the snapshot's key, so a fix to beam search, or to a regex table of the
              tokenizer, makes the snapshots it computed stale (no number to bump)
    compute   (params, model path) -> data; runs llama.cpp or reads the GGUF

Nothing here imports llama_cpp: the code digest reads the source files as bytes.

Example:
>>> normalize("next_tokens", {"prompt": "The cat sat on the"})
{'prompt': 'The cat sat on the', 'top': 10}
>>> len(code_digest("beam"))
64
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build_hooks import schema
from build_hooks.memo import Memo, code_of, digest
from build_hooks.schema import REQUIRED, MissingOption  # noqa: F401 (the fence kinds take them from here too)

_num = (int, float)
_prompt = (str, REQUIRED, lambda v: v != "", "a string that is not empty")
LLM = ("build_hooks.model.llm", "build_hooks.model.loader")   # a kind with these runs llama.cpp
GGUF = ("build_hooks.model.gguf", "build_hooks.model.card")
OURS = ("build_hooks", "demos")     # top-level packages whose imports the code digest follows


@dataclass(frozen=True)
class Kind:
    options: dict
    code: tuple[str, ...]
    compute: Callable[[dict, Path], dict]


def _model(path):
    from build_hooks.model import llm  # lazy: imports llama_cpp
    return llm.get(str(path))


@functools.cache
def _long_model(path, n_ctx: int):
    """The same model with a longer context (the haystack's), loaded once per process and size."""
    from build_hooks.model import llm
    return llm.Model(str(path), n_ctx)


def _embeddings(params, path):
    from build_hooks.model import embeddings
    return embeddings.study(path, _model(path), params["words"], params["top"], params["analogies"])


def _haystack(p, path):
    from build_hooks.model import gguf, haystack
    n_ctx_train = int(gguf.read(path).arch("context_length", 8192))
    n_ctx = min(n_ctx_train, max(p["lengths"]) + 512)       # the longest haystack plus question and answer
    return haystack.run(_long_model(str(path), n_ctx), p["filler_text"], p["filler"], p["lengths"], p["depths"],
                        p["needle"], p["question"], p["prime"], p["answer"], p["max_tokens"], n_ctx_train)


def _prompting(p, path):
    from build_hooks.model import prompting
    return prompting.run(_model(path), p["problems"], p["reasoning_tokens"], p["answer_tokens"])


def _score(p, path):
    from build_hooks.model import score
    return score.run(_model(path), p["prompt"], p["continuations"])


def _problems(v):
    return v and all(isinstance(q, dict) and set(q) == {"question", "answer"} and isinstance(q["question"], str)
                     and q["question"] and isinstance(q["answer"], (int, str)) for q in v)


def _card(path):
    from build_hooks.model import card, gguf
    return card.model_card(gguf.read(path))


def _vocab(path):
    from build_hooks.model import gguf, vocab
    return vocab.snapshot(gguf.read(path, arrays=True))


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
    # a continuation's probability after the prompt: the product over its tokens (model/score.py)
    "score": Kind({"prompt": _prompt,
                   "continuations": (list, REQUIRED,
                                     lambda v: 0 < len(v) <= 8 and all(isinstance(c, str) and c for c in v),
                                     'a list of 1 to 8 continuations, none empty, e.g. [" kitten", " on the mat"]')},
                  LLM + ("build_hooks.model.score",), _score),
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
    # the browser tokenizer's vocabulary file: its layout is demos/tokenizers/vocab.py's, the tokenizer
    # it feeds is demos/tokenizers/ (a new regex table there is a new snapshot)
    "vocab": Kind({}, ("build_hooks.model.gguf", "build_hooks.model.vocab", "demos.tokenizers"),
                  lambda p, path: _vocab(path)),
    # for the figures
    "distribution": Kind(
        {"prompt": _prompt, "top": (int, 12, lambda v: 1 <= v <= 100, "an integer from 1 to 100"),
         "temperatures": (list, [0.2, 0.7, 1, 1.5], lambda v: v and all(isinstance(t, _num) and t > 0 for t in v),
                          "a list of numbers above 0")},
        LLM, lambda p, path: _model(path).distribution(p["prompt"], p["top"], p["temperatures"])),
    "surprisal": Kind({"text": _prompt}, LLM, lambda p, path: _model(path).perplexity(p["text"])),
    # the talk's claims measured on its model (issue 22); the words, filler, problems: slides/data/fences.yml
    "embeddings": Kind(
        {"words": (list, REQUIRED, lambda v: v and all(isinstance(w, str) and w.strip() for w in v),
                   "a list of words, e.g. [king, Paris, python]"),
         "top": (int, 6, lambda v: 1 <= v <= 20, "an integer from 1 to 20"),
         "analogies": (list, [], lambda v: all(isinstance(a, str) and a.strip() for a in v),
                       'a list like ["king - man + woman"]')},
        LLM + ("build_hooks.model.embeddings",), _embeddings),
    "haystack": Kind(
        {"filler": (str, REQUIRED, lambda v: v != "", "a text file relative to slides/, e.g. corpus/coriolanus.txt"),
         "filler_text": (str, "", None, "the filler file's text (the fence reads it from `filler`)"),
         "lengths": (list, [128, 256, 512, 1024, 2048],
                     lambda v: v and all(isinstance(n, int) and 16 <= n <= 7600 for n in v),
                     "a list of token counts from 16 to 7600 (cut to the model's training context if longer)"),
         "depths": (list, [0, 0.25, 0.5, 0.75, 1], lambda v: v and all(isinstance(d, _num) and 0 <= d <= 1 for d in v),
                    "a list of fractions from 0 (start) to 1 (end)"),
         "needle": _prompt, "question": _prompt, "prime": (str, "", None, "text the answer starts with"),
         "answer": _prompt, "max_tokens": (int, 8, lambda v: 1 <= v <= 32, "an integer from 1 to 32")},
        LLM + ("build_hooks.model.haystack",), _haystack),
    "prompting": Kind(
        {"problems": (list, REQUIRED, _problems, "a list of {question: ..., answer: ...}"),
         "reasoning_tokens": (int, 96, lambda v: 8 <= v <= 256, "an integer from 8 to 256"),
         "answer_tokens": (int, 8, lambda v: 1 <= v <= 32, "an integer from 1 to 32")},
        LLM + ("build_hooks.model.prompting",), _prompting),
}


def normalize(kind: str, params: dict) -> dict:
    """Check params against the kind's options and fill defaults. Raises ValueError saying what is wrong.

    Example:
    >>> normalize("beam", {"prompt": "Hi", "width": 2.0})
    {'prompt': 'Hi', 'width': 2, 'depth': 5}
    """
    if kind not in KINDS:
        raise ValueError(f"unknown snapshot kind {kind!r}; use one of: {', '.join(KINDS)}")
    return schema.check(KINDS[kind].options, params, f"snapshot {kind}", fix=missing_fix("snapshot", kind))


def missing_fix(lang: str, kind: str) -> str:
    """How to give a required option of a fence kind ({name} is the option), for schema.check."""
    return (f"write `{{name}}: ...` in the fence, or once for the whole talk in slides/data/fences.yml "
            f"under `{lang}: {kind}:`")


@functools.cache
def code_digest(kind: str, imports: Memo | None = None) -> str:
    """SHA-256 over every source file that computes `kind` (code_files), names included.
    `imports` remembers each file's imports across builds (IMPORTS_CODE is its code)."""
    h = hashlib.sha256()
    for module, path in sorted(code_files(kind, imports).items()):
        h.update(module.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_files(kind: str, imports: Memo | None = None) -> dict[str, Path]:
    """module -> source file, for the kind's declared code, every module of a declared package, and
    (transitively) every module of ours that one of them imports, lazy imports included.

    Example:
    >>> {"build_hooks.model.llm", "demos.beam", "demos.sampling"} <= set(code_files("beam"))
    True
    >>> "demos.tokenizers.regexes" in code_files("vocab")
    True
    """
    todo, found = list(KINDS[kind].code), {}
    while todo:
        module = todo.pop()
        path = _source(module)
        if path is None or module in found:
            continue
        found[module] = path
        if path.name == "__init__.py" and module in KINDS[kind].code:      # a declared package: all of it
            todo += [module + "." + ".".join(p.relative_to(path.parent).with_suffix("").parts)
                     for p in sorted(path.parent.rglob("*.py")) if p != path]
        todo += [name for name in _imports(path, imports or _THIS_PROCESS) if name.split(".")[0] in OURS]
    return {m.removesuffix(".__init__"): p for m, p in found.items()}


def _source(module: str) -> Path | None:
    """The .py file of a module, located without running it (None for a name that is not a module)."""
    top, _, rest = module.partition(".")
    spec = importlib.util.find_spec(top)            # a top-level package or module: nothing heavy runs
    if spec is None or spec.origin is None:
        return None
    if not spec.submodule_search_locations:
        return Path(spec.origin) if not rest else None
    package = Path(next(iter(spec.submodule_search_locations)))
    base = package.joinpath(*rest.split(".")) if rest else package
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


IMPORTS_CODE = code_of(__file__)        # the code that finds a file's imports: this module
_THIS_PROCESS = Memo(None, IMPORTS_CODE)


def _imports(path: Path, memo: Memo) -> list[str]:
    """Every module a file imports (`from a import b` gives a.b and a: b may be a module or a name),
    remembered by the digest of the file's bytes: parsing is what a code digest costs (the kinds
    share most of their code, and most files are unchanged since the last build)."""
    source = path.read_bytes()
    return memo.get(digest(source), lambda: _parse_imports(source, str(path)))


def _parse_imports(source: bytes, filename: str) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


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
