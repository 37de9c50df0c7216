"""The model's own tokenizer: GPT-2 style byte-level BPE, read from the GGUF's vocabulary.

A language model never sees letters. It sees token ids: integers indexing a fixed
vocabulary (49,152 entries for SmolLM2). Turning text into ids takes three steps:

1. Pre-tokenize: cut the text into "words" with a fixed rule (a regex), so that
   merges never cross a word boundary. SmolLM2's rule (llama.cpp calls it `smollm`)
   first splits off every digit on its own, then applies GPT-2's regex:
       's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
2. Bytes to symbols: each word becomes its UTF-8 bytes, each byte a printable
   stand-in character (a space shows as 'Ġ'), so any text at all can be encoded.
3. Byte-pair encoding: repeatedly merge the adjacent pair of symbols with the best
   (lowest) merge rank until no listed merge applies; each final symbol is a token.

Python's `re` has no \\p{L}, and Pyodide has no third-party `regex` offline, so
step 1 is written out by hand below, character class by character class, exactly
as llama.cpp's own hand-written GPT-2 splitter does. That is what makes the ids
identical to llama.cpp's on accents, CJK, emoji, code and runs of spaces.
"""

import unicodedata

# Token types in the GGUF (llama.cpp's llama_token_type)
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# The Unicode White_Space property: llama.cpp's \s. (Python's str.isspace() differs
# on a few control characters, so we spell it out.)
WHITESPACE = frozenset(map(chr, [
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (256 entries).

    Printable Latin-1 bytes stand for themselves; the others (control bytes, space...)
    are shifted to unused code points from 256 up, so every byte is one visible symbol.

    Example:
    >>> table = bytes_to_unicode()
    >>> table[ord("a")], table[ord(" ")], table[ord("\\n")]
    ('a', 'Ġ', 'Ċ')
    """
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table, shift = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + shift)
            shift += 1
    return table


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


# --- step 1: pre-tokenization --------------------------------------------------------------

def kind(ch):
    """The character class the pre-tokenizer cares about: 'L'etter, 'N'umber, 's'pace or 'P'other.

    Example:
    >>> [kind(c) for c in "aé中7² \\t!😀"]
    ['L', 'L', 'L', 'N', 'N', 's', 's', 'P', 'P']
    """
    if ch in WHITESPACE:
        return "s"
    cat = unicodedata.category(ch)[0]
    return cat if cat in "LN" else "P"


def split_digits(text):
    """The `smollm` rule's first regex, \\p{N}: every digit becomes a piece of its own.

    Example:
    >>> split_digits("in 2024!")
    ['in ', '2', '0', '2', '4', '!']
    """
    pieces, start = [], 0
    for i, ch in enumerate(text):
        if kind(ch) == "N":
            if start < i:
                pieces.append(text[start:i])
            pieces.append(ch)
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def split_gpt2(piece):
    """GPT-2's regex, hand-written: contractions, ' ?letters', ' ?numbers', ' ?other', spaces.

    A run of spaces gives its last space to the word after it (`\\s+(?!\\S)`),
    so " world" keeps its leading space, as the vocabulary expects.

    Example:
    >>> split_gpt2("I'll say  hello, world!!")
    ['I', "'ll", ' say', ' ', ' hello', ',', ' world', '!!']
    """
    words, i, n = [], 0, len(piece)
    kinds = [kind(c) for c in piece]
    while i < n:
        start = i
        # 's 't 'm 'd 're 've 'll (lowercase only, like GPT-2)
        if piece[i] == "'" and piece[i + 1:i + 2] in ("s", "t", "m", "d"):
            i += 2
        elif piece[i] == "'" and piece[i + 1:i + 3] in ("re", "ve", "ll"):
            i += 3
        else:
            # one optional ' ' joins the run of letters, numbers or other symbols after it
            lead = 1 if piece[i] == " " and i + 1 < n and kinds[i + 1] != "s" else 0
            k = kinds[i + lead]
            if k != "s":
                i += lead
                while i < n and kinds[i] == k:
                    i += 1
            else:
                # whitespace: the whole run, minus its last character if a word follows (\s+(?!\S))
                while i < n and kinds[i] == "s":
                    i += 1
                if i - start > 1 and i < n:
                    i -= 1
        words.append(piece[start:i])
    return words


def pre_tokenize(text):
    """Cut text into the words that BPE works on, like llama.cpp's `smollm` pre-tokenizer.

    Example:
    >>> pre_tokenize("Hello  world 123")
    ['Hello', ' ', ' world', ' ', '1', '2', '3']
    """
    return [word for piece in split_digits(text) for word in split_gpt2(piece)]


# --- steps 2 and 3: byte-level BPE ---------------------------------------------------------

class Tokenizer:
    """Byte-level BPE with a GGUF vocabulary: `tokens` (id -> symbol string), `merges` ("a b"
    in rank order) and `token_type`.

    Example:
    >>> tok = Tokenizer(tokens=["a", "b", "ab", "Ġ", "Ġab"], merges=["a b", "Ġ ab"])
    >>> tok.encode("ab ab")
    [2, 4]
    >>> tok.decode([2, 4])
    'ab ab'
    """

    def __init__(self, tokens, merges, token_type=None):
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        # rank of each pair: lower merges first (the order the merges were learned)
        self.ranks = {tuple(m.split(" ", 1)): r for r, m in enumerate(merges)}
        types = token_type or [NORMAL] * len(self.tokens)
        # user-defined tokens are matched whole before BPE, as llama.cpp does
        self.user_defined = sorted((t for t, ty in zip(self.tokens, types) if ty == USER_DEFINED),
                                   key=len, reverse=True)
        self.cache = {}

    @classmethod
    def from_vocab(cls, vocab):
        """Build from the build-time `vocab` snapshot {"tokens", "merges", "token_type", ...}."""
        return cls(vocab["tokens"], vocab["merges"], vocab.get("token_type"))

    def bpe(self, word):
        """Merge one pre-tokenized word into vocabulary symbols, best-ranked pair first.

        Example:
        >>> Tokenizer(["a", "b", "ab", "abb"], ["a b", "ab b"]).bpe("abb")
        ['abb']
        """
        if word in self.cache:
            return self.cache[word]
        symbols = [BYTE_TO_CHAR[b] for b in word.encode("utf-8")]
        while len(symbols) > 1:
            # the adjacent pair with the lowest rank; the leftmost one wins a tie
            best, best_rank = None, None
            for i in range(len(symbols) - 1):
                rank = self.ranks.get((symbols[i], symbols[i + 1]))
                if rank is not None and (best_rank is None or rank < best_rank):
                    best, best_rank = i, rank
            if best is None:
                break
            symbols[best:best + 2] = [symbols[best] + symbols[best + 1]]
        if len(self.cache) < 100_000:
            self.cache[word] = symbols
        return symbols

    def split_special(self, text):
        """Cut out user-defined tokens (they are never split); other pieces go to BPE."""
        pieces = [text]
        for special in self.user_defined:
            out = []
            for p in pieces:
                if isinstance(p, int):
                    out.append(p)
                    continue
                parts = p.split(special)
                for k, part in enumerate(parts):
                    if k:
                        out.append(self.ids[special])
                    if part:
                        out.append(part)
            pieces = out
        return pieces

    def encode(self, text):
        """Text -> token ids, as llama.cpp's tokenize(text, add_bos=False, special=False)."""
        ids = []
        for piece in self.split_special(text):
            if isinstance(piece, int):
                ids.append(piece)
                continue
            for word in pre_tokenize(piece):
                for symbol in self.bpe(word):
                    if symbol in self.ids:
                        ids.append(self.ids[symbol])
                    else:
                        ids.extend(self.missing(symbol))
        return ids

    def missing(self, symbol):
        """A byte the vocabulary lacks (SmolLM2 has no token for some control bytes, e.g. 0x1D).

        llama.cpp then looks up each byte of the symbol's UTF-8 text as a one-character token
        and silently drops the ones it can't find: we do the same, so the ids still match.

        Example:
        >>> Tokenizer(["a"], []).encode("a\x1d")
        [0]
        """
        return [self.ids[chr(b)] for b in symbol.encode("utf-8") if b < 0x80 and chr(b) in self.ids]

    def piece_bytes(self, token_id):
        """The raw bytes one token stands for (a token may hold half of a UTF-8 character)."""
        symbol = self.tokens[token_id]
        if all(c in CHAR_TO_BYTE for c in symbol):
            return bytes(CHAR_TO_BYTE[c] for c in symbol)
        return symbol.encode("utf-8")          # special tokens are stored as plain text

    def pieces(self, ids):
        """Each token's text (bytes decoded leniently: a split emoji shows as '�').

        Example:
        >>> Tokenizer(["h", "i", "Ġ", "hi"], ["h i"]).pieces([3, 2, 3])
        ['hi', ' ', 'hi']
        """
        return [self.piece_bytes(i).decode("utf-8", errors="replace") for i in ids]

    def decode(self, ids):
        """Token ids -> text (bytes joined first, so split characters come back whole)."""
        return b"".join(self.piece_bytes(i) for i in ids).decode("utf-8", errors="replace")
