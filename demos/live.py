"""The live model's numbers, shaped for the page.

llama.cpp runs in the reader's browser (wllama) and hands over the model's next-token
distribution over the WHOLE vocabulary: token ids and their probabilities at T = 1. Here the
deck's one definition of sampling (demos.sampling: top-k, then top-p on the model's own
probabilities, temperature last) turns it into what the widget shows and what "generate" draws.
The browser engine computes; this file only decides, so the page and the slides can never
disagree about what sampling means.
"""

import math
import random

from demos import sampling


def _scores(ids, probs):
    """Log-probabilities of the tokens the model gives any probability at all (float32 can round
    the least likely ones to exactly 0: they could never be drawn at T <= 1 anyway)."""
    kept = [(i, p) for i, p in zip(ids, probs) if p > 0]
    return [i for i, _ in kept], [math.log(p) for _, p in kept], [p for _, p in kept]


def rows(ids, probs, temperature=1.0, top_k=0, top_p=1.0, top=10):
    """The top tokens with their T = 1 probability and their probability after sampling.

    ids, probs: the model's distribution (any order, every token of the vocabulary for exact
    cuts). Returns {"rows": [{"id", "prob", "kept", "after"}], "rest", "rest_after", "kept"}:
    rest is the T = 1 mass of every token not in rows, rest_after the same after sampling.

    Example:
    >>> out = rows([3, 7, 9], [0.6, 0.3, 0.1], top_k=2, top=1)
    >>> [(r["id"], r["prob"], round(r["after"], 3)) for r in out["rows"]], round(out["rest_after"], 3)
    ([(3, 0.6, 0.667)], 0.333)
    """
    ids, scores, probs = _scores(ids, probs)
    after = dict(sampling.distribution(scores, temperature, int(top_k or 0), float(top_p)))
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:int(top)]
    out = [{"id": ids[i], "prob": probs[i], "kept": i in after, "after": after.get(i, 0.0)} for i in order]
    return {"rows": out, "rest": max(0.0, 1.0 - sum(r["prob"] for r in out)),
            "rest_after": max(0.0, 1.0 - sum(r["after"] for r in out)), "kept": len(after)}


def draw(ids, probs, temperature=1.0, top_k=0, top_p=1.0, seed=0, step=0):
    """One seeded draw for step `step` of a generation: the chosen token and the top 5 it beat.

    The same seed, step and distribution always give the same token (each step has its own
    random stream, so regenerating from step 3 does not replay step 0's number).

    Example:
    >>> draw([3, 7], [0.6, 0.4], temperature=0)["id"]
    3
    >>> draw([3, 7], [0.6, 0.4], seed=1)["id"] == draw([3, 7], [0.6, 0.4], seed=1)["id"]
    True
    """
    ids, scores, probs = _scores(ids, probs)
    kept = sampling.distribution(scores, temperature, int(top_k or 0), float(top_p))
    rng = random.Random(int(seed) * 1_000_003 + int(step))
    index, u = sampling.draw(kept, rng)
    top = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:5]
    return {"id": ids[index], "prob": probs[index], "u": u, "after": dict(kept)[index],
            "top": [{"id": ids[i], "prob": probs[i]} for i in top]}
