"""The model's own input embeddings: which tokens sit near each other in its lookup table.

Before the first layer, a model replaces each token id by one row of a matrix, `token_embd.weight`
in a GGUF (49,152 rows of 576 numbers for SmolLM2-135M). Training moves rows that play the same
part in text close together, so the nearest rows to " king" are other royals. "Near" is cosine
similarity: the angle between two rows, whatever their length.

    E = matrix(path)                    # gguf-py reads and dequantizes the table (Q8_0 -> float32)
    U = unit(E)                         # every row scaled to length 1: a dot product is a cosine
    nearest(U, U[42], 5, exclude={42})  # the 5 ids most similar to id 42, with their cosines

An analogy is arithmetic on rows: king - man + woman, then its nearest token (word2vec's famous
test, Mikolov et al. 2013). A map is the rows projected on their two main directions (PCA).

Example:
>>> U = unit(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]))
>>> nearest(U, U[0], 1, exclude={0})
[(1, 0.993884)]
"""

from __future__ import annotations

import functools
import re

import numpy as np

from build_hooks.model import gguf
from demos.tokenizers.pieces import SPACE_MARK, byte_encode

TENSOR = "token_embd.weight"


@functools.cache
def matrix(path: str) -> np.ndarray:
    """The input embedding table as float32 (n_vocab x n_embd), read with gguf-py (not llama.cpp)."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    tensor = next((t for t in GGUFReader(str(path)).tensors if t.name == TENSOR), None)
    if tensor is None:
        raise ValueError(f"{path} has no `{TENSOR}` tensor: the embeddings snapshot needs a model with an "
                         "input embedding table")
    return np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero), in float64 for stable dot products."""
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def nearest(units: np.ndarray, vector: np.ndarray, top: int, exclude=frozenset()) -> list[tuple[int, float]]:
    """The `top` rows most similar to `vector` (cosine), most similar first; ties go to the lower id."""
    sims = units @ unit(vector)
    sims[list(exclude)] = -np.inf
    order = np.lexsort((np.arange(len(sims)), -sims))[:top]
    return [(int(i), round(float(sims[i]), 6)) for i in order]


def pca2(rows: np.ndarray) -> np.ndarray:
    """Each row's coordinates on the two main directions of `rows` (centred). A direction's sign is
    arbitrary: we turn each so that its largest component is positive, so the map never flips.

    Example:
    >>> pca2(np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.1]]))[:, 0].round(2).tolist()
    [-1.67, -0.67, 2.33]
    """
    centred = rows - rows.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2][np.arange(2), np.abs(vt[:2]).argmax(axis=1)])[:, None]
    return centred @ axes.T


TERM = re.compile(r"\s*([+-]?)\s*([^\s+-][^+-]*?)\s*(?=[+-]|$)")


def terms(analogy: str) -> list[tuple[int, str]]:
    """"king - man + woman" -> [(1, 'king'), (-1, 'man'), (1, 'woman')].

    Example:
    >>> terms("Paris - France + Germany")
    [(1, 'Paris'), (-1, 'France'), (1, 'Germany')]
    """
    found = TERM.findall(analogy)
    if not found or "".join(s + w for s, w in found).replace(" ", "") != analogy.replace(" ", ""):
        raise ValueError(f"analogy {analogy!r} must be words joined by + and -, e.g. \"king - man + woman\"")
    return [(-1 if sign == "-" else 1, word) for sign, word in found]


def piece(word: str, tokenizer: str) -> str | None:
    """How the vocabulary writes " word" (with its leading space, as inside a sentence) as ONE token:
    byte-level BPE ("gpt2") writes each UTF-8 byte as a printable character (a space is 'Ġ'),
    SentencePiece ("llama") and Gemma 4's BPE ("gemma4") write a space as '▁'. None for a
    tokenizer type whose pieces we do not know how to spell.

    Example:
    >>> piece("king", "gpt2"), piece("king", "llama"), piece("king", "bert")
    ('Ġking', '▁king', None)
    """
    if tokenizer == "gpt2":
        return byte_encode(" " + word)
    if tokenizer in ("llama", "gemma4"):
        return (" " + word).replace(" ", SPACE_MARK)
    return None


def lookup(word: str, tokens: list[str], tokenizer: str) -> int | None:
    """The id of the vocabulary piece that is " word" whole, or None when the vocabulary lacks it.

    Example:
    >>> lookup("hi", ["h", "Ġhi", "i"], "gpt2"), lookup("ho", ["h", "Ġhi"], "gpt2")
    (1, None)
    """
    spelled = piece(word, tokenizer)
    return tokens.index(spelled) if spelled is not None and spelled in tokens else None


def study(path, model, words: list[str], top: int, analogies: list[str], map_top: int = 4) -> dict:
    """Nearest tokens of each word and of each analogy, and a 2-D map of the words with their nearest.

    A word is the vocabulary piece " word" (with its leading space, as inside a sentence), looked up
    in the GGUF's own token list (tokenizer.ggml.tokens, spelled as its tokenizer type spells
    pieces). A word the vocabulary does not hold whole is the MEAN of the rows of the tokens the
    model's tokenizer (llama.cpp's, through `model`) cuts it into: such a word records its `ids`
    (not one `id`), and the table marks it "(N tokens, mean)". Its own tokens are left out of its
    neighbours, as a whole word is left out of its own.
    """
    table = matrix(str(path))
    units = unit(table)
    md = gguf.read(str(path), arrays=True).metadata
    tokenizer = md.get("tokenizer.ggml.model")
    tokens = list(md.get("tokenizer.ggml.tokens", []))
    # how the word appears mid-sentence: SentencePiece adds the leading space itself
    spaced = bool(md.get("tokenizer.ggml.add_space_prefix", tokenizer == "llama"))

    def word_entry(word: str, where: str) -> dict:
        """{"id": one token} for a word the vocabulary holds whole, else {"ids": its tokens}."""
        i = lookup(word, tokens, tokenizer)
        if i is not None:
            return {"id": i}
        ids = model.tokenize(word if spaced else " " + word, prompt=False)
        if not ids:
            raise ValueError(f"embeddings: {where} {word!r} gives no tokens: pick a word the model can spell")
        if len(ids) == 1:
            return {"id": ids[0]}
        return {"ids": ids, "pieces": [model.text(i) for i in ids]}

    def vector(entry: dict) -> np.ndarray:
        return units[entry["id"]] if "id" in entry else unit(table[entry["ids"]].mean(axis=0))

    def own(entry: dict) -> set[int]:
        return {entry["id"]} if "id" in entry else set(entry["ids"])

    def entries(pairs):
        return [{"id": i, "text": model.text(i), "similarity": s} for i, s in pairs]

    rows, vectors = [], {}
    for word in words:
        e = word_entry(word, "word")
        text = model.text(e["id"]) if "id" in e else " " + word
        vectors[word] = vector(e)
        neighbours = entries(nearest(units, vectors[word], top, own(e)))
        rows.append({"word": word, **e, "text": text, "neighbours": neighbours})
    sums = []
    for analogy in analogies:
        parts = [(sign, word, word_entry(word, f"analogy {analogy!r}: word")) for sign, word in terms(analogy)]
        total = sum(sign * vector(e) for sign, _, e in parts)
        sums.append({"analogy": analogy, "terms": [{"sign": s, "word": w, **e} for s, w, e in parts],
                     "neighbours": entries(nearest(units, total, top, set().union(*(own(e) for _, _, e in parts))))})
    # the map: each word and its `map_top` nearest tokens, projected together (a mean word: its mean row)
    points, seen = [], set()
    for row in rows:
        query = {"id": row.get("id"), "text": row["text"], "vector": vectors[row["word"]]}
        for j, e in enumerate([query] + row["neighbours"][:map_top]):
            if e["id"] is None or e["id"] not in seen:
                seen.add(e["id"])
                points.append({"id": e["id"], "text": e["text"], "group": row["word"], "query": j == 0,
                               "vector": e.get("vector", units[e["id"]] if e["id"] is not None else None)})
    xy = pca2(np.array([p.pop("vector") for p in points])) if len(points) > 2 else np.zeros((len(points), 2))
    for p, (x, y) in zip(points, xy):
        if p["id"] is None:
            del p["id"]
        p["x"], p["y"] = round(float(x), 6), round(float(y), 6)
    return {"tensor": TENSOR, "rows": int(units.shape[0]), "dims": int(units.shape[1]), "top": top,
            "words": rows, "analogies": sums, "map_top": map_top, "map": points}
