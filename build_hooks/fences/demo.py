"""The `demo` fence: a live Python widget with a useful static render made at build time.

    ```demo sampling
    prompt: "The cat sat on the"
    top: 20
    ```

The first word after `demo` names the widget (sampling, ngram, tokenizer, beam, code); the
body is YAML options, checked here. The fence renders to

    <div class="demo" data-demo="NAME" data-state="static">  ...static render...  </div>

which already shows the model's table, a generated sample or the tokens, with no JavaScript.
widgets.js wakes it up: on the first interaction, one Web Worker per page runs the same
`demos` package under Pyodide, and data-state goes loading -> ready (or error).

Every model, corpus and reader string is escaped here (html.escape) and set with textContent
in the browser: never HTML.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

from build_hooks import schema
from build_hooks.fences.parts import (  # noqa: F401 (data_script: tests/test_demos.py takes it from here)
    bars,
    buttons,
    data_script,
    e,
    number,
    percent,
    shell,
    slider,
    temperature_slider,
    token_spans,
)
from build_hooks.snapshots.kinds import REQUIRED, MissingOption, missing_fix  # noqa: F401 (MissingOption: doctest)
from demos import sampling, spread, vocabulary, web

# Data -------------------------------------------------------------------------------------------

NUM = (int, float)
# The talk's own strings (its prompt, sample text, corpus) have no default here: a fence names
# them, or the talk sets them once for all its fences in slides/data/fences.yml (fences/defaults.py).
PROMPT = (str, REQUIRED, lambda v: v != "", "a prompt string, not empty")
# option: (types, default, check, hint), checked by build_hooks/schema.py like every other option
OPTIONS = {
    "sampling": {
        "prompt": PROMPT,
        "top": (int, 20, lambda v: 2 <= v <= 100, "an integer from 2 to 100 (how many candidates to show)"),
        "temperature": (NUM, 1.0, lambda v: 0 <= v <= 5, "a number from 0 to 5"),
        "top_k": (int, 0, lambda v: 0 <= v <= 100, "an integer from 0 (off) to 100"),
        "top_p": (NUM, 1.0, lambda v: 0 < v <= 1, "a number in (0, 1]"),
        "min_p": (NUM, 0.0, lambda v: 0 <= v <= 1, "a number from 0 (off) to 1"),
        "seed": (int, 0, None, "an integer"),
    },
    "ngram": {
        "corpus": (str, REQUIRED, None, "a text file path relative to slides/"),
        "n": (int, 4, lambda v: 1 <= v <= 6, "an integer from 1 to 6"),
        "level": (str, "char", lambda v: v in ("char", "word"), '"char" or "word"'),
        "temperature": (NUM, 1.0, lambda v: 0 <= v <= 5, "a number from 0 to 5"),
        "length": (int, 120, lambda v: 1 <= v <= 1000, "an integer from 1 to 1000"),
        "prompt": (str, "", None, "a string to start from"),
        "seed": (int, 0, None, "an integer"),
    },
    "tokenizer": {
        "text": (str, REQUIRED, None, "a string (the text the widget starts with)"),
    },
    "beam": {
        "prompt": PROMPT,
        "width": (int, 3, lambda v: 1 <= v <= 5, "an integer from 1 to 5"),
        "depth": (int, 5, lambda v: 1 <= v <= 8, "an integer from 1 to 8"),
        "seed": (int, 0, None, "an integer"),
    },
}
# The live model (fences/live.py): any prompt, the real next-token distribution, generation.
OPTIONS["live"] = {
    "prompt": PROMPT,
    "top": (int, 10, lambda v: 2 <= v <= 50, "an integer from 2 to 50 (rows to show)"),
    "temperature": OPTIONS["sampling"]["temperature"], "top_k": OPTIONS["sampling"]["top_k"],
    "top_p": OPTIONS["sampling"]["top_p"], "seed": OPTIONS["sampling"]["seed"],
    "length": (int, 20, lambda v: 1 <= v <= 200, "an integer from 1 to 200 (tokens to generate)"),
    "min_p": (NUM, 0.0, lambda v: 0 <= v <= 1, "a number from 0 (off) to 1"),
    "continuation": (str, " mat", None, "a string to score after the prompt (start it with a space)"),
}
# The code widget runs the sampling function: the sampling options (no seed), other defaults.
OPTIONS["code"] = {name: (types, {"temperature": 0.8, "top_k": 10, "top_p": 0.9}.get(name, default), check, hint)
                   for name, (types, default, check, hint) in OPTIONS["sampling"].items() if name != "seed"}

# The editable function of the `code` demo: the real demos.sampling.distribution, the very
# function the sampling widget calls (its helpers softmax, top_k_filter, ... stay importable).
# The docstring's doctest examples are left out of the editor.
CODE = re.sub(r'\n\n    Example:.*?(\n    """)', r"\1", inspect.getsource(sampling.distribution), flags=re.S)


class DemoError(ValueError):
    """A bad demo fence; the message says what is wrong and how to fix it (no file:line yet)."""


# Helpers: options ----------------------------------------------------------------------------


def parse(kind: str, body: str, docs: Path | None = None, defaults: dict | None = None, *,
          path: str = "", line: int = 1) -> dict:
    """Check a fence's kind and YAML body; return the options with defaults filled in: the fence's
    own, else the talk's `defaults` (slides/data/fences.yml), else the widget's.
    `docs` is the docs_dir that an n-gram corpus is named relative to (checked when given);
    `path` and `line` place the body (its file, the line under the fence) for a YAML error.

    Example:
    >>> parse("beam", "width: 2", defaults={"prompt": "Hi"})
    {'prompt': 'Hi', 'width': 2, 'depth': 5, 'seed': 0}
    >>> try: parse("beam", "wdth: 2")
    ... except ValueError as err: print(err)
    demo beam: unknown option `wdth`; did you mean `width`? Options: prompt, width, depth, seed
    >>> try: parse("beam", "width: 2")
    ... except MissingOption as err: print(str(err)[:86])
    demo beam: needs the option `prompt` (a prompt string, not empty); write `prompt: ...`
    """
    if kind not in OPTIONS:
        raise DemoError(f"unknown demo `{kind or '(none)'}`; write one of: {', '.join(OPTIONS)} "
                        "after the fence language, e.g. ```demo sampling")
    data = schema.mapping(body, f"demo {kind}", path=path, line=line)
    options = schema.check(OPTIONS[kind], {**(defaults or {}), **data}, f"demo {kind}",
                           fix=missing_fix("demo", kind))
    if kind == "ngram" and docs is not None and not (docs / options["corpus"]).is_file():
        raise DemoError(f"demo ngram: corpus file slides/{options['corpus']} does not exist; "
                        "put a text file under slides/ (e.g. slides/corpus/) and name it relative to slides/")
    return options


# Renderers: one per demo (data comes from snapshots, fetched by fences/pipeline.py) ------------------


# llama.cpp's sampler chain as it runs by default (common/common.h): the preset button sets these
LLAMA_DEFAULTS = {"temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05}
TOP_K_MAX = 50          # the slider reaches llama.cpp's default of 40 even over a shorter list


def held(o) -> int:
    """How many of the model's most likely tokens a sampling widget computes with (its `top` rows
    shown, the others in "all other tokens"): as many as its top-k slider reaches, so every top-k
    cuts inside the snapshot and llama.cpp's defaults (top-k 40, then top-p, min-p, T) are exact.

    Example:
    >>> held({"top": 20}), held({"top": 80})
    (50, 80)
    """
    return max(o["top"], TOP_K_MAX)


def cut_controls(o, n) -> str:
    """The sliders of the sampler's temperature and cuts, two to a row on a slide."""
    return (temperature_slider(o["temperature"], half=True)
            + slider("top_k", "Top-k (0 = off)", 0, max(n, TOP_K_MAX), 1, o["top_k"], half=True)
            + slider("top_p", "Top-p", 0.01, 1, 0.01, o["top_p"], half=True)
            + slider("min_p", "Min-p (0 = off)", 0, 1, 0.01, o["min_p"], half=True))


def preset_button() -> str:
    """Sets the sliders to llama.cpp's defaults; its accessible name says which values."""
    preset = e(json.dumps(LLAMA_DEFAULTS, separators=(",", ":")))
    return (f'<button type="button" name="preset" data-preset="{preset}" aria-label="llama.cpp&#x27;s defaults: '
            'temperature 0.8, top-k 40, top-p 0.95, min-p 0.05">llama.cpp&#x27;s defaults</button>')


def render_sampling(o, next_tokens, live_cfg=None) -> str:
    from build_hooks.fences import live as live_fence

    # the snapshot holds held(o) tokens: the first `top` are the bars, the others are computed with
    # and shown in "all other tokens"; `rest` is the probability of every token past them all
    held_cands = [{"id": t["id"], "text": t["text"], "logprob": t["logprob"]} for t in next_tokens["top"]]
    cands, n, stored = held_cands[:o["top"]], min(o["top"], len(held_cands)), len(held_cands)
    rest, entropy = next_tokens.get("rest", 0.0), next_tokens.get("entropy_bits")
    out = spread.sampling_view(held_cands, rest, entropy, o["temperature"], o["top_k"], o["top_p"], o["min_p"],
                               shown=n)
    rows = [{**r, "label": vocabulary.label(c["text"])} for r, c in zip(out["rows"], cands)]
    controls = ((live_fence.optin(live_cfg) if live_cfg else "")
                + f'<label class="demo-field demo-text-field demo-live-only" hidden><span>Prompt (the real model: any '
                  f'text)</span><textarea name="prompt" rows="2" spellcheck="false" hidden>{e(o["prompt"])}</textarea>'
                  f'</label>'
                + cut_controls(o, stored)
                + number("seed", "Seed", 0, 999999, o["seed"])
                + buttons(preset_button(), '<button type="button" name="sample">Sample 8 tokens</button>',
                          '<button type="button" name="draw">Draw 1,000 times</button>'))
    inexact = (f"Not the model's numbers: these settings keep tokens beyond its {stored} most likely, which the "
               f"build stored, so the bars are computed among those {stored} only, renormalized to 100 % (the model "
               f"gives them {percent(1 - rest)}). Load the real model for the numbers over its whole vocabulary.")
    output = (bars(rows) + live_fence.rest_bar(out["rest"], out["rest_after"])
              + f'<p class="demo-inexact"{"" if not out["exact"] else " hidden"}>{e(inexact)}</p>'
              + f'<p class="demo-numbers">{e(out["numbers"])}</p>'
              + '<p class="demo-drawn" hidden></p>'
              + '<ol class="demo-draws" aria-label="sampled tokens"></ol>')
    # candidates: the bars (live.js shows as many rows); beyond: held past them (sampling-widget.js)
    data = {"prompt": o["prompt"], "candidates": cands, "beyond": held_cands[n:], "rest": rest, "entropy": entropy}
    note = (f"The model's {n} most likely next tokens with their real probabilities ({percent(1 - out['rest'])} "
            f"together; all other tokens {percent(out['rest'])}). Green: likely, red: unlikely; grey bars are cut. "
            f"Before the real model is loaded, bars and draws come from its {stored} most likely tokens "
            f"({percent(1 - rest)} of its probability), computed as llama.cpp would unless a note says otherwise.")
    return shell("sampling", f"Next token after “{o['prompt']}”", data, controls, output, note)


def render_code(o, next_tokens) -> str:
    cands = [{"id": t["id"], "text": t["text"], "logprob": t["logprob"]} for t in next_tokens["top"]]
    result = web.run_code(CODE, cands, o["temperature"], o["top_k"], o["top_p"], o["min_p"])
    rows = [{"id": i, "label": r["label"], "kept": True, "prob": r["prob"], "tempered": r["prob"]}
            for i, r in enumerate(result["rows"])]
    controls = (f'<label class="demo-field demo-code-field"><span>Your sampling function (Python)</span>'
                f'<textarea name="code" rows="16" spellcheck="false">{e(CODE)}</textarea></label>'
                + cut_controls(o, len(cands))
                + buttons(preset_button(), '<button type="button" name="run">Run</button>'))
    output = '<pre class="demo-error" hidden></pre>' + bars(rows)
    data = {"prompt": o["prompt"], "candidates": cands}
    # the function sees the model's top tokens only: say so, with how much of the model they hold
    held = percent(1 - next_tokens.get("rest", 0.0))
    return shell("code", f"Edit the sampler: next token after “{o['prompt']}”", data, controls, output,
                 f"Your function gets the model's {len(cands)} most likely tokens ({held} of its probability), so "
                 f"the bars are renormalized among those {len(cands)}, not over the whole vocabulary. softmax() and "
                 "the other helpers of demos/sampling.py are available. A run that takes over 5 seconds is stopped.")


def render_ngram(o, corpus: str) -> str:
    model = web.ngram.NGram(o["n"], o["level"]).train(corpus)
    out = web.ngram_output(o["prompt"], o["length"], o["temperature"], o["seed"], model=model)
    level = "".join(f'<option value="{v}"{" selected" if v == o["level"] else ""}>{label}</option>'
                    for v, label in (("char", "characters"), ("word", "words")))
    controls = (f'<label class="demo-field demo-corpus-field"><span>Corpus (paste your own text)</span>'
                f'<textarea name="corpus" rows="6" spellcheck="false">{e(corpus)}</textarea></label>'
                + slider("n", "n", 1, 6, 1, o["n"])
                + f'<label class="demo-field"><span>Tokens</span><select name="level">{level}</select></label>'
                + temperature_slider(o["temperature"])
                + number("length", "Length", 1, 1000, o["length"])
                + number("seed", "Seed", 0, 999999, o["seed"])
                + f'<label class="demo-field"><span>Start with</span><input type="text" name="prompt" '
                  f'value="{e(o["prompt"])}"></label>'
                + '<button type="button" name="generate">Generate</button>'
                + '<button type="button" name="cancel" hidden>Cancel</button>'
                + '<progress class="demo-progress" max="1" value="0" hidden></progress>')
    output = (f'<pre class="demo-text">{e(out["text"])}</pre>'
              f'<p class="demo-context">Next token after “<span class="demo-ctx">{e(out["context"])}</span>”:</p>'
              + bars([{"id": k, "label": r["label"], "kept": True, "prob": r["prob"], "tempered": r["prob"]}
                      for k, r in enumerate(out["next"])]))
    data = {"n": o["n"], "level": o["level"]}
    note = (f"Trained at build time on slides/{o['corpus']} ({len(corpus):,} characters, "
            f"{out['size']:,} distinct {o['n']}-grams).")
    return shell("ngram", f"A {o['n']}-gram model", data, controls, output, note)


def render_tokenizer(o, tokens, info) -> str:
    """A textarea (multi-line, tabs kept) over the token chips; `info` names the tokenizer
    ({"type", "pre", "family"}, plus "unsupported" when the browser can't run it)."""
    kind = info["type"] + (f", pre-tokenizer {info['pre']}" if info.get("pre") and info["type"] == "gpt2" else "")
    # the HTML parser drops one newline right after <textarea>: give it one so the text keeps its own
    readonly = " readonly" if info.get("unsupported") else ""
    controls = (f'<label class="demo-field demo-text-field"><span>Text</span>'
                f'<textarea name="text" rows="4" spellcheck="false"{readonly}>\n{e(o["text"])}</textarea></label>')
    output = token_spans(tokens) + f'<p class="demo-count">{len(tokens)} tokens</p>'
    if info.get("unsupported"):
        return shell("tokenizer", f"The model's own tokenizer ({kind})", {"text": o["text"]}, controls, output,
                     f"These are llama.cpp's ids, computed when the deck was built. The live tokenizer does "
                     f"not support this model's tokenizer type ({info['type']}).",
                     status="Static: llama.cpp's ids from the build.")
    return shell("tokenizer", f"The model's own tokenizer: {kind} ({info['family']})", {"text": o["text"]},
                 controls, output,
                 "Live ids come from demos/tokenizers, Python in your browser; tests check them against "
                 "llama.cpp's own ids (tests/test_tokenizers.py, on llama.cpp's tokenizer test strings).")


def render_beam(o, snapshot) -> str:
    result = web.beam_rows(snapshot, o["width"], o["depth"], o["seed"])
    controls = (slider("width", "Beam width", 1, o["width"], 1, o["width"])
                + slider("depth", "Length (tokens)", 1, o["depth"], 1, o["depth"])
                + number("seed", "Seed (sampled path)", 0, 999999, o["seed"]))
    data = {"prompt": o["prompt"], "snapshot": {"expansions": snapshot["expansions"]}}
    return shell("beam", f"Beam search after “{o['prompt']}”", data, controls, beam_table(result),
                 "Replays the model's recorded choices: the top children of every prefix any search expands. "
                 "The sampled path draws each step among those recorded children only (renormalized), not the "
                 "whole vocabulary; every log-prob shown is the model's.")


def beam_table(result) -> str:
    rows = [("beam", b) for b in result["beams"]] + [("greedy", result["greedy"]), ("sampled", result["sampled"])]
    body = "".join(f'<tr data-kind="{k}"><th scope="row">{k}</th>'
                   f'<td class="demo-beam-text">{e(vocabulary.label(r["text"]))}</td>'
                   f'<td class="demo-num">{vocabulary.fixed(r["logprob"], 2)}</td>'
                   f'<td class="demo-num">{percent(r["prob"])}</td></tr>'
                   for k, r in rows)
    return ('<table class="demo-beams"><thead><tr><th scope="col">path</th><th scope="col">continuation</th>'
            f'<th scope="col">log-prob</th><th scope="col">prob</th></tr></thead><tbody>{body}</tbody></table>')
