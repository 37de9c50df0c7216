"""How the deck shows a token, a probability and its colour: one rule each, for every part of the deck.

The build renders with these functions (snapshot tables, widget bars, the static renders) and so does
the worker under Pyodide; the page's JavaScript renders with build_hooks/assets/vocabulary.js, the same
rules written once more, and tests/test_vocabulary_browser.py checks that both give the same text for
the same numbers and tokens.

- label: a token's whitespace made visible (␣ space, ↵ newline, ⇥ tab), ∅ for the empty token;
- piece_label / piece_text: a token's BYTES as a label or as running text; bytes that are not whole
  UTF-8 characters (half an emoji: one character is often 2 tokens) read as hex, "⟨F0 9F⟩";
- quoted: a token inside a sentence (a button's name a screen reader says, a branch's name):
  in quotes, spaces as they are, a newline as \\n and a tab as \\t;
- excerpt: a reader's prompt in a caption, in curly quotes, whitespace runs as one space (a space at
  either end stays: " kitten" and "kitten" are other tokens), a long one cut to its start and end;
- percent: tenths of a percent, halves rounded up ("7.3%", "100.0%"); a probability that is not zero
  but under 0.05 % reads "<0.1%", never "0.0%";
- fixed: a number with a fixed count of decimals (a bar's width, a log-probability), halves rounded up;
- hue: red (0) for unsure to green (120) for sure, on a square root, so the usual next-token
  probabilities (1 to 20 %) still get colours of their own.

Both rules round with floor(x + 0.5) on IEEE doubles, which Python and JavaScript compute alike (Python's
round() and format() round halves to even, JavaScript's Math.round and toFixed do not).

Example:
>>> label(" cat\\n"), label("\\t"), label("")
('␣cat↵', '⇥', '∅')
>>> piece_label(b" cat"), piece_label("😀".encode()[:2]), piece_text(b" cat\\n")
('␣cat', '⟨F0 9F⟩', ' cat\\n')
>>> quoted(" cat\\n"), quoted("")
("' cat\\\\n'", "'∅'")
>>> excerpt("The cat\\n sat "), excerpt("word " * 20)
('“The cat sat ”', '“word word word word word wor … ord word word word word ” (100 characters)')
>>> percent(0.0733), percent(0.0625), percent(0.000042), percent(0.99996), percent(0)
('7.3%', '6.3%', '<0.1%', '100.0%', '0%')
>>> fixed(12.125, 2), fixed(-2.125, 2), fixed(0.07333, 4), fixed(3.7, 0)
('12.13', '-2.12', '0.0733', '4')
>>> hue(0), hue(0.25), hue(1)
(0, 60, 120)
"""

import math
import re

WHITESPACE = {" ": ("␣", "space"), "\n": ("↵", "newline"), "\t": ("⇥", "tab")}   # character: (shown, its name)
EMPTY = "∅"


def label(text: str) -> str:
    """A token as readers see it: its whitespace made visible, ∅ when it is empty."""
    return "".join(WHITESPACE[ch][0] if ch in WHITESPACE else ch for ch in text) or EMPTY


def piece_text(piece: bytes) -> str:
    """A token's bytes as they run in a text: UTF-8, or hex in ⟨ ⟩ where they are not whole characters."""
    try:
        return piece.decode("utf-8")
    except UnicodeDecodeError:
        return _hex(piece)


def piece_label(piece: bytes) -> str:
    """A token's bytes as a label: label() of their text, or their hex where they are not whole characters."""
    try:
        return label(piece.decode("utf-8"))
    except UnicodeDecodeError:
        return _hex(piece)


def _hex(piece: bytes) -> str:
    return "⟨" + " ".join(f"{b:02X}" for b in piece) + "⟩"


def quoted(text: str) -> str:
    """A token inside a sentence: quoted, its spaces kept, newline and tab as \\n and \\t, ∅ if empty."""
    return "'" + (text.replace("\n", "\\n").replace("\t", "\\t") or EMPTY) + "'"


def excerpt(prompt: str) -> str:
    """A prompt in words for a caption: whitespace runs as one space, at most 60 characters shown
    (then its first 28 and last 24, and how long it is). Characters are code points, in JavaScript too."""
    p = re.sub(r"[ \t\n\r\f\v]+", " ", prompt)
    return f"“{p}”" if len(p) <= 60 else f"“{p[:28]} … {p[-24:]}” ({len(prompt):,} characters)"


def percent(p: float) -> str:
    """A probability as a percentage a reader can trust: tenths of a percent, "<0.1%" for a probability
    too small to show one, "0%" only for zero."""
    if not p > 0:                 # zero, or not a number at all
        return "0%"
    tenths = math.floor(1000 * p + 0.5)
    return f"{tenths // 10}.{tenths % 10}%" if tenths else "<0.1%"


def fixed(x: float, places: int) -> str:
    """x with `places` decimals, halves rounded up (format() and toFixed() part on halves: 12.125)."""
    n = math.floor(x * 10**places + 0.5)
    digits = str(abs(n)).zfill(places + 1)
    sign = "-" if n < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def hue(p: float) -> int:
    """The colour of a probability on the HSL wheel: 0 (red, unsure) to 120 (green, sure)."""
    return math.floor(120 * math.sqrt(max(0.0, min(1.0, p))) + 0.5)
