"""The live model's numbers, shaped for the page.

llama.cpp runs in the reader's browser (wllama) and hands over the model's next-token
distribution over the WHOLE vocabulary: token ids and their probabilities at T = 1. Here the
deck's one definition of sampling (demos.sampling: top-k, then top-p on the model's own
probabilities, temperature last) turns it into what the widget shows and what "generate" draws.
The browser engine computes; this file only decides, so the page and the slides can never
disagree about what sampling means.
"""

import heapq
import itertools
import math
import operator
import random

from demos import sampling
from demos.quick import positive, quick


def _scores(ids, probs):
    """Log-probabilities of the tokens the model gives any probability at all (float32 can round
    the least likely ones to exactly 0: they could never be drawn at T <= 1 anyway)."""
    kept = [(i, p) for i, p in zip(ids, probs) if p > 0]
    return [i for i, _ in kept], [math.log(p) for _, p in kept], [p for _, p in kept]


def rows(ids, probs, temperature=1.0, top_k=0, top_p=1.0, top=10, min_p=0.0):
    """The top tokens with their T = 1 probability and their probability after sampling.

    ids, probs: the model's distribution (any order, every token of the vocabulary for exact
    cuts). Returns {"rows": [{"id", "prob", "kept", "after"}], "rest", "rest_after", "kept",
    "entropy", "entropy_after", "removed"}: rest is the T = 1 mass of every token not in rows,
    rest_after the same after sampling; entropy (bits) is the whole distribution's at T = 1,
    entropy_after that of what sampling draws from; removed, the T = 1 mass each cut took.
    Settings that change nothing (T = 1, no cut) give the model's own numbers back, exactly: the
    engine's float32 probabilities add up to 1 only roughly, and renormalizing them would move
    "all other tokens" by a tenth of a percent between two columns that must agree.

    Example:
    >>> out = rows([3, 7, 9], [0.6, 0.3, 0.1], top_k=2, top=1)
    >>> [(r["id"], r["prob"], round(r["after"], 3)) for r in out["rows"]], round(out["rest_after"], 3)
    ([(3, 0.6, 0.667)], 0.333)
    >>> round(out["entropy"], 3), round(out["removed"]["top_k"], 3)
    (1.295, 0.1)
    >>> out = rows([3, 7, 9], [0.6, 0.3, 0.098], top=2)       # sums to 0.998: kept as the model gave it
    >>> [r["after"] for r in out["rows"]], out["rest"] == out["rest_after"]
    ([0.6, 0.3], True)
    """
    ids, scores, probs = _scores(ids, probs)
    cuts = int(top_k or 0), float(top_p), float(min_p or 0)
    if float(temperature) == 1 and cuts[0] == 0 and cuts[1] >= 1 and cuts[2] <= 0:
        kept = list(enumerate(probs))                        # nothing changes: the model's own numbers
    else:
        kept = sampling.distribution(scores, float(temperature), *cuts)
    after = dict(kept)
    order = _best(scores, int(top))
    out = [{"id": ids[i], "prob": probs[i], "kept": i in after, "after": after.get(i, 0.0)} for i in order]
    return {"rows": out, "rest": max(0.0, 1.0 - sum(r["prob"] for r in out)),
            "rest_after": max(0.0, 1.0 - sum(r["after"] for r in out)), "kept": len(after),
            "entropy": sampling.entropy_bits(probs), "entropy_after": sampling.entropy_bits(q for _, q in kept),
            "removed": sampling.cut_mass(scores, *cuts)}


def draw(ids, probs, temperature=1.0, top_k=0, top_p=1.0, seed=0, step=0, min_p=0.0, ranked=None, total=None):
    """One seeded draw for step `step` of a generation: the chosen token and the top 5 it beat.

    The same seed, step and distribution always give the same token (each step has its own
    random stream, so regenerating from step 3 does not replay step 0's number). Exactly
    sampling.distribution() then sampling.draw(); quick() often gets there without touching
    the whole vocabulary (then "after" is right to 1e-9, the token exactly). ranked, total:
    what the caller knows of probs already, for quick() (the page computes both as it reads
    the engine's arrays); leave them out and quick() checks.

    Example:
    >>> draw([3, 7], [0.6, 0.4], temperature=0)["id"]
    3
    >>> draw([3, 7], [0.6, 0.4], seed=1)["id"] == draw([3, 7], [0.6, 0.4], seed=1)["id"]
    True
    >>> draw([3, 7], [0.6, 0.4], seed=1, ranked=True, total=1.0) == draw([3, 7], [0.6, 0.4], seed=1)
    True
    """
    settings = float(temperature), int(top_k or 0), float(top_p), float(min_p or 0)
    rng = random.Random(int(seed) * 1_000_003 + int(step))
    fast = quick(probs, *settings, rng=random.Random(int(seed) * 1_000_003 + int(step)), ranked=ranked, total=total)
    if fast is not None:                 # the input was ranked: positions are the ranks
        index, u, after = fast
        n = positive(probs)
        return {"id": ids[index], "prob": probs[index], "u": u, "after": after,
                "top": [{"id": ids[i], "prob": probs[i]} for i in range(min(5, n))]}
    ids, scores, probs = _scores(ids, probs)
    kept = sampling.distribution(scores, *settings)
    index, u = sampling.draw(kept, rng)
    after = next(q for i, q in kept if i == index)
    return {"id": ids[index], "prob": probs[index], "u": u, "after": after,
            "top": [{"id": ids[i], "prob": probs[i]} for i in _best(scores, 5)]}


def _best(scores, n):
    """Indices of the n highest scores, best first, ties in index order (as sampling ranks them);
    heapq: one pass over the 49k-token vocabulary instead of a full sort (none if already ranked)."""
    if all(map(operator.ge, scores, itertools.islice(scores, 1, None))):
        return list(range(min(n, len(scores))))
    return heapq.nsmallest(n, range(len(scores)), key=lambda i: (-scores[i], i))


def shown_rows(candidates, rest, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0):
    """Bars for a recorded top-N list (the build's snapshot) without the live model.

    candidates: [{"id", "text", "logprob"}], the model's N most likely tokens with their true
    log-probabilities; rest: the probability of every other token. Sampling is exact when the
    survivors all lie in the list: T = 0, top-k <= N, a top-p nucleus or a min-p cut inside the
    list, or no change at all (T = 1, no cut). Otherwise "exact" is False: the numbers are computed
    among the N tokens only (renormalized to sum to 1), and the widget must say so. "removed": the
    T = 1 mass each cut took (None where it depends on tokens past the list).

    Example:
    >>> cands = [{"id": 5, "text": " a", "logprob": math.log(0.5)}, {"id": 9, "text": " b", "logprob": math.log(0.2)}]
    >>> out = shown_rows(cands, rest=0.3)
    >>> [round(r["prob"], 3) for r in out["rows"]], round(out["rest_after"], 3), out["exact"]
    ([0.5, 0.2], 0.3, True)
    >>> [round(r["prob"], 3) for r in shown_rows(cands, 0.3, top_p=0.6)["rows"]]    # nucleus: the first two
    [0.714, 0.286]
    >>> out = shown_rows(cands, 0.3, min_p=0.5)                                     # 0.2 < 0.5 * 0.5
    >>> [round(r["prob"], 3) for r in out["rows"]], out["exact"], round(out["removed"]["min_p"], 3)
    ([1.0, 0.0], True, 0.5)
    >>> out = shown_rows(cands, 0.3, temperature=2)                                 # needs all 49k tokens
    >>> out["exact"], out["rest_after"], [round(r["prob"], 3) for r in out["rows"]]
    (False, None, [0.613, 0.387])
    """
    scores = [c["logprob"] for c in candidates]
    probs = [math.exp(s) for s in scores]
    t = float(temperature)                       # "inf" (the slider's last stop) reads as infinity
    k, p, mp = int(top_k or 0), float(top_p), float(min_p or 0)
    removed = _listed_cut_mass(probs, rest, k, p, mp)
    if t == 1 and k == 0 and p >= 1 and mp <= 0:          # nothing changes: the model's own numbers
        return {"rows": [{"id": c["id"], "kept": True, "prob": q, "tempered": q} for c, q in zip(candidates, probs)],
                "rest": rest, "rest_after": rest, "exact": True, "removed": removed, "entropy_after": None}
    within = _survivors_within(probs, t, k, p, mp)
    exact = within is not None
    if exact:              # every survivor is listed: cut the list there, sample as over the whole vocabulary
        kept = sampling.distribution(scores[:within], t, k, p if k else 1.0, mp)
    else:                  # survivors past the list: among the listed tokens only (the widget says so)
        kept = sampling.distribution(scores, t, k, p, mp)
    after = dict(kept)
    return {"rows": [{"id": c["id"], "kept": i in after, "prob": after.get(i, 0.0), "tempered": probs[i]}
                     for i, c in enumerate(candidates)],
            "rest": rest, "rest_after": 0.0 if exact else None, "exact": exact, "removed": removed,
            "entropy_after": sampling.entropy_bits(q for _, q in kept) if exact else None}


def _survivors_within(probs, temperature, top_k, top_p, min_p=0.0):
    """How many of the listed tokens hold every survivor of the cuts (None: tokens past the list survive)."""
    if temperature == 0:
        return 1
    if 0 < top_k <= len(probs):
        return top_k
    ends = []
    if top_p < 1 and top_k == 0:                 # (top-k past the list: top-p would renormalize over unknown tokens)
        ends.append(_nucleus_within(probs, top_p))
    if min_p > 0 and (top_k == 0 or top_p >= 1):   # min-p compares with the top token: known
        ends.append(next((n for n, q in enumerate(probs) if q < min_p * probs[0]), None))
    ends = [n for n in ends if n is not None]
    return min(ends) if ends else None


def _nucleus_within(probs, top_p):
    """The nucleus of the whole vocabulary, if it ends inside the list (true probabilities)."""
    mass = 0.0
    for n, p in enumerate(probs, start=1):
        mass += p
        if mass >= top_p - sampling.ROUNDING:
            return n
    return None


def _listed_cut_mass(probs, rest, top_k, top_p, min_p):
    """sampling.cut_mass for a top-N list plus the rest's mass, or None when a cut's share lies
    past the list (top-k beyond N, a nucleus or a min-p floor reaching past it).

    Example:
    >>> _listed_cut_mass([0.5, 0.2], 0.3, 1, 1.0, 0.0)
    {'top_k': 0.5, 'top_p': 0.0, 'min_p': 0.0}
    >>> _listed_cut_mass([0.5, 0.2], 0.3, 0, 1.0, 0.1) is None      # the floor 0.05 lies in the rest
    True
    """
    n = len(probs)
    if top_k > n:
        return None
    end_k = top_k or None                      # each cut's end as a rank; None: no cut
    if top_p >= 1:
        end_p = end_k
    else:
        end_p = (sampling.nucleus_size([q / math.fsum(probs[:end_k]) for q in probs[:end_k]], top_p) if end_k
                 else _nucleus_within(probs, top_p))
        if end_p is None:
            return None
    end_min = end_p
    if min_p > 0:
        below = next((i for i, q in enumerate(probs[:end_p or n]) if q < min_p * probs[0]), None)
        if below is None and end_p is None:
            return None
        end_min = below if below is not None else end_p

    def beyond(rank):                          # the T = 1 mass from `rank` on (0 if no cut)
        return 0.0 if rank is None else math.fsum(probs[rank:]) + rest
    return {"top_k": beyond(end_k), "top_p": beyond(end_p) - beyond(end_k), "min_p": beyond(end_min) - beyond(end_p)}
