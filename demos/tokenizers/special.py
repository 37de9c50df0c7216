"""Tokens cut out of the text before anything else: the vocabulary's "user-defined" tokens.

llama.cpp (tokenize with special=False) first looks for user-defined tokens in the text, longest
first, and never splits them; control tokens such as <|im_start|> are NOT recognized (typed,
they are just characters). A few tokens also swallow the white space after them (rstrip) or
before them (lstrip). The build decides which tokens these are (build_hooks/model/vocab.py)
and the vocabulary file lists them.

Example:
>>> partition("a<x>b", {"<x>": 7})
['a', 7, 'b']
"""

SPACES = " \t\n\v\f\r"      # C's isspace(), what llama.cpp strips


def partition(text, specials, lstrip=(), rstrip=()):
    """Text -> a list of strings (to tokenize) and ints (ids of special tokens found).

    `specials` maps token text -> id; longer tokens are looked for first (by UTF-8 length, as
    llama.cpp sorts them). `lstrip`/`rstrip` hold the ids that eat the spaces beside them.

    Example:
    >>> partition("hi <x>  there", {"<x>": 7}, rstrip={7})
    ['hi ', 7, 'there']
    """
    pieces = [text] if text else []
    for special in sorted(specials, key=lambda t: len(t.encode("utf-8")), reverse=True):
        token_id, out = specials[special], []
        for piece in pieces:
            if isinstance(piece, int) or special not in piece:
                out.append(piece)
                continue
            start = 0
            while True:
                at = piece.find(special, start)
                if at < 0:
                    break
                left = piece[start:at]
                if token_id in lstrip:
                    left = left.rstrip(SPACES)
                if left:
                    out.append(left)
                out.append(token_id)
                start = at + len(special)
                if token_id in rstrip:
                    while start < len(piece) and piece[start] in SPACES:
                        start += 1
            if start < len(piece):
                out.append(piece[start:])
        pieces = out
    return pieces
