"""Many draws: watch sampling converge to the probabilities.

One draw says little: " cat" or " moon", by chance. Draw a thousand times with the same
settings and count: each token's share of the draws comes close to its probability after
sampling, and closer the more you draw (the law of large numbers). The draws are seeded, so
the same seed always gives the same counts, and they use the deck's one sampler
(demos.sampling: top-k, top-p, min-p, then temperature).
"""

import math

from demos import sampling


def many(ids, probs, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, n=1000, seed=0, top=20):
    """n seeded draws from what the sampler keeps of the model's distribution, counted.

    ids, probs: the model's next-token distribution (T = 1), every token of the vocabulary for
    exact cuts. Returns {"rows": [{"id", "prob", "count"}], "rest": {"tokens", "prob", "count"},
    "n", "kept"}: rows are the `top` most probable kept tokens with their probability after
    sampling and how many of the n draws picked each, rest pools every other kept token.

    Example:
    >>> out = many([3, 7, 9], [0.6, 0.3, 0.1], top_k=2, n=1000, seed=0, top=1)
    >>> [(r["id"], round(r["prob"], 3), r["count"]) for r in out["rows"]], out["rest"]["count"], out["kept"]
    ([(3, 0.667, 665)], 335, 2)
    """
    live = [(i, p) for i, p in zip(ids, probs) if p > 0]    # float32 rounds the least likely to 0
    scores = [math.log(p) for _, p in live]
    t = sampling.INF if temperature in ("inf", None) else float(temperature)   # the slider's last stop
    kept = sampling.distribution(scores, t, int(top_k or 0), float(top_p), float(min_p or 0))
    counts = sampling.frequencies(kept, int(n), int(seed))
    rows = [{"id": live[i][0], "prob": q, "count": c} for (i, q), (_, c) in zip(kept[:top], counts[:top])]
    rest = kept[top:]
    return {"rows": rows, "rest": {"tokens": len(rest), "prob": math.fsum(q for _, q in rest),
                                   "count": sum(c for _, c in counts[top:])}, "n": int(n), "kept": len(kept)}
