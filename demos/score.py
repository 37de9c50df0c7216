"""Scoring a continuation: how probable the model finds a text YOU choose, after a prompt.

A text is a sequence of tokens, and the model gives each token a probability given everything
before it. The chain rule of probability turns those into the probability of the whole text:

    P(" on the mat" | prompt) = P(" on" | prompt) * P(" the" | prompt " on") * P(" mat" | prompt " on the")

Multiplying many numbers below 1 soon underflows to 0.0 in floats; adding their logarithms does
not, so models (and llama.cpp) work with log-probabilities: log P = log p1 + log p2 + ...
The live widget and the `score` snapshot both feed this function the model's probability of
each token where it stands (llama.cpp in the browser, llama-cpp-python at build time).
"""

import math


def score(probs):
    """The probability of a continuation from its tokens' probabilities, token by token.

    probs: each token's probability given the prompt and the tokens before it, in order.
    Returns {"rows": [{"prob", "logprob", "running", "running_logprob"}], "prob", "logprob",
    "bits"}: "running" is the product so far, "bits" the surprise of the whole text
    (-log2 of its probability). A token the model gives probability 0 (float32 can round that
    far) makes the text impossible: its log-probabilities are None (JSON has no -infinity).

    Example:
    >>> out = score([0.5, 0.2])
    >>> [(r["prob"], round(r["running"], 3)) for r in out["rows"]]
    [(0.5, 0.5), (0.2, 0.1)]
    >>> round(out["prob"], 3), round(out["logprob"], 3), round(out["bits"], 3)
    (0.1, -2.303, 3.322)
    >>> score([0.5, 0.0])["prob"], score([0.5, 0.0])["logprob"]
    (0.0, None)
    """
    rows, total = [], 0.0
    for k, p in enumerate(probs):
        p = float(p)
        if not 0 <= p <= 1:
            raise ValueError(f"token {k + 1}'s probability must lie in [0, 1], got {p}")
        if total is not None and p > 0:
            total += math.log(p)          # a sum of logs: no underflow, however long the text
        else:
            total = None                  # one impossible token: the whole text is impossible
        rows.append({"prob": p, "logprob": math.log(p) if p > 0 else None,
                     "running": math.exp(total) if total is not None else 0.0, "running_logprob": total})
    if not rows:
        raise ValueError("type a continuation first: it has no tokens")
    return {"rows": rows, "prob": rows[-1]["running"], "logprob": total,
            "bits": -total / math.log(2) if total is not None else None}
