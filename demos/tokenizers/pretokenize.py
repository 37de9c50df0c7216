"""Step 1 of BPE: cut the text into words with the model's regexes, exactly as llama.cpp does.

BPE merges never cross a word boundary, so where the text is cut decides the ids. A GGUF
names its rule in `tokenizer.ggml.pre` ("smollm", "llama-bpe", "qwen2"...); llama.cpp maps the
name to a list of regexes (regexes.py) and applies them one after the other: each
regex cuts every piece the previous one produced, and the text BETWEEN two matches becomes a
piece too (so nothing is ever lost).

The regexes use Unicode classes (\\p{L}: any letter) that Python's `re` lacks. We do what
llama.cpp does with C++'s std::regex (which lacks them too): run the regex on a "collapsed"
copy of the text, one stand-in character per Unicode category (unicode.py). The copy has the
same length, so the cut positions apply to the real text.

Example:
>>> PreTokenizer("smollm").split("Hello  world 123")
['Hello', ' ', ' world', ' ', '1', '2', '3']
"""

import re

from demos.tokenizers import unicode
from demos.tokenizers.regexes import NAMES, RAW_UTF8, UNSUPPORTED, regexes


class Unsupported(ValueError):
    """This vocabulary needs a tokenizer we do not implement: we say so instead of guessing ids."""


def compile_regex(regex):
    """One llama.cpp regex as a Python pattern, and the text it must run on.

    With \\p{...} classes it runs on the collapsed text; otherwise on the real text with
    non-ASCII white space turned into \\x0b (llama.cpp's std::wregex path). re.ASCII makes
    `\\s` mean the six ASCII spaces, as in C++. `$` means the end of the piece only (`\\Z`).

    Example:
    >>> compile_regex(r"\\p{N}+")
    (re.compile('[Ñ0-9]+', re.ASCII), 'collapsed')
    """
    if unicode.uses_categories(regex):
        source, text = unicode.collapse_regex(regex), "collapsed"
    else:
        source, text = regex, "spaces"
    return re.compile(end_anchor(source), re.ASCII), text


def end_anchor(regex):
    """ECMAScript's `$` (outside [...]) as Python's `\\Z`: Python's `$` also matches before a final newline.

    Example:
    >>> end_anchor(r"\\s+$|[$]")
    '\\\\s+\\\\Z|[$]'
    """
    out, inside, escaped = [], False, False
    for ch in regex:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            inside = True
        elif ch == "]":
            inside = False
        elif ch == "$" and not inside:
            ch = "\\Z"
        out.append(ch)
    return "".join(out)


def split_pieces(pattern, subject, pieces):
    """Cut each (start, end) piece of `subject` at the pattern's matches (gaps are kept).

    Example:
    >>> split_pieces(re.compile("[0-9]"), "ab12c", [(0, 5)])
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    out = []
    for start, end in pieces:
        last = start
        for m in pattern.finditer(subject, start, end):
            if m.start() == m.end():       # an empty match cuts nothing
                continue
            if m.start() > last:
                out.append((last, m.start()))
            out.append((m.start(), m.end()))
            last = m.end()
        if last < end:
            out.append((last, end))
    return out


class PreTokenizer:
    """The word splitter a GGUF's `tokenizer.ggml.pre` names.

    `raw_utf8` says whether BPE then runs on the UTF-8 text itself (Gemma 4) or on GPT-2's
    printable byte characters; `ignore_merges` whether a word that is already a token skips BPE.

    Example:
    >>> PreTokenizer("llama-bpe").split("I'm 12345 ok")
    ['I', "'m", ' ', '123', '45', ' ok']
    """

    def __init__(self, name):
        self.name = name or "default"
        if self.name not in NAMES:
            raise Unsupported(f"pre-tokenizer {self.name!r} is unknown to llama.cpp (it refuses the model too)")
        self.type, flags = NAMES[self.name]
        if self.type in UNSUPPORTED:
            raise Unsupported(f"pre-tokenizer {self.name!r} (llama.cpp type {self.type}) needs llama.cpp's "
                              "custom C++ splitter, which the browser tokenizer does not implement")
        self.raw_utf8 = self.type in RAW_UTF8
        self.ignore_merges = "ignore_merges" in flags
        self.escape_spaces = "escape_spaces" in flags
        self.patterns = [compile_regex(r) for r in regexes(self.type)]

    def split(self, text):
        """The words of text, in order; joined they give the text back."""
        pieces = [(0, len(text))] if text else []
        subjects = {"collapsed": None, "spaces": None}
        for pattern, kind in self.patterns:
            if subjects[kind] is None:
                subjects[kind] = unicode.collapse(text) if kind == "collapsed" else unicode.spaces_to_vt(text)
            pieces = split_pieces(pattern, subjects[kind], pieces)
        return [text[a:b] for a, b in pieces]
