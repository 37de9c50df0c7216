"""The live model's numbers, shaped for the page.

llama.cpp runs in the reader's browser (wllama) and hands over the model's next-token
distribution over the WHOLE vocabulary: token ids and their probabilities at T = 1. Here the
deck's one definition of sampling (demos.sampling: top-k, then top-p on the model's own
probabilities, temperature last) turns it into what the widget shows and what "generate" draws.
The browser engine computes; this file only decides, so the page and the slides can never
disagree about what sampling means.
"""

import heapq
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
    after = dict(sampling.distribution(scores, float(temperature), int(top_k or 0), float(top_p)))
    order = _best(scores, int(top))
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
    kept = sampling.distribution(scores, float(temperature), int(top_k or 0), float(top_p))
    rng = random.Random(int(seed) * 1_000_003 + int(step))
    index, u = sampling.draw(kept, rng)
    after = next(q for i, q in kept if i == index)
    return {"id": ids[index], "prob": probs[index], "u": u, "after": after,
            "top": [{"id": ids[i], "prob": probs[i]} for i in _best(scores, 5)]}


def _best(scores, n):
    """Indices of the n highest scores, best first, ties in index order (as sampling ranks them);
    heapq: one pass over the 49k-token vocabulary instead of a full sort."""
    return heapq.nsmallest(n, range(len(scores)), key=lambda i: (-scores[i], i))


def shown_rows(candidates, rest, temperature=1.0, top_k=0, top_p=1.0):
    """Bars for a recorded top-N list (the build's snapshot) without the live model.

    candidates: [{"id", "text", "logprob"}], the model's N most likely tokens with their true
    log-probabilities; rest: the probability of every other token. Sampling is exact when the
    survivors all lie in the list: T = 0, top-k <= N, a top-p nucleus inside the list, or no
    change at all (T = 1, no cut). Otherwise "exact" is False: the numbers are computed among the
    N tokens only (renormalized to sum to 1), and the widget must say so.

    Example:
    >>> cands = [{"id": 5, "text": " a", "logprob": math.log(0.5)}, {"id": 9, "text": " b", "logprob": math.log(0.2)}]
    >>> out = shown_rows(cands, rest=0.3)
    >>> [round(r["prob"], 3) for r in out["rows"]], round(out["rest_after"], 3), out["exact"]
    ([0.5, 0.2], 0.3, True)
    >>> [round(r["prob"], 3) for r in shown_rows(cands, 0.3, top_p=0.6)["rows"]]    # nucleus: the first two
    [0.714, 0.286]
    >>> out = shown_rows(cands, 0.3, temperature=2)                                 # needs all 49k tokens
    >>> out["exact"], out["rest_after"], [round(r["prob"], 3) for r in out["rows"]]
    (False, None, [0.613, 0.387])
    """
    scores = [c["logprob"] for c in candidates]
    probs = [math.exp(s) for s in scores]
    t = float(temperature)                       # "inf" (the slider's last stop) reads as infinity
    k, p = int(top_k or 0), float(top_p)
    if t == 1 and k == 0 and p >= 1:                      # nothing changes: the model's own numbers
        return {"rows": [{"id": c["id"], "kept": True, "prob": q, "tempered": q} for c, q in zip(candidates, probs)],
                "rest": rest, "rest_after": rest, "exact": True}
    within = _survivors_within(probs, t, k, p)
    exact = within is not None
    if exact:              # every survivor is listed: cut the list there, sample as over the whole vocabulary
        kept = dict(sampling.distribution(scores[:within], t, k, p if k else 1.0))
    else:                  # survivors past the list: among the listed tokens only (the widget says so)
        kept = dict(sampling.distribution(scores, t, k, p))
    return {"rows": [{"id": c["id"], "kept": i in kept, "prob": kept.get(i, 0.0), "tempered": probs[i]}
                     for i, c in enumerate(candidates)],
            "rest": rest, "rest_after": 0.0 if exact else None, "exact": exact}


def _survivors_within(probs, temperature, top_k, top_p):
    """How many of the listed tokens hold every survivor of the cuts (None: tokens past the list survive)."""
    if temperature == 0:
        return 1
    if 0 < top_k <= len(probs):
        return top_k
    if top_p < 1 and top_k == 0:                 # (top-k past the list: top-p would renormalize over unknown tokens)
        mass = 0.0
        for n, p in enumerate(probs, start=1):   # true probabilities: the nucleus of the whole vocabulary
            mass += p
            if mass >= top_p - 1e-9:
                return n
    return None
