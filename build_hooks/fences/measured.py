"""HTML for the snapshots that measure the talk's claims on the deck's model: embeddings, haystack, prompting.

Pure functions of a snapshot's data (build_hooks/model/embeddings.py, haystack.py, prompting.py
compute it), in the shapes fences/snapshot.py gives the other kinds: a <figure> holding a table,
every model string escaped, and a caption naming the model. A result is never colour alone: a
cell says "found" / "missed" (or ✓ / ✗ with a label), so it reads in greyscale and to a screen reader.

Example:
>>> cell(True, "7481")
'<td class="snap-hit" aria-label="found: 7481">✓ 7481</td>'
"""

from __future__ import annotations

import html

from build_hooks.fences.snapshot import figure, model_line, plain, visible


def cell(ok: bool, text: str, title: str | None = None, words=("found", "missed")) -> str:
    """A right (✓) or wrong (✗) result with what the model said; `title` (hover) holds its whole output."""
    label = f"{words[0] if ok else words[1]}: {text}" if text else (words[0] if ok else words[1])
    tip = f' title="{html.escape(title)}"' if title else ""
    return (f'<td class="{"snap-hit" if ok else "snap-miss"}"{tip} aria-label="{html.escape(label)}">'
            f'{"✓" if ok else "✗"} {html.escape(text)}</td>'.replace(" </td>", "</td>"))


def _table(name: str, head: list[str], rows: list[str]) -> str:
    heads = "".join(h if h.startswith("<th") else f"<th>{h}</th>" for h in head)
    return (f'<table class="snap-table snap-{name}"><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _neighbours(entries: list[dict]) -> str:
    return " ".join(f'<span class="snap-nb"><code class="snap-token">{visible(e["text"])}</code> '
                    f'<span class="snap-num">{e["similarity"]:.2f}</span></span>' for e in entries)


def _word_cells(w: dict) -> str:
    """A word's token and id cells: one token, or the tokens whose mean row stands for it."""
    if "id" in w:
        return f'<td><code class="snap-token">{visible(w["text"])}</code></td><td class="snap-id">{w["id"]}</td>'
    pieces = "".join(f'<code class="snap-token">{visible(t)}</code>' for t in w["pieces"])
    return f'<td>{pieces}</td><td class="snap-id">({len(w["ids"])} tokens, mean)</td>'


def render_embeddings(data: dict, display: dict) -> str:
    rows = [f'<tr>{_word_cells(w)}<td>{_neighbours(w["neighbours"])}</td></tr>' for w in data["words"]]
    for a in data["analogies"]:
        expr = " ".join(f'{"−" if t["sign"] < 0 else ("+" if k else "")} {html.escape(t["word"])}'.strip()
                        + ("" if "id" in t else f' ({len(t["ids"])} tokens, mean)') for k, t in enumerate(a["terms"]))
        rows.append(f'<tr class="snap-analogy"><td colspan="2">{expr}</td><td>{_neighbours(a["neighbours"])}</td></tr>')
    table = _table("embeddings", ["token", "id", "nearest tokens (cosine similarity)"], rows)
    means = any("id" not in t for t in data["words"] + [t for a in data["analogies"] for t in a["terms"]])
    mean = (" A word the vocabulary does not hold whole is the mean of its tokens' rows, marked "
            "(N tokens, mean); its own tokens are left out." if means else "")
    cap = (f'The {data["top"]} row(s) nearest to each token in the model\'s own input embedding table '
           f'({html.escape(data["tensor"])}, {data["rows"]:,} × {data["dims"]}, read with gguf-py); '
           f'an analogy adds and subtracts rows, its own words left out.{mean} {model_line(data)}')
    return figure("embeddings", table, cap, display)


def _capped(data: dict) -> str:
    """What the caption says when lengths were cut to the model's training context (else nothing).

    Example:
    >>> _capped({"lengths": [128, 1990], "capped": {"requested": [128, 2048, 4096], "n_ctx_train": 2048}})
    " Asked for 128, 2,048, 4,096 tokens: cut to 128, 1,990 to fit the model's 2,048-token training context."
    """
    if "capped" not in data:
        return ""
    asked = ", ".join(f"{n:,}" for n in data["capped"]["requested"])
    return (f" Asked for {asked} tokens: cut to {', '.join(f'{n:,}' for n in data['lengths'])} to fit the "
            f"model's {data['capped']['n_ctx_train']:,}-token training context.")


def render_haystack(data: dict, display: dict) -> str:
    lengths, depths = data["lengths"], sorted(data["depths"])
    by = {(c["length"], c["depth"]): c for c in data["cells"]}
    rows = []
    for d in depths:
        cells = "".join(cell(by[n, d]["found"], "", f'answered: {by[n, d]["output"].strip()!r} '
                             f'({by[n, d]["n_tokens"]:,} tokens)') for n in lengths)
        rows.append(f'<tr><th class="snap-num">{100 * d:.0f}%</th>{cells}</tr>')
    table = _table("haystack", ["depth"] + [f'<th class="snap-num">{n:,}</th>' for n in lengths], rows)
    cap = (f'Needle <q>{plain(data["needle"])}</q> at each depth of {html.escape(data["filler"])} (cycled) of '
           f'each length in tokens; then <q>{plain(data["question"])}</q>. ✓: the greedy answer starts with '
           f'{html.escape(data["answer"])} ({data["found"]} of {len(data["cells"])}).{_capped(data)} '
           f'{model_line(data)}')
    return figure("haystack", table, cap, display)


RIGHT = ("right", "wrong")


def render_prompting(data: dict, display: dict) -> str:
    rows = []
    for p in data["problems"]:
        d, s = p["direct"], p["step"]
        rows.append(f'<tr><td>{plain(p["question"])} <span class="snap-num">= {html.escape(p["answer"])}</span></td>'
                    f'{cell(d["correct"], d["read"] or "none", d["output"].strip(), RIGHT)}'
                    f'{cell(s["correct"], s["read"] or "none", s["output"].strip(), RIGHT)}</tr>')
    n = len(data["problems"])
    rows.append(f'<tr class="snap-rest"><td>right</td><td class="snap-num">{data["direct_correct"]} of {n}</td>'
                f'<td class="snap-num">{data["step_correct"]} of {n}</td></tr>')
    table = _table("prompting", ["problem = answer", "direct", "step by step"], rows)
    cap = ('Greedy: <q>The answer (arabic numerals) is</q> at once, or <q>Let\'s think step by step.</q> '
           f'(zero-shot, Kojima et al. 2022; {data["reasoning_tokens"]} tokens), then the number. {model_line(data)}')
    return figure("prompting", table, cap, display)


RENDERERS = {"embeddings": render_embeddings, "haystack": render_haystack, "prompting": render_prompting}
