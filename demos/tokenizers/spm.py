"""llama.cpp's "llama" tokenizer: SentencePiece-style BPE with scores (Llama 2, Mistral, Gemma 1-3, Phi-3).

No regex cuts the text first. Spaces become '▁' (U+2581), a '▁' is put in front of the text
(`add_space_prefix`, on unless the GGUF says otherwise), and then the whole text is merged
symbol by symbol: the adjacent pair whose JOINED text is a token with the best score goes
first (no merge list: the scores decide). A piece that ends up outside the vocabulary is
spelled as byte tokens <0xE2> <0x9C> <0x93> ("byte fallback").

Example:
>>> tok = SPMTokenizer({"tokens": ["<unk>", "▁", "h", "i", "hi", "▁hi"], "scores": [0, -5, -3, -3, -1, -0.5]})
>>> tok.encode("hi")
[5]
"""

import heapq

from demos.tokenizers.pieces import SPACE_MARK
from demos.tokenizers.special import partition


def piece_bytes_sentencepiece(piece):
    """The bytes a SentencePiece token stands for: '▁' is a space, '<0x0A>' is the byte 0x0A.

    Example:
    >>> piece_bytes_sentencepiece("▁cat"), piece_bytes_sentencepiece("<0x0A>")
    (b' cat', b'\\n')
    """
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return bytes([int(piece[3:5], 16)])
        except ValueError:
            pass
    return piece.replace(SPACE_MARK, " ").encode("utf-8")


class SPMTokenizer:
    """Score-driven merging over characters, with byte fallback (llama.cpp's llm_tokenizer_spm)."""

    def __init__(self, vocab):
        self.tokens = vocab["tokens"]
        self.scores = vocab["scores"]
        self.ids = dict(zip(self.tokens, range(len(self.tokens))))
        self.add_space_prefix = vocab.get("add_space_prefix", True)
        self.specials = {self.tokens[i]: i for i in vocab.get("specials", [])}
        self.lstrip, self.rstrip = set(vocab.get("lstrip", [])), set(vocab.get("rstrip", []))

    def encode(self, text):
        """Text -> ids, as llama.cpp's tokenize(text, add_special=False, parse_special=False).

        Each run of text after the start or after a special token gets the '▁' prefix.
        """
        ids, after_special = [], True
        for piece in partition(text, self.specials, self.lstrip, self.rstrip):
            if isinstance(piece, int):
                ids.append(piece)
                after_special = True
                continue
            if self.add_space_prefix and after_special:
                piece = " " + piece
            ids.extend(self.encode_piece(piece.replace(" ", SPACE_MARK)))
            after_special = False
        return ids

    def encode_piece(self, text):
        """Merge the characters of text, best-scoring joined token first (leftmost on a tie).

        A merge only happens when the joined text is a token, so every merged piece is a token;
        a single character that is not one is spelled in byte tokens (llama.cpp's resegment()).

        Example:
        >>> SPMTokenizer({"tokens": ["a", "b", "ab"], "scores": [0, 0, 1]}).encode_piece("abab")
        [2, 2]
        """
        text_of = list(text)
        n = len(text_of)
        prev, nxt = list(range(-1, n - 1)), [*range(1, n), -1]
        heap = []

        def push(left, right):
            if left < 0 or right < 0:
                return
            joined = text_of[left] + text_of[right]
            token = self.ids.get(joined)
            if token is None:
                return
            heapq.heappush(heap, (-self.scores[token], left, right, len(joined)))

        for i in range(n - 1):
            push(i, i + 1)
        while heap:
            _, left, right, size = heapq.heappop(heap)
            if not text_of[left] or not text_of[right] or len(text_of[left]) + len(text_of[right]) != size:
                continue                      # stale: one side changed since this pair was queued
            text_of[left], text_of[right] = text_of[left] + text_of[right], ""
            nxt[left] = nxt[right]
            if nxt[left] >= 0:
                prev[nxt[left]] = left
            push(prev[left], left)
            push(left, nxt[left])
        ids = []
        for piece in filter(None, text_of):
            token = self.ids.get(piece)
            ids.extend([token] if token is not None else [self.byte_token(b) for b in piece.encode("utf-8")])
        return ids

    def byte_token(self, b):
        """llama.cpp's byte_to_token(): '<0x41>', else the byte itself as a one-character token."""
        token = self.ids.get(f"<0x{b:02X}>")
        if token is None:
            token = self.ids.get(chr(b)) if b < 0x80 else None
        if token is None:
            raise KeyError(f"the vocabulary has no token for byte 0x{b:02X} (llama.cpp aborts here too)")
        return token

    def piece_bytes(self, token_id):
        """The raw bytes one token stands for."""
        return piece_bytes_sentencepiece(self.tokens[token_id])

    def decode(self, ids):
        """Ids -> text (bytes joined first, so a character split over two tokens comes back whole)."""
        return b"".join(self.piece_bytes(i) for i in ids).decode("utf-8", errors="replace")
