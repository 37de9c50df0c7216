"""Character classes the pre-tokenizers need: \\p{L}, \\p{N}, \\p{P}, \\p{M}, \\p{S} and \\s.

Tokenizer regexes come from the `regex` package world (`\\p{L}+` = a run of letters), but
Python's `re` has no `\\p{...}` and Pyodide has no `regex` offline. llama.cpp has the same
problem in C++ (std::regex has no \\p{L} either) and solves it with a trick we copy exactly:

  "collapse" the text: every character above ASCII becomes ONE stand-in character for its
  Unicode category (all letters become 'Ò', all digits 'Ñ', ...), and every `\\p{L}` in the
  regex becomes the class `[ÒA-Za-z]`. An ordinary regex engine then splits the collapsed
  text, and the same positions cut the real text.

Example:
>>> collapse("Año 2024 €!")
'AÒo 2024 Õ!'
"""

import unicodedata

# llama.cpp's stand-ins (unicode.cpp, `k_ucat_cpt`), and the ASCII members of each class (`k_ucat_map`)
NUMBER, LETTER, PUNCTUATION, MARK, SYMBOL = "\xd1", "\xd2", "\xd3", "\xd4", "\xd5"
OTHER = "\xd0"            # separators, controls, unassigned code points
SPACE = "\x0b"            # any non-ASCII white space becomes a vertical tab
STAND_IN = {"N": NUMBER, "L": LETTER, "P": PUNCTUATION, "M": MARK, "S": SYMBOL}
CLASSES = {
    "N": NUMBER + "0-9",
    "L": LETTER + "A-Za-z",
    "P": PUNCTUATION + r"!-#%-*,-/:-;?-@\[-\]_\{\}",
    "M": MARK,
    "S": SYMBOL + r"\$\+<->\^`\|~",
}
# \p{Lu}, \p{Ll}... are all "letter" to llama.cpp
CLASSES.update(dict.fromkeys(("Lu", "Ll", "Lt", "Lm", "Lo"), CLASSES["L"]))

# Unicode's White_Space property: llama.cpp's \s (str.isspace() also counts \x1c-\x1f, so we list it)
WHITESPACE = frozenset(map(chr, [
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))


# llama.cpp's category table is Unicode 15.1 (CPython 3.13's too). Pyodide 314's Python 3.14 knows
# Unicode 16.0, which assigned these code points: to llama.cpp they are still unassigned, so we
# treat them so wherever unicodedata is newer (measured: they are the only differences).
NEW_AFTER_15_1 = [
    (0x897, 0x897), (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F), (0x1C89, 0x1C8A), (0x2427, 0x2429), (0x31E4, 0x31E5),
    (0xA7CB, 0xA7CD), (0xA7DA, 0xA7DC), (0x105C0, 0x105F3), (0x10D40, 0x10D65), (0x10D69, 0x10D85),
    (0x10D8E, 0x10D8F), (0x10EC2, 0x10EC4), (0x10EFC, 0x10EFC), (0x11380, 0x11389), (0x1138B, 0x1138B),
    (0x1138E, 0x1138E), (0x11390, 0x113B5), (0x113B7, 0x113C0), (0x113C2, 0x113C2), (0x113C5, 0x113C5),
    (0x113C7, 0x113CA), (0x113CC, 0x113D5), (0x113D7, 0x113D8), (0x113E1, 0x113E2), (0x116D0, 0x116E3),
    (0x11BC0, 0x11BE1), (0x11BF0, 0x11BF9), (0x11F5A, 0x11F5A), (0x13460, 0x143FA), (0x16100, 0x16139),
    (0x16D40, 0x16D79), (0x18CFF, 0x18CFF), (0x1CC00, 0x1CCF9), (0x1CD00, 0x1CEB3), (0x1E5D0, 0x1E5FA),
    (0x1E5FF, 0x1E5FF), (0x1F8B2, 0x1F8BB), (0x1F8C0, 0x1F8C1), (0x1FA89, 0x1FA89), (0x1FA8F, 0x1FA8F),
    (0x1FABE, 0x1FABE), (0x1FAC6, 0x1FAC6), (0x1FADC, 0x1FADC), (0x1FADF, 0x1FADF), (0x1FAE9, 0x1FAE9),
    (0x1FBCB, 0x1FBEF),
]
_UNASSIGNED_TO_LLAMA_CPP = (
    [range(a, b + 1) for a, b in NEW_AFTER_15_1]
    if tuple(map(int, unicodedata.unidata_version.split("."))) > (15, 1, 0) else [])


def category(code):
    """The first letter of a code point's Unicode category, as llama.cpp's table has it.

    Example:
    >>> category(ord("a")), category(0x897), category(0x378)
    ('L', 'C', 'C')
    """
    if any(code in r for r in _UNASSIGNED_TO_LLAMA_CPP):
        return "C"
    return unicodedata.category(chr(code))[0]


class _Collapse(dict):
    """A str.translate() table filled on first sight of each character (the table for all
    1.1 million code points would take seconds to build; a text uses a few hundred)."""

    def __init__(self, spaces_only):
        super().__init__()
        self.spaces_only = spaces_only

    def __missing__(self, code):
        ch = chr(code)
        if code < 128:
            out = ch
        elif ch in WHITESPACE:
            out = SPACE
        elif self.spaces_only:
            out = ch
        else:
            out = STAND_IN.get(category(code), OTHER)
        self[code] = out
        return out


_CATEGORIES = _Collapse(spaces_only=False)
_SPACES = _Collapse(spaces_only=True)


def collapse(text):
    """One ASCII-or-stand-in character per character of text (same length, same positions).

    Example:
    >>> collapse("naïve 😀")
    'naÒve Õ'
    """
    return text.translate(_CATEGORIES)


def spaces_to_vt(text):
    """The text for regexes without \\p{...}: only non-ASCII white space is replaced (by \\x0b),
    so `\\s` in an ASCII-mode regex sees every space llama.cpp sees.

    Example:
    >>> spaces_to_vt("a\\u3000b")
    'a\\x0bb'
    """
    return text.translate(_SPACES)


def collapse_regex(regex):
    """Rewrite \\p{X} into the collapsed class, as llama.cpp's unicode_regex_split() does.

    Inside [...] the class members are spliced in; outside, they get brackets of their own.

    Example:
    >>> collapse_regex(r" ?\\p{L}+|[^\\s\\p{N}]")
    ' ?[ÒA-Za-z]+|[^\\\\sÑ0-9]'
    """
    out, inside, i = [], False, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "[" and (i == 0 or regex[i - 1] != "\\"):
            inside = True
        elif ch == "]" and inside and regex[i - 1] != "\\":
            inside = False
        elif regex.startswith("\\p{", i):
            name = regex[i + 3:regex.index("}", i)]
            members = CLASSES[name]
            out.append(members if inside else f"[{members}]")
            i += len(name) + 4
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def uses_categories(regex):
    """Does this regex need the collapsed text (does it use one of the \\p{...} classes)?"""
    return any(f"\\p{{{name}}}" in regex for name in CLASSES)
