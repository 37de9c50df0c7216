"""Steps 2 and 3: byte-pair encoding of each word, best-ranked merge first ("gpt2" and "gemma4").

Each word becomes a row of symbols, then the adjacent pair with the best (lowest) merge rank
is glued together, again and again, until no listed merge applies. Each final symbol is looked
up in the vocabulary. Two flavours:

- byte-level (GPT-2, Llama 3, Qwen, SmolLM...): the word's UTF-8 bytes, each shown as one
  printable character ('Ġ' is the byte of a space), so any text at all can be encoded;
- raw UTF-8 (Gemma 4): the characters themselves, spaces written '▁'; a symbol missing from
  the vocabulary falls back to byte tokens '<0xE2>'.

Example:
>>> merge(["a", "b", "c"], {"a b": 0, "ab c": 1})
['abc']
"""

import heapq

from demos.tokenizers.pieces import CHAR_TO_BYTE, byte_encode
from demos.tokenizers.pretokenize import PreTokenizer
from demos.tokenizers.special import partition
from demos.tokenizers.spm import SPACE_MARK, piece_bytes_sentencepiece


def merge(symbols, ranks):
    """Glue adjacent symbols, lowest merge rank first (leftmost on a tie), as llama.cpp does.

    `ranks` maps "left right" (the GGUF's merge line) to its rank. A heap holds the candidate
    pairs; a pair whose symbols changed since it was pushed is stale and skipped. Linked
    prev/next indices make each merge O(log n), so a long line stays fast.

    Example:
    >>> merge(list("aaa"), {"a a": 0})
    ['aa', 'a']
    """
    n = len(symbols)
    if n < 2:
        return list(symbols)
    text = list(symbols)
    prev = list(range(-1, n - 1))
    nxt = [*range(1, n), -1]
    heap = []

    def push(left, right):
        rank = ranks.get(text[left] + " " + text[right])
        if rank is not None:
            heapq.heappush(heap, (rank, left, right, text[left] + text[right]))

    for i in range(n - 1):
        push(i, i + 1)
    while heap:
        _, left, right, joined = heapq.heappop(heap)
        if not text[left] or not text[right] or text[left] + text[right] != joined:
            continue                      # stale: one side was merged away or grew
        text[left], text[right] = joined, ""
        nxt[left] = nxt[right]
        if nxt[left] >= 0:
            prev[nxt[left]] = left
            push(left, nxt[left])
        if prev[left] >= 0:
            push(prev[left], left)
    return [t for t in text if t]


class BPETokenizer:
    """llama.cpp's "gpt2" tokenizer (and Gemma 4's raw-UTF-8 variant) over a loaded vocabulary.

    `vocab` is what vocab.loads() returns: tokens, merges, pre, specials...

    Example:
    >>> tok = BPETokenizer({"tokens": ["a", "b", "ab", "Ġ", "Ġab"], "merges": ["a b", "Ġ ab"], "pre": "gpt-2"})
    >>> tok.encode("ab ab")
    [2, 4]
    """

    def __init__(self, vocab):
        self.tokens = vocab["tokens"]
        self.ids = dict(zip(self.tokens, range(len(self.tokens))))    # a repeated token: the last id wins
        merges = vocab["merges"]
        # a repeated merge: the FIRST rank wins (llama.cpp's map.emplace), hence reversed
        self.ranks = dict(zip(reversed(merges), range(len(merges) - 1, -1, -1)))
        self.pre = PreTokenizer(vocab.get("pre"))
        self.specials = {self.tokens[i]: i for i in vocab.get("specials", [])}
        self.lstrip, self.rstrip = set(vocab.get("lstrip", [])), set(vocab.get("rstrip", []))
        self.cache = {}

    def encode(self, text):
        """Text -> ids, as llama.cpp's tokenize(text, add_special=False, parse_special=False)."""
        ids = []
        for piece in partition(text, self.specials, self.lstrip, self.rstrip):
            if isinstance(piece, int):
                ids.append(piece)
                continue
            if self.pre.escape_spaces:
                piece = piece.replace(" ", SPACE_MARK)
            for word in self.pre.split(piece):
                ids.extend(self.word_ids(word))
        return ids

    def word_ids(self, word):
        """The ids of one pre-tokenized word (cached: words repeat a lot)."""
        if word in self.cache:
            return self.cache[word]
        symbols = word if self.pre.raw_utf8 else byte_encode(word)
        whole = self.ids.get(symbols)
        if whole is not None and (self.pre.ignore_merges or (self.pre.type == "GEMMA4" and not word.strip("\n"))):
            ids = [whole]                     # the word is a token already: no merging
        else:
            ids = []
            for symbol in merge(list(symbols), self.ranks):
                token = self.ids.get(symbol)
                ids.extend([token] if token is not None else self.byte_fallback(symbol))
        if len(self.cache) < 100_000:
            self.cache[word] = ids
        return ids

    def byte_fallback(self, symbol):
        """Ids for a symbol the vocabulary lacks: llama.cpp looks each of its UTF-8 bytes up alone
        (as '<0xE2>' in raw-UTF-8 vocabularies) and silently drops the bytes it can't find.

        Example:
        >>> BPETokenizer({"tokens": ["a"], "merges": [], "pre": "gpt-2"}).encode("a\\x1d")
        [0]
        """
        ids = []
        for b in symbol.encode("utf-8"):
            key = f"<0x{b:02X}>" if self.pre.raw_utf8 else chr(b) if b < 0x80 else None
            if key in self.ids:
                ids.append(self.ids[key])
        return ids

    def piece_bytes(self, token_id):
        """The raw bytes one token stands for (a token may hold half of a UTF-8 character)."""
        piece = self.tokens[token_id]
        if self.pre.raw_utf8:
            return piece_bytes_sentencepiece(piece)
        if all(c in CHAR_TO_BYTE for c in piece):
            return bytes(CHAR_TO_BYTE[c] for c in piece)
        return piece.encode("utf-8")          # special tokens are stored as plain text

    def decode(self, ids):
        """Ids -> text (bytes joined first, so a character split over two tokens comes back whole)."""
        return b"".join(self.piece_bytes(i) for i in ids).decode("utf-8", errors="replace")
