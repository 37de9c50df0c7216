"""The vocabulary file the browser fetches: one header line, then one token or merge per line.

A GGUF's tokenizer is three big arrays (tokens, merges, scores) plus a few settings. As JSON
Gemma's 262,144 tokens take 5.7 MB and seconds to parse in the browser; as lines they are one
`str.split("\\n")` away, which runs at C speed even under Pyodide:

    {"format": "llama-vocab/1", "model": "gpt2", "pre": "smollm", "n_tokens": 3, "n_merges": 1, ...}
    a                       <- token 0
    b                       <- token 1
    ab                      <- token 2
    a b                     <- merge 0 (rank 0: the first merge learned)

A token holding a newline or a backslash is written with `\\n` and `\\\\`. SentencePiece scores
(one float per token) ride in the header as base64 of little-endian float32s.

Example:
>>> text = dumps({"model": "gpt2", "pre": "gpt-2"}, ["a", "b", "ab", "\\n"], ["a b"])
>>> v = loads(text)
>>> v["tokens"], v["merges"], v["model"]
(['a', 'b', 'ab', '\\n'], ['a b'], 'gpt2')
"""

import array
import base64
import json
import re

FORMAT = "llama-vocab/1"
_ESCAPED = re.compile(r"\\(.)")


def escape(piece):
    """One token as one line.

    Example:
    >>> escape("a\\\\b\\nc")
    'a\\\\\\\\b\\\\nc'
    """
    return piece.replace("\\", "\\\\").replace("\n", "\\n")


def unescape(line):
    """The inverse of escape().

    Example:
    >>> unescape(escape("x\\\\n\\n")) == "x\\\\n\\n"
    True
    """
    if "\\" not in line:
        return line
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), line)


def dumps(header, tokens, merges=(), scores=None):
    """The file's text. `header` holds the settings (model, pre, specials...); counts are added.

    Example:
    >>> dumps({"model": "llama"}, ["<unk>", "▁a"], scores=[0.0, -1.5]).splitlines()[1:]
    ['<unk>', '▁a']
    """
    head = dict(header, format=FORMAT, n_tokens=len(tokens), n_merges=len(merges))
    if scores is not None:
        head["scores"] = base64.b64encode(array.array("f", scores).tobytes()).decode("ascii")
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)]
    lines += [escape(t) for t in tokens]
    lines += [escape(m) for m in merges]
    return "\n".join(lines) + "\n"


def loads(text):
    """The header dict, plus "tokens", "merges" and "scores" (a list of floats, or None).

    Raises ValueError naming what is wrong when the text is not such a file.
    """
    first, _, rest = text.partition("\n")
    try:
        head = json.loads(first)
    except ValueError:
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise ValueError(f"not a vocabulary file (its first line should be a {FORMAT} header)")
    n, m = head["n_tokens"], head["n_merges"]
    lines = rest.split("\n")
    if len(lines) != n + m + 1 or lines[-1] != "":
        raise ValueError(f"vocabulary file is truncated: {n + m} lines announced, {len(lines) - 1} found")
    head["tokens"] = [unescape(t) for t in lines[:n]]
    head["merges"] = [unescape(t) for t in lines[n:n + m]]
    if head.get("scores") is not None:
        floats = array.array("f")
        floats.frombytes(base64.b64decode(head["scores"]))
        head["scores"] = floats.tolist()
    else:
        head["scores"] = None
    return head
