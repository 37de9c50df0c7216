"""Sampling: how a model's next-token scores become one chosen token.

The model gives every token a score (a logit; log-probabilities work the same, softmax
ignores a shift). The deck's definition is llama.cpp's chain, the steps it turns on by default
(common/common.h): top-k, then top-p, then min-p, then temperature (Hugging Face transformers
applies temperature first):

1. Rank the tokens, most probable first. Equal scores keep their index order, so every run
   cuts the same way (llama.cpp leaves the order of equal scores unspecified).
2. top-k: keep the first k. k = 0 means off; k larger than the vocabulary keeps all.
3. top-p: renormalize the T = 1 probabilities of what top-k kept so they sum to 1, then keep
   the smallest prefix whose cumulative probability is >= p. At least one token always
   survives; p >= 1 means off. This is llama.cpp's `cum_sum >= p` (llama_sampler_top_p),
   with an allowance for float rounding: a sum within 1e-9 of p reaches it
   (0.7 + 0.1 == 0.7999999999999999 in floats, and that should reach p = 0.8).
4. min-p: keep every token at least min_p times as probable as the most probable one
   (Nguyen et al., ICLR 2025). The cut follows the model's confidence: a sure model keeps one
   or two tokens, an unsure one many. min_p = 0 means off; the top token always survives.
5. Temperature T, over the survivors only: softmax(score / T).
   T = 1 keeps the model's own proportions; T < 1 sharpens, T > 1 flattens.
   T = 0 (the limit T -> 0) is greedy: the top-ranked survivor alone, probability 1.
   T -> infinity: every survivor equally likely.
6. Draw: a uniform number u in [0, 1) picks the token whose slice of [0, 1) holds it.

The cuts look only at the model's probabilities, so which tokens survive never depends on T.
"""

import bisect
import itertools
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


def min_p_size(scores, min_p):
    """How many tokens min-p keeps: those at least min_p times as probable as the first.

    scores: most probable first. Two probabilities' ratio is exp of their scores' difference,
    p_i / p_0 = exp(s_i - s_0), so p_i >= min_p * p_0 reads s_i >= s_0 + log(min_p): llama.cpp's
    own test (llama_sampler_min_p). At least 1; all of them if min_p <= 0.

    Example:
    >>> probs = [0.5, 0.3, 0.15, 0.05]
    >>> min_p_size([math.log(p) for p in probs], 0.2)     # 0.2 * 0.5 = 0.1: 0.05 is below
    3
    >>> min_p_size([math.log(p) for p in probs], 0.7)     # 0.3 < 0.35
    1
    >>> min_p_size([0.0, 0.0, -1.0], 1.0)                  # a tie with the top token stays
    2
    """
    if min_p <= 0:
        return len(scores)
    floor = scores[0] + math.log(min_p)      # the lowest score that is still kept
    kept = 1                                 # the first token is always kept
    while kept < len(scores) and scores[kept] >= floor:
        kept += 1
    return kept


def distribution(scores, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0):
    """The kept tokens as (index, probability) pairs, most probable first, summing to 1.

    top-k, then top-p on the model's probabilities (T = 1), then min-p, then temperature on
    the survivors.

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
    >>> [(i, round(q, 3)) for i, q in distribution(scores, min_p=0.5)]   # at least half of 0.5
    [(0, 0.625), (1, 0.375)]
    >>> distribution(scores, temperature=0)
    [(0, 1.0)]
    """
    ranked = rank(scores)
    if top_k > 0:                            # top-k: the k most probable (0 = off)
        ranked = ranked[:top_k]
    # top-p on the model's own probabilities (T = 1), renormalized over what top-k kept
    probs = softmax([scores[i] for i in ranked])
    ranked = ranked[:nucleus_size(probs, top_p)]
    # min-p: relative to the top token, so renormalizing would change nothing
    ranked = ranked[:min_p_size([scores[i] for i in ranked], min_p)]
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


def frequencies(kept, n=1000, seed=0):
    """n seeded draws from kept (index, prob) pairs, counted: [(index, count)] in kept's order.

    The same draws as calling draw(kept, rng) n times with random.Random(seed), found by
    bisection in the cumulative sums instead of a walk (a whole vocabulary, a thousand times).

    Example:
    >>> frequencies([(7, 0.75), (3, 0.25)], n=1000, seed=0)
    [(7, 760), (3, 240)]
    """
    cumulative = list(itertools.accumulate(prob for _, prob in kept))   # the same sums draw() walks
    counts = [0] * len(kept)
    rng = random.Random(seed)
    for _ in range(n):
        slot = bisect.bisect_right(cumulative, rng.random())   # the first slice ending past u
        counts[min(slot, len(kept) - 1)] += 1                  # past the end: float rounding, as draw()
    return [(index, count) for (index, _), count in zip(kept, counts)]


def entropy_bits(probs):
    """The entropy of a distribution in bits: how many yes/no questions one draw is worth.

    2 ** entropy is the effective number of choices: n equally likely tokens give log2(n) bits.

    Example:
    >>> entropy_bits([0.25] * 4), 2 ** entropy_bits([0.25] * 4)
    (2.0, 4.0)
    >>> round(entropy_bits([0.9, 0.1]), 3)
    0.469
    """
    return -math.fsum(p * math.log2(p) for p in probs if p > 0)


def cut_mass(scores, top_k=0, top_p=1.0, min_p=0.0):
    """How much of the model's probability (T = 1) each cut removes, in the chain's order.

    Every cut keeps a prefix of the ranking, so each one removes the ranks between its prefix
    and the previous one. The three numbers plus the kept mass sum to 1.

    Example:
    >>> scores = [math.log(p) for p in (0.5, 0.3, 0.15, 0.05)]
    >>> {cut: round(m, 3) for cut, m in cut_mass(scores, top_k=3, top_p=0.6, min_p=0.5).items()}
    {'top_k': 0.05, 'top_p': 0.15, 'min_p': 0.0}
    """
    ranked = sorted(scores, reverse=True)    # equal scores are equally probable: their order is moot
    probs = softmax(ranked)
    after_k = min(top_k, len(ranked)) if top_k > 0 else len(ranked)
    after_p = nucleus_size(softmax(ranked[:after_k]), top_p)
    after_min_p = min_p_size(ranked[:after_p], min_p)
    return {"top_k": math.fsum(probs[after_k:]), "top_p": math.fsum(probs[after_p:after_k]),
            "min_p": math.fsum(probs[after_min_p:after_p])}


def sample(scores, n=1, temperature=1.0, top_k=0, top_p=1.0, seed=0, min_p=0.0):
    """n seeded draws from the same next-token distribution: [(index, u), ...].

    Example:
    >>> sample([0.0, 0.0], n=3, seed=1)
    [(0, 0.13436424411240122), (1, 0.8474337369372327), (1, 0.763774618976614)]
    """
    kept = distribution(scores, temperature, top_k, top_p, min_p)
    rng = random.Random(seed)
    return [draw(kept, rng) for _ in range(n)]
