"""Beam search: keep the `width` best partial continuations at every step.

Greedy decoding keeps one path: at each step it takes the most likely next token.
That can walk into a dead end: a likely first token followed by unlikely ones.
Beam search keeps `width` paths ("beams") alive instead. At each step it expands
every beam by its best next tokens, scores each candidate by the SUM of its
log-probabilities (= log of the product of probabilities), and keeps the best
`width` candidates. Width 1 is exactly greedy decoding.

The model is hidden behind one function, `expand(prefix)`, so the same search
runs against llama.cpp at build time and against a recorded tree in the browser.
"""


def beam_search(expand, width, depth):
    """Return the final beams, best first, as a list of (prefix, cumulative logprob).

    expand(prefix) takes a tuple of token ids and returns the children of that
    prefix as (token_id, logprob) pairs, sorted by logprob, most likely first.
    A prefix with no children (end of text) is finished: it stays as it is.
    Ties are broken by token ids, so the result is deterministic.

    Example:
    >>> tree = {(): [(1, -0.5), (2, -0.75)],
    ...         (1,): [(3, -2.0), (4, -2.5)],
    ...         (2,): [(5, -0.25), (6, -3.0)]}
    >>> expand = lambda prefix: tree.get(prefix, [])
    >>> beam_search(expand, width=1, depth=2)   # greedy: 1 looked best first...
    [((1, 3), -2.5)]
    >>> beam_search(expand, width=2, depth=2)   # ...but 2 then 5 is far more likely
    [((2, 5), -1.0), ((1, 3), -2.5)]
    """
    if width < 1 or depth < 0:
        raise ValueError(f"need width >= 1 and depth >= 0, got width={width}, depth={depth}")
    beams = [((), 0.0)]
    for _ in range(depth):
        candidates = []
        for prefix, score in beams:
            children = expand(prefix)
            if not children:                      # finished: carry it over unchanged
                candidates.append((prefix, score))
                continue
            # Only a beam's top `width` children can make it into the top `width` overall.
            for token_id, logprob in children[:width]:
                candidates.append((prefix + (token_id,), score + logprob))
        beams = best(candidates, width)
    return beams


def best(candidates, width):
    """The `width` highest-scoring candidates; equal scores are ordered by their token ids.

    Example:
    >>> best([((2,), -1.0), ((1,), -1.0), ((3,), -0.5)], 2)
    [((3,), -0.5), ((1,), -1.0)]
    """
    return sorted(candidates, key=lambda c: (-c[1], c[0]))[:width]


def greedy(expand, depth):
    """Greedy decoding: the most likely token at every step (beam search of width 1).

    Example:
    >>> greedy(lambda p: [(len(p), -1.0), (9, -2.0)], 3)
    ((0, 1, 2), -3.0)
    """
    return beam_search(expand, 1, depth)[0]


def tree_expand(expansions):
    """Make an `expand` function from a recorded tree {"id1,id2": [{"id", "logprob"}, ...]}.

    This is the format of the build-time `beam` snapshot: the browser replays the
    model's choices without running the model.

    Example:
    >>> expand = tree_expand({"": [{"id": 7, "logprob": -0.1}], "7": []})
    >>> expand(()), expand((7,))
    ([(7, -0.1)], [])
    """
    def expand(prefix):
        children = expansions.get(",".join(map(str, prefix)), [])
        return [(c["id"], c["logprob"]) for c in children]
    return expand
