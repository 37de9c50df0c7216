"""How the deck shows a token, a probability and its colour: one rule each, for every part of the deck.

The build renders with these functions (snapshot tables, widget bars, the static renders) and so does
the worker under Pyodide; the page's JavaScript renders with build_hooks/assets/vocabulary.js, the same
rules written once more, and tests/test_vocabulary_browser.py checks that both give the same text for
the same numbers and tokens.

- label: a token's whitespace made visible (␣ space, ↵ newline, ⇥ tab), ∅ for the empty token;
- percent: tenths of a percent, halves rounded up ("7.3%", "100.0%"); a probability that is not zero
  but under 0.05 % reads "<0.1%", never "0.0%";
- hue: red (0) for unsure to green (120) for sure, on a square root, so the usual next-token
  probabilities (1 to 20 %) still get colours of their own.

Both rules round with floor(x + 0.5) on IEEE doubles, which Python and JavaScript compute alike (Python's
round() and format() round halves to even, JavaScript's Math.round and toFixed do not).

Example:
>>> label(" cat\\n"), label("\\t"), label("")
('␣cat↵', '⇥', '∅')
>>> percent(0.0733), percent(0.0625), percent(0.000042), percent(0.99996), percent(0)
('7.3%', '6.3%', '<0.1%', '100.0%', '0%')
>>> hue(0), hue(0.25), hue(1)
(0, 60, 120)
"""

import math

WHITESPACE = {" ": ("␣", "space"), "\n": ("↵", "newline"), "\t": ("⇥", "tab")}   # character: (shown, its name)
EMPTY = "∅"


def label(text: str) -> str:
    """A token as readers see it: its whitespace made visible, ∅ when it is empty."""
    return "".join(WHITESPACE[ch][0] if ch in WHITESPACE else ch for ch in text) or EMPTY


def percent(p: float) -> str:
    """A probability as a percentage a reader can trust: tenths of a percent, "<0.1%" for a probability
    too small to show one, "0%" only for zero."""
    if not p > 0:                 # zero, or not a number at all
        return "0%"
    tenths = math.floor(1000 * p + 0.5)
    return f"{tenths // 10}.{tenths % 10}%" if tenths else "<0.1%"


def hue(p: float) -> int:
    """The colour of a probability on the HSL wheel: 0 (red, unsure) to 120 (green, sure)."""
    return math.floor(120 * math.sqrt(max(0.0, min(1.0, p))) + 0.5)
