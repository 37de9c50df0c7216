"""Needle in a haystack on the deck's own model: hide one sentence in filler text, ask for it.

Gemini 1.5's report draws a grid: context length across, the needle's depth down, each cell
green when the model found it. This is the same test at the deck's scale. For each length L and
depth d:

    haystack = paragraphs of the filler, cycled until about L tokens, the needle after d of them
    prompt   = haystack + "\\n\\nQuestion: " + question + "\\nAnswer: " + prime
    output   = the model's greedy continuation (a few tokens)
    found    = output.strip() starts with the answer          (exact answer, nothing else counts)

Cells of one length share the filler before their needle, so they are run deepest first and
llama.cpp keeps the shared part in its cache (the prompt eval is the cost: about 3.5 L tokens per
length instead of 5 L).

Example:
>>> cut = haystack(["A.", "B.", "C.", "D."], [2, 2, 2, 2], 6, 0.5, "N.")
>>> cut
('A.\\n\\nB.\\n\\nN.\\n\\nC.', 2)
"""

from __future__ import annotations

import hashlib

TEMPLATE = "{haystack}\n\nQuestion: {question}\nAnswer: {prime}"


def paragraphs(text: str) -> list[str]:
    """The filler's paragraphs (blocks between blank lines), stripped."""
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def haystack(paras: list[str], sizes: list[int], length: int, depth: float, needle: str) -> tuple[str, int]:
    """About `length` tokens of paragraphs (cycled), with the needle after round(depth x count) of
    them; `sizes` are the paragraphs' token counts. Returns (text, paragraphs before the needle)."""
    chosen, total = [], 0
    while total < length:
        k = len(chosen) % len(paras)
        chosen.append(paras[k])
        total += sizes[k]
    at = round(depth * len(chosen))
    return "\n\n".join(chosen[:at] + [needle] + chosen[at:]), at


def found(output: str, answer: str) -> bool:
    """Example:
    >>> found(" 7481.\\n\\nThe answer", "7481"), found(" the secret number.", "7481")
    (True, False)
    """
    return output.strip().startswith(answer)


def fit(lengths: list[int], prompt_tokens, limit: int) -> list[int]:
    """Each length, cut (if needed) until its longest prompt, `prompt_tokens(length)`, fits in `limit`
    tokens; lengths that end up equal are kept once. A model trained on a shorter context than a
    length asks for is not asked past what it was trained on.

    Example:
    >>> fit([100, 200, 300], lambda n: n + 20, 250)
    [100, 200, 230]
    """
    out = []
    for length in lengths:
        cut = length
        while (over := prompt_tokens(cut) - limit) > 0:
            cut -= over
            if cut < 16:
                raise ValueError(f"haystack: the question, needle and answer alone fill the model's {limit}-token "
                                 "training context; use a shorter needle and question")
        if cut not in out:
            out.append(cut)
    return out


def run(model, filler: str, source: str, lengths: list[int], depths: list[float], needle: str, question: str,
        prime: str, answer: str, max_tokens: int, n_ctx_train: int) -> dict:
    """Every (length, depth) cell: its exact prompt, token count, greedy output and whether it found the answer.

    Lengths whose prompt (plus the answer's `max_tokens`) would pass the model's training context
    `n_ctx_train` are cut to fit; the data then says so under `capped` (requested lengths, n_ctx_train).
    """
    if not filler.strip():
        raise ValueError(f"haystack: the filler {source!r} is empty; point `filler` at a text file in slides/")
    paras = paragraphs(filler)
    sizes = [len(model.tokenize(p + "\n\n", prompt=False)) for p in paras]

    def prompt(length: int, depth: float) -> tuple[str, int]:
        text, before = haystack(paras, sizes, length, depth, needle)
        return TEMPLATE.format(haystack=text, question=question, prime=prime), before

    asked = lengths
    lengths = fit(lengths, lambda n: max(len(model.tokenize(prompt(n, d)[0])) for d in depths) + max_tokens,
                  n_ctx_train)
    cells = []
    for length in lengths:
        for depth in sorted(depths, reverse=True):          # deepest first: the next cell reuses the cache
            text, before = prompt(length, depth)
            ids = model.tokenize(text)
            if len(ids) + max_tokens > model.llm.n_ctx():
                raise ValueError(f"haystack: length {length} makes a prompt of {len(ids)} tokens, over the "
                                 f"{model.llm.n_ctx()}-token context it runs in; use shorter `lengths`")
            steps = model.generate(ids, max_tokens, 0.0, None)
            output = b"".join(model.piece(s["id"]) for s in steps if s["id"] not in model.eog)
            output = output.decode("utf-8", errors="replace")
            cells.append({"length": length, "depth": depth, "n_tokens": len(ids), "needle_after": before,
                          "prompt": text, "output": output, "found": found(output, answer)})
    cells.sort(key=lambda c: (c["length"], c["depth"]))
    capped = {"capped": {"requested": asked, "n_ctx_train": n_ctx_train}} if lengths != asked else {}
    return {"filler": source, "filler_sha256": hashlib.sha256(filler.encode()).hexdigest(),
            "template": TEMPLATE, "needle": needle, "question": question, "prime": prime, "answer": answer,
            "lengths": lengths, "depths": depths, "max_tokens": max_tokens, "cells": cells,
            "found": sum(c["found"] for c in cells), **capped}
