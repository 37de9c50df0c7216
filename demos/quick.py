"""The deck's draw (demos/sampling.py) from a whole vocabulary, without touching all of it.

The live model hands over 49,152 probabilities for every generated token. sampling.distribution()
ranks, renormalizes and tempers all of them; sampling.draw() then walks the cumulative sum from
the most probable token until it passes u, usually within a few tokens. The rest of the
vocabulary only matters through ONE number, the softmax's total, and at T = 1 that number is
known to 1e-11 without computing it: quick() uses that, and says None when it cannot be sure
(then demos/live.py runs the full computation). Same token, same u, every time.
"""

import bisect
import itertools
import math
import operator

from demos import sampling

SURE = 1e-9      # how far the softmax's total can be from fsum(probs) / probs[0] (it is within 1e-11)
LIMIT = 2000     # at T != 1, the most kept tokens whose exp quick() computes one by one


def quick(probs, temperature, top_k, top_p, min_p, rng, ranked=None, total=None):
    """sampling.distribution + sampling.draw on a ranked distribution, without the whole vocabulary
    where it cannot matter: (index, u, after), or None where only the full computation can tell.

    At T = 1 the softmax's terms exp(log p - log p0) are p / p0 to 1e-13, so its total lies
    within SURE of fsum(probs) / p0. draw()'s cumulative walk only moves one way as the total
    grows: walked with the smallest and the largest total it can be, it stops at the same token
    for both unless u falls within about 1e-9 of a slice's edge; then that token is the draw.
    top-p's nucleus is found the same way. Other temperatures need every kept token's exp:
    computed here when the cuts keep at most LIMIT tokens, else left to the full computation.

    What the caller already knows of probs saves the two passes over all of it (the live page
    knows both, from reading the engine's arrays): ranked=True, they are most probable first
    (None: checked here); total, their sum in floats, in any order (None: fsum here). A float
    sum of n terms is within n * 2**-53 of fsum's, 6e-12 for 49,152 tokens: well inside SURE.

    Example:
    >>> import random
    >>> probs = [0.5, 0.3, 0.15, 0.05]
    >>> quick(probs, 1.0, 0, 1.0, 0.0, random.Random(0))[:2]       # u = 0.844: past 0.5 + 0.3
    (2, 0.8444218515250481)
    >>> sampling.draw(sampling.distribution([math.log(p) for p in probs]), random.Random(0))
    (2, 0.8444218515250481)
    >>> quick(probs, 1.0, 0, 1.0, 0.0, random.Random(0), ranked=True, total=sum(probs))[:2]
    (2, 0.8444218515250481)
    >>> quick([0.3, 0.5], 1.0, 0, 1.0, 0.0, random.Random(0)) is None    # not ranked: no shortcut
    True
    """
    n = positive(probs)
    if ranked is None:
        ranked = all(map(operator.ge, probs, itertools.islice(probs, 1, n)))
    if n == 0 or temperature < 0 or not ranked:
        return None
    top = math.log(probs[0])                              # softmax's max: the first score
    ends = n if top_k <= 0 else min(top_k, n)             # top-k keeps a prefix of the ranking
    def known(ends):                                      # the caller's total, where it is the one needed
        return total if ends == n else None

    if top_p < 1:                                         # top-p: T = 1 probabilities of that prefix
        reach = _walk(probs, top, 1.0, ends, lambda mass: mass >= top_p - sampling.ROUNDING,
                      _total(probs, top, 1.0, ends, known(ends)))
        if reach is None:
            return None
        ends = min(ends, reach + 1)
    if min_p > 0:                                         # sampling.min_p_size, on the same scores
        floor = top + math.log(min_p)
        ends = 1 + sum(1 for _ in itertools.takewhile(lambda p: math.log(p) >= floor, probs[1:ends]))
    u = rng.random()
    if temperature == 0:                                  # greedy: the first survivor
        return 0, u, 1.0
    if temperature == sampling.INF:                       # uniform: the walk over equal slices
        cumulative = 0.0
        for i in range(ends):
            cumulative += 1.0 / ends
            if u < cumulative:
                return i, u, 1.0 / ends
        return ends - 1, u, 1.0 / ends
    bounds = _total(probs, top, temperature, ends, known(ends))
    index = _walk(probs, top, temperature, ends, lambda mass: u < mass, bounds)
    if index is None:
        return None
    return index, u, _exp(probs[index], top, temperature) / bounds[0]


def positive(probs):
    """How many probabilities lead the ranked list before the first 0 (float32 rounds the least
    likely tokens to 0; _scores drops them). probs is most probable first, so they form a prefix."""
    if probs and probs[-1] > 0:
        return len(probs)
    return bisect.bisect_left(probs, True, key=lambda p: p <= 0)


def _exp(p, top, temperature):
    """One term of sampling.softmax(scores, temperature), with the same float operations."""
    return math.exp((math.log(p) - top) / temperature)


def _total(probs, top, temperature, ends, known=None):
    """Bounds (low, high) on sampling.softmax's total over the first `ends` tokens, or None.
    known: the sum of those tokens' probabilities, if the caller has it (T = 1 only)."""
    if temperature == 1:
        total = (math.fsum(probs[:ends]) if known is None else known) / probs[0]
        return total * (1 - SURE), total * (1 + SURE)
    if ends > LIMIT:
        return None
    total = sum([_exp(p, top, temperature) for p in probs[:ends]])    # the very sum softmax takes
    return total, total


def _walk(probs, top, temperature, ends, stop, bounds):
    """Where sampling's cumulative walk over softmax(scores[:ends], temperature) first meets
    stop(mass): the same index whichever total in `bounds` (_total's) is the true one, else None.
    Walking past the end stops at the last token (as sampling.draw and nucleus_size do)."""
    if bounds is None:
        return None
    low, high = bounds
    big = small = 0.0              # the walk with the smallest total runs ahead of the true one
    first = None
    for i in range(ends):
        e = _exp(probs[i], top, temperature)
        big += e / low
        small += e / high
        if first is None and stop(big):
            first = i
        if stop(small):
            return i if i == first else None
    return ends - 1 if first is None else None
