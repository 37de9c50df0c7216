"""CPython unit tests for the demos package (the same code Pyodide runs in the browser).

Every module's `Example:` docstrings run as doctests here too.
"""

import doctest
import importlib
import itertools
import math
import random
from pathlib import Path

import pytest

from demos import beam, ngram, sampling, web

ROOT = Path(__file__).resolve().parents[1]
# Every module readers see (demos/, shown on slides and run in Pyodide) teaches by example: each has
# `Example:` doctests, which pytest's --doctest-modules runs (pyproject.toml).
DEMO_MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                      for p in (ROOT / "demos").rglob("*.py") if p.name != "__init__.py" or p.parent.name != "demos")


# --- doctests: every example on the slides is true -------------------------------------------

@pytest.mark.parametrize("name", DEMO_MODULES)
def test_every_demo_module_has_examples(name):
    examples = doctest.DocTestFinder().find(importlib.import_module(name))
    assert sum(len(t.examples) for t in examples) > 0, f"{name} has no Example: doctests"


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


# --- sampling ------------------------------------------------------------------------------

SCORES = [math.log(p) for p in (0.4, 0.25, 0.15, 0.1, 0.06, 0.04)]


def total(kept):
    return sum(p for _, p in kept)


def test_temperature_one_is_the_model_distribution():
    kept = sampling.distribution(SCORES)
    assert [i for i, _ in kept] == [0, 1, 2, 3, 4, 5]
    assert [p for _, p in kept] == pytest.approx([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])


def test_temperature_zero_is_argmax_whatever_the_filters():
    for k, p in [(0, 1.0), (3, 0.5), (1, 0.01)]:
        assert sampling.distribution(SCORES, 0, k, p) == [(0, 1.0)]
    assert sampling.softmax([1.0, 3.0, 3.0], 0) == [0.0, 1.0, 0.0]   # tie: the first one


def test_huge_temperature_is_uniform_over_the_kept_set():
    for t in (1e9, sampling.INF):
        kept = sampling.distribution(SCORES, t, top_k=4)
        assert [i for i, _ in kept] == [0, 1, 2, 3]          # the ranking stays the model's
        assert [p for _, p in kept] == pytest.approx([0.25] * 4)
    kept = sampling.distribution(SCORES, sampling.INF)
    assert [p for _, p in kept] == pytest.approx([1 / 6] * 6)


def test_lower_temperature_sharpens():
    hot, cold = sampling.softmax(SCORES, 2.0), sampling.softmax(SCORES, 0.5)
    assert cold[0] > 0.4 > hot[0]
    assert sum(hot) == pytest.approx(1) and sum(cold) == pytest.approx(1)


def test_top_k_one_keeps_one_token():
    assert sampling.distribution(SCORES, 1.0, top_k=1) == [(0, 1.0)]
    assert sampling.distribution(SCORES, 3.0, top_k=1) == [(0, 1.0)]


def test_top_k_renormalizes():
    kept = sampling.distribution(SCORES, top_k=2)
    assert [p for _, p in kept] == pytest.approx([0.4 / 0.65, 0.25 / 0.65])


def test_top_p_is_the_smallest_set_reaching_p():
    # cumulative: 0.4, 0.65, 0.8, 0.9, 0.96, 1.0
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.65)] == [0, 1]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.66)] == [0, 1, 2]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.9)] == [0, 1, 2, 3]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=1.0)] == [0, 1, 2, 3, 4, 5]


def test_tiny_top_p_keeps_only_the_top_token():
    assert sampling.distribution(SCORES, 1.0, top_p=1e-9) == [(0, 1.0)]
    assert sampling.distribution(SCORES, 50.0, top_p=0.01) == [(0, 1.0)]


def test_cuts_use_the_models_probabilities_and_temperature_comes_last():
    # The talk's definition: top-k and top-p choose the tokens on the model's own (T = 1)
    # probabilities; temperature then applies only to them. So the kept set never depends on T,
    # and T = inf is uniform over exactly that set.
    for t in (0.2, 1.0, 5.0, sampling.INF):
        assert [i for i, _ in sampling.distribution(SCORES, t, top_p=0.65)] == [0, 1]
    assert sampling.distribution(SCORES, sampling.INF, top_p=0.65) == [(0, 0.5), (1, 0.5)]
    # top-p is measured after top-k: top-3 renormalizes to (0.5, 0.3125, 0.1875)
    assert len(sampling.distribution(SCORES, 1.0, top_k=3, top_p=0.8)) == 2
    assert len(sampling.distribution(SCORES, 1.0, top_k=3, top_p=0.82)) == 3


def test_kept_probabilities_sum_to_one():
    rng = random.Random(5)
    for _ in range(200):
        scores = [rng.uniform(-10, 0) for _ in range(rng.randint(1, 30))]
        kept = sampling.distribution(scores, rng.choice([0, 0.3, 1, 2, 1e6, sampling.INF]),
                                     rng.randint(0, 10), rng.uniform(0.001, 1))
        assert total(kept) == pytest.approx(1)
        assert [p for _, p in kept] == sorted((p for _, p in kept), reverse=True)


def test_seeded_draws_repeat_and_follow_the_distribution():
    a = sampling.sample(SCORES, n=50, seed=7)
    assert a == sampling.sample(SCORES, n=50, seed=7)
    assert a != sampling.sample(SCORES, n=50, seed=8)
    draws = [i for i, _ in sampling.sample(SCORES, n=4000, seed=1)]
    assert draws.count(0) / 4000 == pytest.approx(0.4, abs=0.03)
    assert {i for i, _ in sampling.sample(SCORES, n=200, top_k=2, seed=1)} == {0, 1}


def test_bad_temperature():
    with pytest.raises(ValueError):
        sampling.softmax([0.0], -1)


# --- n-grams -------------------------------------------------------------------------------

CORPUS = (ROOT / "slides" / "corpus" / "coriolanus.txt").read_text(encoding="utf-8")


def test_counts_and_probabilities():
    m = ngram.NGram(2, "char").train("abab")
    assert m.counts[2] == {("a", "b"): 2, ("b", "a"): 1}
    assert m.next_tokens("a") == [("b", 1.0)]
    assert m.next_tokens("zzb") == [("a", 1.0)]              # only the last n-1 tokens count


def test_unigram_ignores_context():
    m = ngram.NGram(1, "word").train("a a b")
    assert m.next_tokens(["b"]) == m.next_tokens([]) == [("a", pytest.approx(2 / 3)), ("b", pytest.approx(1 / 3))]


def test_backoff_to_shorter_context():
    m = ngram.NGram(4, "char").train("hello")
    assert m.next_counts("xyl") == {"l": 1, "o": 1}         # "xyl" unseen, "yl" unseen, "l" seen
    assert m.next_counts("") == {"h": 1, "e": 1, "l": 2, "o": 1}


def test_chunked_training_equals_one_shot():
    for level in ("char", "word"):
        for n in (1, 3, 6):
            whole = ngram.NGram(n, level).train(CORPUS)
            parts = ngram.NGram(n, level)
            job = web.Training(CORPUS, n, level, slice_chars=997)
            while job.step() < 1:
                pass
            assert job.model.counts == whole.counts, (level, n)
            if level == "char":
                for i in range(0, len(CORPUS), 1500):
                    parts.train(CORPUS[i:i + 1500])
                assert parts.counts == whole.counts


def test_generation_is_seeded_and_uses_corpus_tokens():
    m = ngram.NGram(3, "word").train(CORPUS)
    a = m.generate(30, "First", temperature=1.0, seed=4)
    assert a == m.generate(30, "First", temperature=1.0, seed=4)
    assert a != m.generate(30, "First", temperature=1.0, seed=5)
    vocab = set(ngram.tokenize(CORPUS, "word"))
    assert set(ngram.tokenize(a, "word")) <= vocab


def test_temperature_zero_generation_is_deterministic_and_greedy():
    m = ngram.NGram(3, "char").train(CORPUS)
    a = m.generate(40, "The ", temperature=0, seed=1)
    assert a == m.generate(40, "The ", temperature=0, seed=99)
    ctx = "The "
    top = m.next_tokens(ctx)[0][0]
    assert a[4] == top


def test_high_n_memorizes():
    m = ngram.NGram(6, "char").train(CORPUS)
    sample = m.generate(200, CORPUS[:5], temperature=1.0, seed=3)
    # every 6 characters it writes were seen together in the corpus: it recombines, never invents
    assert all(sample[i:i + 6] in CORPUS for i in range(len(sample) - 5))


def test_n_and_level_are_checked():
    with pytest.raises(ValueError):
        ngram.NGram(7)
    with pytest.raises(ValueError):
        ngram.NGram(0)
    with pytest.raises(ValueError):
        ngram.tokenize("x", "byte")


def test_word_trigrams_on_one_megabyte_are_fast():
    import time
    text = (CORPUS * (1_000_000 // len(CORPUS) + 1))[:1_000_000]
    t = time.perf_counter()
    ngram.NGram(3, "word").train(text)
    assert time.perf_counter() - t < 1.5     # CPython; bench/browser.py measures Pyodide
