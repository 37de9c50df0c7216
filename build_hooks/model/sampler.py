"""The deck's sampling rule over a whole vocabulary, with numpy.

demos/sampling.py defines sampling, in plain Python so it also runs in the browser. At build
time every generated token samples from 49,152 tokens, so this module does the same steps with
numpy: rank, top-k, top-p on the renormalized T = 1 probabilities (`>= p`, with the same float
allowance), min-p against the top survivor's score, then temperature over the survivors. The draw itself is the shared
demos.sampling.draw, with Python's seeded random.Random, so a completion's tokens follow the
definition the slides show. tests/test_sampling_parity.py checks that both keep the same tokens
with the same probabilities on many random distributions.
"""

import math
import random

import numpy as np

from demos.sampling import INF, ROUNDING, draw


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """exp((s - max) / T), normalized: the same arithmetic as demos.sampling.softmax (T > 0).

    Example:
    >>> np.round(softmax(np.log(np.array([0.25, 0.75]))), 3).tolist()
    [0.25, 0.75]
    """
    exps = np.exp((scores - scores.max()) / temperature)
    return exps / exps.sum()


def distribution(logprobs: np.ndarray, temperature: float = 1.0, top_k: int = 0,
                 top_p: float = 1.0, min_p: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """demos.sampling.distribution for a numpy array: (kept token ids, their probabilities).

    Example:
    >>> lp = np.log(np.array([0.05, 0.5, 0.15, 0.3]))
    >>> ids, probs = distribution(lp, top_k=2)
    >>> ids.tolist(), np.round(probs, 3).tolist()
    ([1, 3], [0.625, 0.375])
    >>> distribution(lp, top_k=2, top_p=0.6)[0].tolist()      # 0.625 alone reaches 0.6
    [1]
    >>> distribution(lp, min_p=0.5)[0].tolist()               # 0.3 >= 0.5 * 0.5; 0.15 is not
    [1, 3]
    """
    ranked = np.argsort(-logprobs, kind="stable")            # most probable first; ties by id
    if top_k > 0:
        ranked = ranked[:top_k]
    if top_p < 1:                                            # top-p on T = 1, renormalized after top-k
        reached = np.flatnonzero(np.cumsum(softmax(logprobs[ranked])) >= top_p - ROUNDING)
        ranked = ranked[:reached[0] + 1] if len(reached) else ranked
    if min_p > 0:                                            # min-p: s >= s_top + log(min_p), math.log as
        floor = logprobs[ranked[0]] + math.log(min_p)        # demos.sampling (np.log may round differently)
        ranked = ranked[:max(1, int(np.count_nonzero(logprobs[ranked] >= floor)))]
    if temperature == 0:                                     # greedy
        return ranked[:1], np.ones(1)
    if temperature == INF:
        return ranked, np.full(len(ranked), 1.0 / len(ranked))
    return ranked, softmax(logprobs[ranked], temperature)


def sample(logprobs: np.ndarray, rng: random.Random, temperature: float = 1.0, top_k: int = 0,
           top_p: float = 1.0, min_p: float = 0.0) -> int:
    """One token id drawn from distribution(...) with demos.sampling.draw.

    Example:
    >>> sample(np.log(np.array([0.2, 0.8])), random.Random(0), temperature=0)
    1
    """
    ids, probs = distribution(logprobs, temperature, top_k, top_p, min_p)
    token, _ = draw(list(zip(ids.tolist(), probs.tolist())), rng)
    return token
