"""Sampling: how a model's next-token scores become one chosen token.

The model gives every token a score (a logit; log-probabilities work the same, softmax
ignores a shift). The deck's definition is llama.cpp's default chain: top-k, then top-p,
then temperature (Hugging Face transformers applies temperature first):

1. Rank the tokens, most probable first. Equal scores keep their index order, so every run
   cuts the same way (llama.cpp leaves the order of equal scores unspecified).
2. top-k: keep the first k. k = 0 means off; k larger than the vocabulary keeps all.
3. top-p: renormalize the T = 1 probabilities of what top-k kept so they sum to 1, then keep
   the smallest prefix whose cumulative probability is >= p. At least one token always
   survives; p >= 1 means off. This is llama.cpp's `cum_sum >= p` (llama_sampler_top_p),
   with an allowance for float rounding: a sum within 1e-9 of p reaches it
   (0.7 + 0.1 == 0.7999999999999999 in floats, and that should reach p = 0.8).
4. Temperature T, over the survivors only: softmax(score / T).
   T = 1 keeps the model's own proportions; T < 1 sharpens, T > 1 flattens.
   T = 0 (the limit T -> 0) is greedy: the top-ranked survivor alone, probability 1.
   T -> infinity: every survivor equally likely.
5. Draw: a uniform number u in [0, 1) picks the token whose slice of [0, 1) holds it.

The cuts look only at the model's probabilities, so which tokens survive never depends on T.
"""

import math
import random

INF = float("inf")
ROUNDING = 1e-9        # how far below p a cumulative sum may fall and still count as reaching it


def softmax(scores, temperature=1.0):
    """Probabilities from scores at a temperature (T = 0: argmax, first one on ties; T = inf: uniform).

    Example:
    >>> [round(p, 3) for p in softmax([2.0, 1.0, 0.0])]
    [0.665, 0.245, 0.09]
    >>> softmax([2.0, 1.0, 0.0], temperature=0)
    [1.0, 0.0, 0.0]
    >>> softmax([2.0, 1.0, 0.0], temperature=INF)
    [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    n = len(scores)
    if temperature == 0:                     # the limit T -> 0: all mass on the best score
        best = max(range(n), key=lambda i: (scores[i], -i))
        return [1.0 if i == best else 0.0 for i in range(n)]
    if temperature == INF:                   # the limit T -> inf: every score counts the same
        return [1.0 / n] * n
    top = max(scores)                        # subtract the max: exp() never overflows
    exps = [math.exp((s - top) / temperature) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def rank(scores):
    """Token indices, most probable first; equal scores in index order.

    Example:
    >>> rank([0.1, 0.7, 0.1, 0.9])
    [3, 1, 0, 2]
    """
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def nucleus_size(probs, p):
    """How many tokens top-p keeps: the smallest n with probs[0] + ... + probs[n-1] >= p.

    probs: probabilities most probable first, summing to 1. At least 1; all of them if p >= 1.

    Example:
    >>> nucleus_size([0.5, 0.3, 0.15, 0.05], 0.6)    # 0.5 falls short, 0.5 + 0.3 reaches
    2
    >>> nucleus_size([0.5, 0.3, 0.15, 0.05], 0.8)    # reaching p exactly is enough
    2
    >>> nucleus_size([0.7, 0.1, 0.2], 0.8)           # 0.7 + 0.1 is 0.7999999999999999 in floats
    2
    >>> nucleus_size([0.5, 0.3, 0.15, 0.05], 0.01)   # always at least one
    1
    """
    if p >= 1:
        return len(probs)
    mass = 0.0
    for n, prob in enumerate(probs, start=1):
        mass += prob
        if mass >= p - ROUNDING:
            return n
    return len(probs)                        # float sums of 1.0 can fall short of p


def distribution(scores, temperature=1.0, top_k=0, top_p=1.0):
    """The kept tokens as (index, probability) pairs, most probable first, summing to 1.

    top-k, then top-p on the model's probabilities (T = 1), then temperature on the survivors.

    Example:
    >>> scores = [math.log(p) for p in (0.5, 0.3, 0.15, 0.05)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, top_k=2)]
    [(0, 0.625), (1, 0.375)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, top_k=2, top_p=0.6)]  # 0.625 >= 0.6
    [(0, 1.0)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, top_p=0.8)]
    [(0, 0.625), (1, 0.375)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, temperature=INF, top_p=0.8)]
    [(0, 0.5), (1, 0.5)]
    >>> distribution(scores, temperature=0)
    [(0, 1.0)]
    """
    ranked = rank(scores)
    if top_k > 0:                            # top-k: the k most probable (0 = off)
        ranked = ranked[:top_k]
    # top-p on the model's own probabilities (T = 1), renormalized over what top-k kept
    probs = softmax([scores[i] for i in ranked])
    ranked = ranked[:nucleus_size(probs, top_p)]
    if temperature == 0:                     # greedy: the top survivor alone
        return [(ranked[0], 1.0)]
    # temperature last, over the survivors only: at T = inf they become equally likely
    return list(zip(ranked, softmax([scores[i] for i in ranked], temperature)))


def draw(kept, rng):
    """Draw one index from kept (index, prob) pairs; returns (index, u), u the uniform number used.

    Walk the cumulative sum until it passes u: each token owns a slice of [0, 1)
    as wide as its probability.

    Example:
    >>> draw([(7, 0.5), (3, 0.5)], random.Random(0))
    (3, 0.8444218515250481)
    """
    u = rng.random()
    cumulative = 0.0
    for index, prob in kept:
        cumulative += prob
        if u < cumulative:
            return index, u
    return kept[-1][0], u                    # u fell in the float rounding gap at the very end


def sample(scores, n=1, temperature=1.0, top_k=0, top_p=1.0, seed=0):
    """n seeded draws from the same next-token distribution: [(index, u), ...].

    Example:
    >>> sample([0.0, 0.0], n=3, seed=1)
    [(0, 0.13436424411240122), (1, 0.8474337369372327), (1, 0.763774618976614)]
    """
    kept = distribution(scores, temperature, top_k, top_p)
    rng = random.Random(seed)
    return [draw(kept, rng) for _ in range(n)]
