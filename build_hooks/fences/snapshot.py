"""The `snapshot` fence: options in, HTML of what the model said out. Pure functions.

    ```snapshot next_tokens
    prompt: "The cat sat on the"
    top: 10
    ```

The first word after `snapshot` is the kind; the body is YAML options (see
build_hooks/snapshots/kinds.py for each kind's options and defaults), plus the display option
`caption`. Every model string is escaped (parts.escape: html.escape, and \\r as &#13;) and
whitespace inside tokens is made visible (␣ for a space, ↵ for a newline, ⇥ for a tab:
demos/vocabulary.py, the deck's one rule).

Example:
>>> parse("next_tokens", 'prompt: "The cat sat on the"')
('next_tokens', {'prompt': 'The cat sat on the'}, {})
>>> visible(" cat\\n")
'<span class="snap-ws" title="space">␣</span>cat<span class="snap-ws" title="newline">↵</span>'
"""

import json
import math

from build_hooks import schema
from build_hooks.fences import live
from build_hooks.fences.parts import escape, js_number
from build_hooks.snapshots.kinds import normalize
from demos import spread, vocabulary

DISPLAY = {"caption": (str, None, None, "text")}     # shown with the snapshot, not part of its key
FENCE_KINDS = ("next_tokens", "completion", "tokens", "beam", "score", "model_card", "quant_study",
               "embeddings", "haystack", "prompting")      # the last three render in fences/measured.py


def parse(kind: str | None, body: str, defaults: dict | None = None, *, path: str = "",
          line: int = 1) -> tuple[str, dict, dict]:
    """Split a fence into (kind, model params, display options); an option the fence leaves out comes
    from the talk's `defaults` (slides/data/fences.yml), then from the kind. Raises ValueError saying the
    fix; `path` and `line` place the body (its file, the line under the fence) for a YAML error."""
    if not kind:
        raise ValueError(f"a snapshot fence needs a kind after `snapshot`, one of: {', '.join(FENCE_KINDS)}")
    if kind not in FENCE_KINDS:
        raise ValueError(f"unknown snapshot kind `{kind}`; use one of: {', '.join(FENCE_KINDS)}")
    options = {**(defaults or {}), **schema.mapping(body, f"snapshot {kind}", path=path, line=line)}
    display = schema.check(DISPLAY, {k: options.pop(k) for k in list(options) if k in DISPLAY},
                           f"snapshot {kind}", fill=False)
    normalize(kind, options)      # raises ValueError naming the bad option
    return kind, options, display


# Rendering ------------------------------------------------------------------------------------

WS = vocabulary.WHITESPACE


def visible(text: str) -> str:
    """Escape a token and make its whitespace visible."""
    if text == "":
        return f'<span class="snap-ws" title="empty">{vocabulary.EMPTY}</span>'
    out = []
    for ch in text:
        if ch in WS:
            sym, name = WS[ch]
            out.append(f'<span class="snap-ws" title="{name}">{sym}</span>')
        else:
            out.append(escape(ch))
    return "".join(out)


def plain(text: str) -> str:
    """Escape running text (a prompt, a continuation): spaces stay spaces, newlines show as ↵."""
    return escape(text).replace("\n", '<span class="snap-ws" title="newline">↵</span>')


pct, hue = vocabulary.percent, vocabulary.hue      # the deck's one rule for each (demos/vocabulary.py)


def model_name(data: dict) -> str:
    """The readable name: plugins.deck.model_name or the one derived from the GGUF (the pipeline sets
    `display_name`), else what the snapshot recorded."""
    m = data.get("model") or {}
    return m.get("display_name") or m.get("name") or "?"


def model_line(data: dict) -> str:
    m = data.get("model") or {}
    return escape(f"{model_name(data)} ({m.get('quantization', '?')})")


def figure(kind: str, body: str, caption: str, display: dict, attrs: str = "") -> str:
    cap = escape(display["caption"]) if "caption" in display else caption
    return (f'<figure class="snapshot snapshot-{kind.replace("_", "-")}"{attrs}>{body}'
            f'<figcaption>{cap}</figcaption></figure>')


def render(kind: str, data: dict, display: dict | None = None) -> str:
    return RENDERERS[kind](data, display or {})


def render_next_tokens(data, display):
    rows = []
    for rank, e in enumerate(data["top"], 1):
        rows.append(
            f'<tr><td class="snap-rank">{rank}</td><td><code class="snap-token">{visible(e["text"])}</code></td>'
            f'<td class="snap-id">{e["id"]}</td><td class="snap-prob"><span class="snap-bar" '
            f'style="--snap-p: {vocabulary.fixed(100 * e["prob"], 2)}; --snap-hue: {hue(e["prob"])}"></span>'
            f'<span class="snap-num">{pct(e["prob"])}</span></td>'
            f'<td class="snap-logprob">{e["logprob"]:.2f}</td></tr>')
    rows.append(f'<tr class="snap-rest"><td></td><td colspan="2">all other tokens</td><td class="snap-prob">'
                f'<span class="snap-bar" style="--snap-p: {vocabulary.fixed(100 * data["rest"], 2)}; '
                f'--snap-hue: 230"></span>'
                f'<span class="snap-num">{pct(data["rest"])}</span></td><td></td></tr>')
    table = ('<table class="snap-table"><thead><tr><th>#</th><th>next token</th><th>id</th><th>probability</th>'
             '<th>log p</th></tr></thead><tbody>' + "".join(rows) + "</tbody>" + entropy_foot(data) + "</table>")
    cap = f'What comes after <q>{plain(data["prompt"])}</q>? {model_line(data)}'
    return figure("next_tokens", table, cap, display)


def entropy_foot(data) -> str:
    """The whole distribution in two numbers, under the table: its entropy over every token of the
    vocabulary (recorded by the build, not computed from the rows shown) and 2 ** entropy."""
    if data.get("entropy_bits") is None:
        return ""
    bits = data["entropy_bits"]
    return (f'<tfoot><tr class="snap-entropy"><td colspan="5">Entropy over all tokens: {bits:.2f} bits, as unsure as '
            f'a fair pick among {spread.choices(bits)} tokens (2<sup>{bits:.2f}</sup>)</td></tr></tfoot>')


def token_button(step: dict) -> str:
    """One generated token: coloured by probability, the number in its label, top-5 on hover/focus/click.
    The page draws the live model's tokens with assets/snapshots.js's tokenButton(), the same HTML."""
    alts = "".join(
        f'<span class="snap-alt{" snap-chosen" if a["id"] == step["id"] else ""}">'
        f'<code class="snap-token">{visible(a["text"])}</code> <span class="snap-num">{pct(a["prob"])}</span></span>'
        for a in step["top"])
    if all(a["id"] != step["id"] for a in step["top"]):
        alts += (f'<span class="snap-alt snap-chosen"><code class="snap-token">{visible(step["text"])}</code> '
                 f'<span class="snap-num">{pct(step["prob"])}</span> (chosen)</span>')
    label = escape(f"{vocabulary.quoted(step['text'])}: probability {pct(step['prob'])}")
    unsure = " snap-unsure" if step["prob"] < 0.2 else ""
    return (f'<button type="button" class="snap-tok{unsure}" style="--snap-hue: {hue(step["prob"])}" '
            f'aria-expanded="false" data-token-id="{int(step["id"])}" data-prob="{js_number(step["prob"])}" '
            f'aria-label="{label}">{plain(step["text"])}'
            f'<span class="snap-tip" role="tooltip"><span class="snap-tip-p">p = {pct(step["prob"])}</span>'
            f'<span class="snap-tip-h">top 5 at this step</span>{alts}</span></button>')


def render_completion(data, display, params=None, live_cfg=None):
    """The runs as token buttons. With the fence's `params` (its settings) each run also carries what
    branching needs (live-branch.js, once the reader's model is live): the prompt (the figure's
    data-prompt), the run's token ids (data-token-ids) and settings (data-temperature, data-top-k,
    data-top-p, data-min-p, data-seed, data-n). `live_cfg` (the page's live model) adds how to branch
    and the opt-in panel; without it nothing says "load" where nothing can be loaded."""
    runs = []
    for run in data["runs"]:
        toks = "".join(token_button(s) for s in run["tokens"])
        as_text = " · ".join(f'{escape(repr(s["text"]))} {escape(pct(s["prob"]))}' for s in run["tokens"])
        ids = json.dumps([s["id"] for s in run["tokens"]], separators=(",", ":"))    # as JSON.stringify writes it
        attrs, line = "", ""
        if params is not None:
            attrs = "".join(f' data-{k}="{v}"' for k, v in run_settings(run, normalize("completion", params)).items())
            line = f' data-token-ids="{ids}"'
        runs.append(
            f'<div class="snap-run"{attrs}><div class="snap-run-label">{escape(run["label"])}</div>'
            f'<p class="snap-completion"{line}><span class="snap-prompt">{plain(data["prompt"])}</span>{toks}</p>'
            f'<details class="snap-astext"><summary>probabilities as text</summary><p>{as_text}</p></details>'
            f'</div>')
    cap = (f"Completions of <q>{plain(data['prompt'])}</q>, each token coloured by its probability "
           f"(red unsure, green sure; hover, focus or click a token for its top-5 alternatives). {model_line(data)}")
    body = "".join(runs)
    if params is not None and live_cfg is not None:
        body += live.branch_offer(live_cfg)
    prompt = f' data-prompt="{escape(data["prompt"])}"' if params is not None else ""
    return figure("completion", body, cap, display, prompt)


def run_settings(run: dict, params: dict) -> dict:
    """A run's settings as live-branch.js reads them (data-* attributes): its temperature and seed
    (none for greedy), the fence's cuts and its token count.

    Example:
    >>> run_settings({"temperature": 0.7, "seed": 42}, {"top_k": 0, "top_p": 1.0, "min_p": 0.05, "max_tokens": 12})
    {'temperature': '0.7', 'top-k': '0', 'top-p': '1', 'min-p': '0.05', 'seed': '42', 'n': '12'}
    """
    seed = run.get("seed")
    return {"temperature": f"{run['temperature']:g}", "top-k": str(params["top_k"]), "top-p": f"{params['top_p']:g}",
            "min-p": f"{params['min_p']:g}", "seed": "" if seed is None else str(seed), "n": str(params["max_tokens"])}


def render_tokens(data, display):
    pieces = "".join(
        f'<span class="snap-piece"><code class="snap-token">{visible(p)}</code><span class="snap-id">{i}</span></span>'
        for i, p in zip(data["ids"], data["pieces"]))
    cap = (f'<q>{plain(data["text"])}</q>: {len(data["text"])} characters, {len(data["ids"])} tokens. '
           f'{model_line(data)}')
    return figure("tokens", f'<div class="snap-pieces">{pieces}</div>', cap, display)


def render_beam(data, display):
    rows = []
    for width, beams in data["beams"].items():
        for j, b in enumerate(beams):
            rows.append(f'<tr><td>{width if j == 0 else ""}</td><td>{plain(b["text"])}'
                        f'</td><td class="snap-logprob">{b["logprob"]:.2f}</td>'
                        f'<td class="snap-num">{pct(math.exp(b["logprob"]))}</td></tr>')
    table = snap_table(["width", "continuation", "total log p", "probability"], rows)
    cap = (f"Beam search from <q>{plain(data['prompt'])}</q>, depth {data['depth']}: the beams kept at widths "
           f"1 to {data['width']} (width 1 is greedy). {model_line(data)}")
    return figure("beam", table, cap, display)


def snap_table(headers, rows, cls="snap-table") -> str:
    """A table with one header row over `rows` (each a finished <tr>)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def one_in(p: float) -> str:
    """A small probability as odds a listener can picture.

    Example:
    >>> one_in(0.5), one_in(0.0004)
    ('', ' (1 in 2,500)')
    """
    return f" (1 in {round(1 / p):,})" if 0 < p < 0.1 else ""


def render_score(data, display):
    def row(first, token, prob, logprob, cls=""):
        return (f'<tr{cls}><td>{first}</td><td>{token}</td><td class="snap-num">{prob}</td>'
                f'<td class="snap-logprob">{logprob:.2f}</td></tr>')

    rows = []
    for c in data["continuations"]:
        rows += [row(f"<q>{plain(c['text'])}</q>" if j == 0 else "",
                     f'<code class="snap-token">{visible(t["text"])}</code>', pct(t["prob"]), t["logprob"])
                 for j, t in enumerate(c["tokens"])]
        rows.append(row("", f"product of {len(c['tokens'])}", pct(c["prob"]) + one_in(c["prob"]), c["logprob"],
                        ' class="snap-product"'))
    table = snap_table(["continuation", "token", "probability", "log p"], rows, "snap-table snap-score")
    cap = (f"How likely is each continuation after <q>{plain(data['prompt'])}</q>? Each token's probability given the "
           f"prompt and the tokens before it; the continuation's is their product (log p: their sum). "
           f"{model_line(data)}")
    return figure("score", table, cap, display)


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def render_model_card(data, display):
    name = model_name(data)
    rows = [("name", name), ("GGUF general.name", data["name"] if data["name"] != name else None),
            ("by", data.get("organization")), ("license", data.get("license")),
            ("architecture", data["architecture"]), ("parameters", f'{data["parameters"]:,}'),
            ("layers", data["layers"]), ("context length", f'{data["context_length"]:,} tokens'),
            ("vocabulary",
             f'{data["vocab_size"]:,} tokens ({data["tokenizer"]}, pre-tokenizer {data["pre_tokenizer"]})'),
            ("quantization", f'{data["quantization"]}: {data["bits_per_weight"]:.2f} bits per weight on average'),
            ("tensor types", ", ".join(f"{k} × {v}" for k, v in data["tensor_types"].items())),
            ("file size", mb(data["file_size"]))]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                   for k, v in rows if v is not None)
    return figure("model_card", f'<table class="snap-table snap-card"><tbody>{body}</tbody></table>',
                  "Read from the GGUF file's own metadata at build time.", display)


def render_quant_study(data, display):
    src = data["source"]
    rows = [f'<tr><td>{escape(src["type"])} (source)</td><td>{mb(src["file_size"])}</td>'
            f'<td>{src["bits_per_weight"]:.2f}</td><td>0</td><td>100%</td><td>{src["perplexity"]:.1f}</td></tr>']
    for v in data["variants"]:
        rows.append(f'<tr><td>{escape(v["type"])}</td><td>{mb(v["file_size"])}</td>'
                    f'<td>{v["bits_per_weight"]:.2f}</td><td>{v["kl_mean_bits"]:.3f}</td>'
                    f'<td>{100 * v["top1_agreement"]:.0f}%</td><td>{v["perplexity"]:.1f}</td></tr>')
    table = ('<table class="snap-table"><thead><tr><th>type</th><th>file</th><th>bits / weight</th>'
             '<th>KL from source (bits)</th><th>same top token</th><th>perplexity</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>")
    cap = (f'{escape(data["note"])} KL averaged over {len(data["prompts"])} prompts; perplexity on a '
           f'{len(data["passage"].split())}-word passage. {model_line(data)}')
    return figure("quant_study", table, cap, display)


RENDERERS = {"next_tokens": render_next_tokens, "completion": render_completion, "tokens": render_tokens,
             "beam": render_beam, "score": render_score, "model_card": render_model_card,
             "quant_study": render_quant_study}
