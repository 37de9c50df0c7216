"""Sampling: how a model's next-token scores become one chosen token.

The model gives a score (a logit, or a log-probability) to every token. We then:

1. top-k: keep only the k most probable tokens.
2. top-p: keep the smallest set of most probable tokens whose mass reaches p
   ("order tokens from most to least probable and take enough of them to sum to p").
3. temperature T, over the kept tokens only: divide their scores by T and softmax.
   T = 1 keeps the model's own distribution; T < 1 sharpens it; T = 0 is the argmax
   (always the top token); T -> infinity is uniform over the kept set.

That is the talk's definition ("these tokens will be sampled from, temperature applies
only to them") and the order of llama.cpp's default sampler chain: the cuts look at the
model's own probabilities, so which tokens survive never depends on T.
"""

import math
import random

INF = float("inf")


def softmax(scores, temperature=1.0):
    """Probabilities from scores at a temperature (T = 0: argmax; T = inf: uniform).

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


def top_k_filter(ranked, k):
    """Keep the k most probable of `ranked` (indices, most probable first). k = 0 keeps all.

    Example:
    >>> top_k_filter([3, 0, 2, 1], 2)
    [3, 0]
    """
    return ranked[:k] if k and k > 0 else list(ranked)


def top_p_filter(ranked, probs, p):
    """Keep the smallest prefix of `ranked` whose probability mass reaches p (at least one).

    Example:
    >>> top_p_filter([0, 1, 2], [0.5, 0.3, 0.2], 0.8)
    [0, 1]
    >>> top_p_filter([0, 1, 2], [0.5, 0.3, 0.2], 0.01)
    [0]
    """
    total = sum(probs[i] for i in ranked)
    kept, mass = [], 0.0
    for i in ranked:
        kept.append(i)
        mass += probs[i] / total             # mass among what top-k left, renormalized
        if mass >= p - 1e-12:                # tolerance: float sums of 1.0 can fall short
            break
    return kept


def distribution(scores, temperature=1.0, top_k=0, top_p=1.0):
    """The kept tokens as (index, probability) pairs, most probable first, summing to 1.

    Order: top-k, then top-p (both on the model's own probabilities, T = 1), then the
    temperature reshapes what is left.

    Example:
    >>> scores = [math.log(p) for p in (0.5, 0.3, 0.15, 0.05)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, top_k=3)]
    [(0, 0.526), (1, 0.316), (2, 0.158)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, top_p=0.75)]
    [(0, 0.625), (1, 0.375)]
    >>> [(i, round(q, 3)) for i, q in distribution(scores, temperature=INF, top_p=0.75)]
    [(0, 0.5), (1, 0.5)]
    >>> distribution(scores, temperature=0)
    [(0, 1.0)]
    """
    # Most probable first; equal scores in index order, so every run cuts the same way.
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    ranked = top_k_filter(ranked, top_k)
    ranked = top_p_filter(ranked, softmax(scores), top_p)
    # Temperature last, over the survivors only: at T = inf they become equally likely.
    tempered = softmax([scores[i] for i in ranked], temperature)
    if temperature == 0:                     # the argmax alone: drop the zero-probability rest
        return [(ranked[0], 1.0)]
    return list(zip(ranked, tempered))


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
