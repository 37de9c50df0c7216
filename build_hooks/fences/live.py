"""The `demo live` widget and the opt-in panel every live-capable widget carries.

    ```demo live
    prompt: "The cat sat on the"
    top: 10
    ```

Static render (no JavaScript, nothing fetched): the build model's next-token table for the
prompt at T = 1 with an "all other tokens" row, from a `next_tokens` snapshot. The opt-in button
("Load the real model: 98 MB, once, then cached in your browser") hands over to live.js, which
runs the same GGUF with llama.cpp in WebAssembly and fills the table for any typed prompt.

DOM contract (tests rely on it): `.demo[data-demo="live"]`, a button `name="load"`,
data-state "static" -> "loading" -> "live" (or "error"/"unavailable" with the reason in words),
rows `tr[data-token-id][data-prob]` (the model's T = 1 probability), a textarea `name="prompt"`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from build_hooks.fences.parts import data_script, e, fixed, hue, js_number, number, percent
from demos import vocabulary

# Measured by bench/precision.py (its file: bench/live_precision.json, with the command that
# remakes it): the browser's llama.cpp (wllama's, older) and the build's llama-cpp-python take other
# arithmetic paths (SIMD width, accumulation order, attention kernel: flash attention alone moves a
# probability by 0.02 natively). Two candidates closer than that can swap, so a greedy text can
# take another path there. tests/test_precision_browser.py holds the stated maximum on fresh prompts.
MEASURED = Path(__file__).resolve().parents[2] / "bench" / "live_precision.json"


def precision(measured: Path = MEASURED) -> str:
    """The widget's precision line, from the measurement: median, 95th percentile, maximum rounded up.

    Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "m.json"
    >>> _ = path.write_text('{"median": 0.00412, "p95": 0.0307, "max": 0.05541, "prompts": 208}')
    >>> precision(path).split(": ", 1)[1]
    'top 10 typically within 0.005 (95%: 0.031), at most 0.056 on 208 prompts measured; closer tokens can swap.'
    """
    lead = "Live numbers differ from llama-cpp-python's by arithmetic precision"
    if not measured.exists():              # a packaged install carries no bench/: no number it cannot stand behind
        return f"{lead}, not by a bug; closer tokens can swap."
    m = json.loads(measured.read_text(encoding="utf-8"))
    up = {k: math.ceil(m[k] * 1000) / 1000 for k in ("median", "p95", "max")}     # "within": rounded up
    return (f"{lead}: top 10 typically within {up['median']:.3f} (95%: {up['p95']:.3f}), at most {up['max']:.3f} "
            f"on {m['prompts']} prompts measured; closer tokens can swap.")


# Filled by live-branch.js once live: the path shown and its alternatives (branching), a typed
# continuation's score and 1,000 draws. Empty (hidden) in the static render: no number to stand behind.
LIVE_PARTS = ('<div class="demo-live-branch" hidden><p class="demo-live-path" aria-live="polite" tabindex="-1"></p>'
              '<button type="button" name="back" hidden>Back to the previous path</button>'
              '<div class="demo-live-alts" role="group" hidden></div></div>'
              '<table class="snap-table demo-live-score" hidden><caption></caption><thead><tr>'
              '<th scope="col">#</th><th scope="col">token</th><th scope="col">id</th>'
              '<th scope="col">probability</th><th scope="col">running product</th><th scope="col">log-prob</th>'
              '</tr></thead><tbody></tbody></table><p class="demo-live-score-total" hidden></p>'
              '<table class="snap-table demo-live-draws" hidden><caption></caption><thead><tr>'
              '<th scope="col">token</th><th scope="col">probability after sampling</th>'
              '<th scope="col">drawn</th><th scope="col">share of the draws</th></tr></thead><tbody></tbody></table>')


def config_script(cfg: dict) -> str:
    """The page's live-model config for live.js (the same on every widget; the first one wins)."""
    return data_script(cfg).replace('class="demo-data"', 'class="demo-live-config"')


def optin(cfg: dict) -> str:
    """The opt-in panel: a load button saying what it costs, a progress bar and a message line."""
    mb = round(cfg.get("bytes", 0) / 1e6)
    button = (f'<button type="button" name="load">Load the real model: {mb} MB, once, then cached in your browser'
              f'</button>' if cfg["status"] == "ready" else "")
    message = "" if cfg["status"] == "ready" else cfg.get("message", "")
    return (f'{config_script(cfg)}<div class="demo-live-optin">{button}'
            f'<progress class="demo-live-progress" max="1" value="0" hidden></progress>'
            f'<span class="demo-live-msg" role="status">{e(message)}</span></div>')


def branch_offer(cfg: dict) -> str:
    """Under a `completion` snapshot: how to branch from its texts (a one-line summary on a slide, the
    rest on request) and the opt-in panel."""
    return ('<details class="snap-branch-offer"><summary class="snap-branch-how">Branch at any token: load the real '
            'model</summary><p>These texts are the build\'s (llama-cpp-python on the deck\'s model). Loaded, the model '
            'runs in your browser: choose a token of a text for its alternatives there, pick one, and the model goes '
            'on from it with the run\'s settings. The text after a branch, and its numbers, come from your device, '
            f'not from the build; Back returns to the build\'s text. {e(precision())}</p>{optin(cfg)}</details>')


def rest_bar(rest, after) -> str:
    """The "all other tokens" row under the bars: the model's probability for the rest of its vocabulary."""
    shown = percent(after) if after is not None else "not computed"
    return (f'<ol class="demo-rest-bars"><li class="demo-bar demo-rest" data-prob="{rest}" '
            f'style="--p:{fixed(after if after is not None else rest, 4)};--hue:{hue(after or 0)}">'
            f'<span class="demo-label">all other tokens</span><span class="demo-track"><span class="demo-fill">'
            f'</span></span><span class="demo-num">{e(shown)}</span></li></ol>')


def table_row(k: int, r: dict, after: str) -> str:
    """Row k of the next-token table: token r ({id, label, prob}) and its "after sampling" text. The live
    model's rows are assets/snapshots.js tableRow(), the same HTML (tests/test_vocabulary_browser.py)."""
    return (f'<tr class="demo-live-row" data-token-id="{int(r["id"])}" data-prob="{js_number(r["prob"])}">'
            f'<td>{k}</td><td><code class="snap-token">{e(r["label"])}</code></td>'
            f'<td class="snap-id">{int(r["id"])}</td>'
            f'<td class="snap-prob"><span class="snap-bar" style="--snap-p: {fixed(100 * r["prob"], 2)}; '
            f'--snap-hue: {hue(r["prob"])}"></span><span class="snap-num">{percent(r["prob"])}</span></td>'
            f'<td class="demo-live-after snap-num">{e(after)}</td></tr>')


def table(rows, rest: float, n_vocab: int, identity: bool = True, prompt: str = "") -> str:
    """Next-token rows (T = 1) plus the rest of the vocabulary, one row per token, under a caption
    naming the prompt (data-prompt: the prompt these numbers are for). The "after sampling"
    column needs the whole vocabulary: before loading it is filled only when the settings change
    nothing (T = 1, no cut)."""
    after = percent if identity else (lambda p: "load the model")
    body = "".join(table_row(k, r, after(r["prob"])) for k, r in enumerate(rows, 1))
    others = f" ({n_vocab - len(rows):,})" if n_vocab else ""
    body += (f'<tr class="snap-rest demo-live-rest" data-prob="{rest}"><td></td><td>all other tokens{others}</td>'
             f'<td></td><td class="snap-num">{percent(rest)}</td><td class="demo-live-after snap-num">'
             f'{after(rest)}</td></tr>')
    return (f'<table class="snap-table demo-live-table" data-prompt="{e(prompt)}" aria-busy="false">'
            f'<caption class="demo-live-caption">Next token after {e(vocabulary.excerpt(prompt))}</caption>'
            '<thead><tr><th scope="col">#</th><th scope="col">token</th>'
            '<th scope="col">id</th><th scope="col">probability (T = 1)</th><th scope="col">after sampling</th>'
            f'</tr></thead><tbody>{body}</tbody></table>')


def render_live(o: dict, next_tokens: dict, cfg: dict, n_vocab: int = 0) -> str:
    """The widget's HTML: the build's numbers for o["prompt"], controls that work once live."""
    from build_hooks.fences import demo  # (demo.py imports this module: at call time)

    rows = [{"id": t["id"], "label": vocabulary.label(t["text"]), "prob": t["prob"]} for t in next_tokens["top"]]
    rest = max(0.0, 1.0 - sum(r["prob"] for r in rows))
    # The controls run the real model: until it is live they are disabled (a fieldset), never
    # silently inert; live-widget.js enables them once the model has loaded.
    controls = (optin(cfg) + '<fieldset class="demo-live-controls" disabled>'
                + f'<label class="demo-field demo-text-field"><span>Prompt (any text)</span>'
                  f'<textarea name="prompt" rows="2" spellcheck="false">{e(o["prompt"])}</textarea></label>'
                + demo.cut_controls(o, 100)                    # (the sampling widget's: two to a row on a slide)
                + number("seed", "Seed", 0, 999999, o["seed"])
                + number("length", "Tokens", 1, 200, o["length"])
                + '<label class="demo-field demo-text-field"><span>Score a continuation</span>'
                  f'<input type="text" name="continuation" spellcheck="false" value="{e(o["continuation"])}"></label>'
                + demo.preset_button() + '<button type="button" name="generate">Generate</button>'
                + '<button type="button" name="draws">Draw 1,000 times</button>'
                + '<button type="button" name="score">Score</button></fieldset>')
    identity = o["temperature"] == 1 and o["top_k"] == 0 and o["top_p"] == 1 and o["min_p"] == 0
    output = (table(rows, rest, n_vocab, identity, o["prompt"])
              + '<p class="demo-live-kept"></p><pre class="demo-error demo-live-error" hidden></pre>'
              f'<p class="snap-completion demo-live-gen" aria-live="polite">'
              f'<span class="snap-prompt">{e(o["prompt"])}</span></p>'
              '<p class="demo-live-speed" aria-live="polite"></p>' + LIVE_PARTS)   # tokens/s, after a Generate
    # (the caption names the prompt and the status says whose numbers: the build's until loaded)
    note = "After sampling: top-k, then top-p, then min-p, then the temperature (demos/sampling.py)."
    data = {"prompt": o["prompt"], "top": o["top"]}
    title = "The real model, live: next token after your prompt"
    return (f'<div class="demo demo-live" data-demo="live" data-state="static">'
            f'<div class="demo-head"><span class="demo-title">{e(title)}</span>'
            f'<span class="demo-status" role="status" aria-live="polite">Static: the build\'s numbers for this '
            f'prompt. Load the real model to type your own.</span></div>'
            f'{data_script(data)}<div class="demo-controls">{controls}</div>'
            f'<div class="demo-output">{output}</div><p class="demo-note">{e(note)}</p>'
            f'<p class="demo-note demo-precision">{e(precision())}</p></div>')
