"""CPython unit tests for the demos package (the same code Pyodide runs in the browser).

Every module's `Example:` docstrings run as doctests here too.
"""

import doctest
import importlib
import itertools
import math
import random

import pytest

from demos import beam

DEMO_MODULES = ["demos.beam"]


# --- doctests: every example on the slides is true -------------------------------------------

@pytest.mark.parametrize("name", DEMO_MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no Example: doctests"
    assert result.failed == 0


# --- beam search ---------------------------------------------------------------------------

def random_tree(seed, branching=4, depth=4):
    """A random model: every prefix has `branching` children with log-probs that sum to log(1)."""
    rng = random.Random(seed)
    tree = {}
    for d in range(depth):
        for prefix in itertools.product(range(branching), repeat=d):
            weights = [rng.random() + 0.01 for _ in range(branching)]
            total = sum(weights)
            kids = [(i, math.log(w / total)) for i, w in enumerate(weights)]
            tree[prefix] = sorted(kids, key=lambda c: (-c[1], c[0]))
    return lambda prefix: tree.get(prefix, [])


def exhaustive(expand, depth):
    paths = [((), 0.0)]
    for _ in range(depth):
        paths = [(p + (t,), s + lp) for p, s in paths for t, lp in expand(p)]
    return sorted(paths, key=lambda c: (-c[1], c[0]))


def test_beam_width_one_is_greedy():
    expand = random_tree(1)
    prefix, score = (), 0.0
    for _ in range(4):
        token, lp = expand(prefix)[0]
        prefix, score = prefix + (token,), score + lp
    assert beam.beam_search(expand, 1, 4) == [(prefix, pytest.approx(score))]
    assert beam.greedy(expand, 4)[0] == prefix


def test_full_width_beam_is_exhaustive_search():
    for seed in range(5):
        expand = random_tree(seed, branching=3, depth=3)
        want = exhaustive(expand, 3)[:27]
        got = beam.beam_search(expand, 27, 3)
        assert [p for p, _ in got] == [p for p, _ in want]


def test_wider_beams_never_score_worse():
    for seed in range(10):
        expand = random_tree(seed)
        scores = [beam.beam_search(expand, w, 4)[0][1] for w in (1, 2, 3, 4)]
        assert scores == sorted(scores)


def test_beams_sorted_best_first_and_distinct():
    got = beam.beam_search(random_tree(3), 3, 4)
    assert len(got) == 3 and len({p for p, _ in got}) == 3
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_ties_break_by_token_id():
    expand = lambda prefix: [(5, -1.0), (2, -1.0), (9, -1.0)] if len(prefix) < 2 else []
    expand_sorted = lambda prefix: sorted(expand(prefix), key=lambda c: (-c[1], c[0]))
    got = beam.beam_search(expand_sorted, 2, 2)
    assert got == [((2, 2), -2.0), ((2, 5), -2.0)]


def test_finished_beams_are_kept():
    tree = {(): [(1, -0.1), (2, -3.0)], (1,): [], (2,): [(3, -0.1)]}
    got = beam.beam_search(lambda p: tree.get(p, []), 2, 3)
    assert got[0] == ((1,), -0.1)
    assert got[1][0] == (2, 3)


def test_depth_zero_and_bad_width():
    assert beam.beam_search(random_tree(0), 3, 0) == [((), 0.0)]
    with pytest.raises(ValueError):
        beam.beam_search(random_tree(0), 0, 3)


def test_tree_expand_replays_a_snapshot():
    expansions = {"": [{"id": 1, "text": "a", "logprob": -0.5}, {"id": 2, "text": "b", "logprob": -0.75}],
                  "1": [{"id": 3, "text": "c", "logprob": -2.0}],
                  "2": [{"id": 5, "text": "d", "logprob": -0.25}]}
    got = beam.beam_search(beam.tree_expand(expansions), 2, 2)
    assert got == [((2, 5), -1.0), ((1, 3), -2.5)]
