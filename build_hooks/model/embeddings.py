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


def study(path, model, words: list[str], top: int, analogies: list[str], map_top: int = 4) -> dict:
    """Nearest tokens of each word and of each analogy, and a 2-D map of the words with their nearest.

    A word is looked up as the token " word" (with its leading space, as inside a sentence); it must
    be ONE token of the model's vocabulary. `model` tokenizes and names tokens (llama.cpp's tokenizer).
    """
    units = unit(matrix(str(path)))

    def token(word: str, where: str) -> int:
        ids = model.tokenize(" " + word, prompt=False)
        if len(ids) != 1:
            pieces = ", ".join(repr(model.text(i)) for i in ids)
            raise ValueError(f"embeddings: {where} {word!r} is {len(ids)} tokens ({pieces}), not one; the table has "
                             "one row per token: pick a word the vocabulary holds whole (looked up with its "
                             "leading space)")
        return ids[0]

    def entries(pairs):
        return [{"id": i, "text": model.text(i), "similarity": s} for i, s in pairs]

    rows = []
    for word in words:
        i = token(word, "word")
        rows.append({"word": word, "id": i, "text": model.text(i),
                     "neighbours": entries(nearest(units, units[i], top, {i}))})
    sums = []
    for analogy in analogies:
        parts = [(sign, word, token(word, f"analogy {analogy!r}: word")) for sign, word in terms(analogy)]
        vector = sum(sign * units[i] for sign, _, i in parts)
        sums.append({"analogy": analogy, "terms": [{"sign": s, "word": w, "id": i} for s, w, i in parts],
                     "neighbours": entries(nearest(units, vector, top, {i for _, _, i in parts}))})
    # the map: each word and its `map_top` nearest tokens, projected together
    points = []
    for row in rows:
        for j, e in enumerate([{"id": row["id"], "text": row["text"]}] + row["neighbours"][:map_top]):
            if e["id"] not in {p["id"] for p in points}:
                points.append({"id": e["id"], "text": e["text"], "group": row["word"], "query": j == 0})
    xy = pca2(units[[p["id"] for p in points]]) if len(points) > 2 else np.zeros((len(points), 2))
    for p, (x, y) in zip(points, xy):
        p["x"], p["y"] = round(float(x), 6), round(float(y), 6)
    return {"tensor": TENSOR, "rows": int(units.shape[0]), "dims": int(units.shape[1]), "top": top,
            "words": rows, "analogies": sums, "map_top": map_top, "map": points}
