"""The whole distribution in numbers: how spread out it is, what each cut took, what 1,000 draws give.

Entropy in bits says how unsure the model is of the next token: H = -sum p log2 p over EVERY token
of the vocabulary. 2 ** H is the effective number of choices: a model torn between exactly n
equally likely tokens has H = log2(n) bits, and 2 ** H = n. Under sampling, each cut (top-k, top-p,
min-p) removes some of the model's probability (counted at T = 1), and what is left is what a
draw picks from: its own entropy says how much choice sampling really leaves.

The widgets say these numbers in one sentence written here, so the build's static render and the
page (this same Python, in the browser) use the same words and the same rounding.

Example:
>>> print(sentence(3.0, 1.0, {"top_k": 0.25, "top_p": 0.0, "min_p": 0.125}))  # doctest: +NORMALIZE_WHITESPACE
Whole distribution: 3.00 bits, like 8.0 equally likely tokens. Removed (at T = 1): top-k 25.0%, top-p 0%,
min-p 12.5%. Sampling draws from 1.00 bits, like 2.0 tokens.
"""

import math
import random

from demos import live, sampling
from demos.vocabulary import label, percent

CUTS = (("top_k", "top-k"), ("top_p", "top-p"), ("min_p", "min-p"))
UNKNOWN = "not known from the listed tokens alone (load the real model)"


def choices(bits):
    """The effective number of choices, 2 ** entropy, as the widgets print it.

    Example:
    >>> choices(0.0), choices(3.3219), choices(14.0)
    ('1.0', '10.0', '16,384.0')
    """
    return f"{2 ** bits:,.1f}"


def sentence(entropy, entropy_after, removed):
    """The numbers line under a next-token view. None is a number the inputs cannot decide (it needs
    tokens past the build's list): the sentence says so, it never guesses.

    Example:
    >>> print(sentence(2.0, 2.0, {"top_k": 0.0, "top_p": 0.0, "min_p": 0.0}))  # doctest: +NORMALIZE_WHITESPACE
    Whole distribution: 2.00 bits, like 4.0 equally likely tokens. No cut: sampling draws from 2.00 bits,
    like 4.0 tokens.
    >>> print(sentence(2.0, None, None))  # doctest: +NORMALIZE_WHITESPACE
    Whole distribution: 2.00 bits, like 4.0 equally likely tokens. Removed by the cuts: not known from the
    listed tokens alone (load the real model). After sampling: not known from the listed tokens alone (load
    the real model).
    """
    entropy, entropy_after = (None if x is None else max(0.0, x) for x in (entropy, entropy_after))   # no -0.00
    whole = f"Whole distribution: {entropy:.2f} bits, like {choices(entropy)} equally likely tokens."
    if removed is None:
        cuts = f"Removed by the cuts: {UNKNOWN}."
    elif any(removed.values()):
        cuts = "Removed (at T = 1): " + ", ".join(f"{name} {percent(removed[key])}" for key, name in CUTS) + "."
    else:
        cuts = "No cut:"
    after = (f"After sampling: {UNKNOWN}." if entropy_after is None else
             f"{'sampling' if cuts == 'No cut:' else 'Sampling'} draws from {entropy_after:.2f} bits, "
             f"like {choices(entropy_after)} tokens.")
    return f"{whole} {cuts} {after}"


def kept_of(rows):
    """(row index, probability) of the rows a draw can pick, from a widget's rows.

    Example:
    >>> kept_of([{"kept": True, "prob": 0.75}, {"kept": False, "prob": 0.0}, {"kept": True, "prob": 0.25}])
    [(0, 0.75), (2, 0.25)]
    """
    return [(k, r["prob"]) for k, r in enumerate(rows) if r["kept"] and r["prob"] > 0]


def counts(kept, n=1000, seed=0):
    """n seeded draws from kept (index, probability) pairs with the one sampler: {index: count},
    every kept index present (a token drawn 0 times says 0).

    Example:
    >>> counts([(0, 0.75), (2, 0.25)], n=1000, seed=0)
    {0: 760, 2: 240}
    """
    return dict(sampling.frequencies(kept, int(n), int(seed)))


# --- what the sampling widget calls (demos/web.py's API) ------------------------------------------

def sampling_view(candidates, rest, entropy=None, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, shown=None):
    """The sampling widget without the live model: demos.live.shown_rows and its numbers line.

    candidates: every token the build kept for the widget to compute with (the model's most likely
    ones, more than it shows: top-k up to the slider's end cuts inside them); rest: the probability of
    every other token; shown: how many rows the widget draws (all when None). The rows past `shown`
    still count: they are in "all other tokens" (rest, rest_after), and draws can pick them.
    entropy: the whole distribution's, recorded by the build over all the model's tokens (the
    widget cannot compute it from the top list).

    Example:
    >>> cands = [{"id": 5, "text": " a", "logprob": -0.5}, {"id": 9, "text": " b", "logprob": -1.5}]
    >>> print(sampling_view(cands, 0.17, 1.5, top_k=1)["numbers"])  # doctest: +NORMALIZE_WHITESPACE
    Whole distribution: 1.50 bits, like 2.8 equally likely tokens. Removed (at T = 1): top-k 39.3%, top-p 0%,
    min-p 0%. Sampling draws from 0.00 bits, like 1.0 tokens.
    >>> out = sampling_view(cands, 0.17, 1.5, top_k=2, shown=1)    # " b" is kept, in "all other tokens"
    >>> len(out["rows"]), round(out["rows"][0]["prob"], 3), round(out["rest"], 3), round(out["rest_after"], 3)
    (1, 0.731, 0.393, 0.269)
    """
    out = _view(candidates, rest, entropy, temperature, top_k, top_p, min_p)
    return _first(out, len(candidates) if shown is None else int(shown))


def _view(candidates, rest, entropy, temperature, top_k, top_p, min_p):
    """sampling_view with a row for every candidate."""
    out = live.shown_rows(candidates, rest, temperature, top_k, top_p, min_p)
    if not out["exact"]:
        out = _min_p_rows(candidates, out, float(temperature), int(top_k or 0), float(top_p), float(min_p or 0))
    unchanged = float(temperature) == 1 and not int(top_k or 0) and float(top_p) >= 1 and not float(min_p or 0)
    after = entropy if unchanged else out["entropy_after"]
    out["numbers"] = sentence(entropy, after, out["removed"]) if entropy is not None else (
        "The whole distribution's entropy was not recorded with this snapshot.")
    return out


def _first(out, n):
    """The view's first n rows; the rows after them join "all other tokens", before and after sampling
    (rest_after stays None where the view could not know it)."""
    below = out["rows"][n:]
    rest = out["rest"] + math.fsum(r["tempered"] for r in below)        # tempered: the T = 1 probability
    after = out["rest_after"]
    after = None if after is None else after + math.fsum(r["prob"] for r in below)
    return {**out, "rows": out["rows"][:n], "rest": rest, "rest_after": after}


def _min_p_rows(candidates, out, temperature, top_k, top_p, min_p):
    """The rows when min-p alone decides the kept set within the list, though top-k or top-p reach past it.

    The chain keeps the shortest of the three prefixes. Min-p's is known from the list when a listed
    token falls below min_p times the top one (the m before it stay). Top-k's is no shorter when
    k >= m. Top-p's is no shorter when the m - 1 first tokens fall short of p even renormalized over
    the listed tokens alone (top-k's real total is at least theirs, so the real share is smaller).
    Then exactly those m tokens survive, and temperature shares them out: the numbers are exact.

    Example:
    >>> cands = [{"id": i, "text": t, "logprob": math.log(p)} for i, t, p in
    ...          ((1, " Paris", 0.77), (2, " the", 0.06), (3, " a", 0.01))]
    >>> out = sampling_view(cands, 0.16, 2.2, 0.8, 40, 0.95, 0.05)         # llama.cpp's defaults
    >>> out["exact"], [round(r["prob"], 3) for r in out["rows"]], out["rest_after"]
    (True, [0.96, 0.04, 0.0], 0.0)
    """
    probs = [r["tempered"] for r in out["rows"]]
    if min_p <= 0 or not probs:
        return out
    m = next((n for n, q in enumerate(probs) if q < min_p * probs[0]), None)
    listed = math.fsum(probs)        # (0 < top_k <= the list's length is exact already: never here)
    nucleus_first = top_p < 1 and math.fsum(probs[:m - 1]) / listed >= top_p - sampling.ROUNDING if m else False
    if m is None or 0 < top_k < m or nucleus_first:
        return out
    scores = [c["logprob"] for c in candidates[:m]]
    after = dict(sampling.distribution(scores, temperature))
    rows = [{**r, "kept": i in after, "prob": after.get(i, 0.0)} for i, r in enumerate(out["rows"])]
    return {**out, "rows": rows, "rest_after": 0.0, "exact": True,
            "entropy_after": sampling.entropy_bits(after.values())}


def sampling_numbers(entropy, entropy_after, removed):
    """The numbers line for the live model's rows (demos.live.rows gives all three)."""
    return sentence(entropy, entropy_after, removed)


def shown_draws(candidates, rest, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, n=1000, seed=0, shown=None):
    """n seeded draws from what the widget's bars keep: {"counts": one per shown row, "rest": how many
    drew a candidate past the shown rows (the "all other tokens" bar), "n", "exact"}; exact is False
    where the bars are computed among the candidates only (then so are the draws).

    Example:
    >>> cands = [{"id": 5, "text": " a", "logprob": -0.5}, {"id": 9, "text": " b", "logprob": -1.5}]
    >>> shown_draws(cands, 0.17, top_k=2, n=100)
    {'counts': [65, 35], 'rest': 0, 'n': 100, 'exact': True}
    >>> shown_draws(cands, 0.17, top_k=2, n=100, shown=1)
    {'counts': [65], 'rest': 35, 'n': 100, 'exact': True}
    """
    view = _view(candidates, rest, None, temperature, top_k, top_p, min_p)
    rows = view["rows"]
    drawn = counts(kept_of(rows), n, seed)
    shown = len(rows) if shown is None else int(shown)
    return {"counts": [drawn.get(k, 0) for k in range(shown)],
            "rest": sum(drawn.get(k, 0) for k in range(shown, len(rows))), "n": int(n), "exact": view["exact"]}


def shown_samples(candidates, rest, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, n=8, seed=0):
    """n seeded draws, one by one, from what the widget's bars keep: [{"label", "u"}], u the uniform
    number each draw used ("Sample 8 tokens"; demos.sampling.sample's stream for the same kept set).

    Example:
    >>> cands = [{"id": 5, "text": " a", "logprob": -0.5}, {"id": 9, "text": " b", "logprob": -1.5}]
    >>> [d["label"] for d in shown_samples(cands, 0.17, top_k=2, n=4, seed=1)]
    ['␣a', '␣b', '␣b', '␣a']
    """
    kept = kept_of(_view(candidates, rest, None, temperature, top_k, top_p, min_p)["rows"])
    rng = random.Random(int(seed))
    picks = (sampling.draw(kept, rng) for _ in range(int(n)))
    return [{"label": label(candidates[k]["text"]), "u": u} for k, u in picks]
