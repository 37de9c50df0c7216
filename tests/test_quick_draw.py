"""The live widget's draws are demos/sampling.py's draws, token for token (demos/quick.py's shortcut).

The reference is the deck's own definition run on the whole vocabulary: sampling.distribution()
over every token's log-probability, then sampling.draw() with the same seeded stream. The
distributions look like the engine's: float32 probabilities, most likely first, ties, and a tail
rounded to exactly 0.
"""

import array
import math
import random

import pytest

from demos import live, quick, sampling

VOCAB = 49_152


def engine_like(seed, n=VOCAB, spread=4.0, ties=0):
    """A softmax over n gaussian logits in float32 as wllama's getLogits gives it: sorted, most likely first."""
    rng = random.Random(seed)
    logits = [rng.gauss(0, spread) for _ in range(n)]
    for _ in range(ties):                                  # equal probabilities keep index order
        i, j = rng.randrange(n), rng.randrange(n)
        logits[j] = logits[i]
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = math.fsum(exps)
    probs = array.array("f", sorted((e / total for e in exps), reverse=True)).tolist()   # float32 values
    ids = rng.sample(range(n), n)
    return ids, probs


def reference(ids, probs, temperature, top_k, top_p, min_p, seed, step):
    """sampling.py on the whole vocabulary, as demos/live.draw did before any shortcut."""
    ids, scores, _ = live._scores(ids, probs)
    kept = sampling.distribution(scores, float(temperature), top_k, top_p, min_p)
    index, u = sampling.draw(kept, random.Random(seed * 1_000_003 + step))
    return ids[index], u, dict(kept)[index]


SETTINGS = [(t, k, p, m) for t in (0, 0.7, 1, 1.6, sampling.INF) for k in (0, 1, 40) for p in (1.0, 0.9, 0.3)
            for m in (0.0, 0.05)]


@pytest.mark.parametrize("spread", [1.0, 4.0, 14.0])       # flat, typical, sure (many float32 zeros)
def test_every_draw_is_the_one_sampling_py_gives_on_the_whole_vocabulary(spread):
    ids, probs = engine_like(int(spread), n=6000, spread=spread, ties=50)
    assert probs[-1] == 0 or spread < 14, "the sure case must have tokens rounded to 0"
    quick_used = 0
    for n, (t, k, p, m) in enumerate(SETTINGS):
        for step in range(3):
            seed = 7 * n + step
            got = live.draw(ids, probs, t, k, p, seed=seed, step=step, min_p=m)
            want = reference(ids, probs, t, k, p, m, seed, step)
            assert (got["id"], got["u"]) == want[:2], (t, k, p, m, seed)
            assert got["after"] == pytest.approx(want[2], rel=1e-8)
            quick_used += quick.quick(probs, float(t), k, p, m, random.Random(seed * 1_000_003 + step)) is not None
    assert quick_used >= 0.8 * 3 * len(SETTINGS), "the shortcut is hardly ever taken: no speed gained"


def test_at_t_1_over_the_whole_vocabulary_the_shortcut_is_taken_and_exact():
    """The widget's default case over 49,152 tokens, 60 draws: every one by the shortcut, every one sampling.py's."""
    ids, probs = engine_like(11)
    for step in range(60):
        assert quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(3 * 1_000_003 + step)) is not None
        got = live.draw(ids, probs, 1, 0, 1.0, seed=3, step=step)
        assert (got["id"], got["u"]) == reference(ids, probs, 1, 0, 1.0, 0.0, 3, step)[:2]


def test_a_u_on_the_edge_of_a_slice_is_left_to_the_full_computation():
    """Probabilities built so that u lands 1e-13 from where one token's slice ends: the shortcut
    cannot tell which side the true total puts it, says so, and the full computation decides."""
    u = random.Random(5 * 1_000_003).random()
    for side in (-1e-13, 1e-13):
        head = [u / 2 + side, u / 2]                                   # the first two slices end at u + side
        rest = (1 - sum(head)) / 30
        probs = sorted(head + [rest] * 30, reverse=True)
        ids = list(range(len(probs)))
        assert quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(5 * 1_000_003)) is None
        assert (live.draw(ids, probs, seed=5)["id"], live.draw(ids, probs, seed=5)["u"]) == \
            reference(ids, probs, 1, 0, 1.0, 0.0, 5, 0)[:2]


def test_an_unranked_distribution_takes_the_full_computation_and_the_same_answer():
    ids, probs = engine_like(2, n=3000)
    order = random.Random(0).sample(range(3000), 3000)
    ids, probs = [ids[i] for i in order], [probs[i] for i in order]
    assert quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(0)) is None
    for step in range(20):
        got = live.draw(ids, probs, seed=1, step=step)
        assert (got["id"], got["u"]) == reference(ids, probs, 1, 0, 1.0, 0.0, 1, step)[:2]


@pytest.mark.parametrize("spread", [1.0, 4.0, 14.0])
def test_with_what_the_page_knows_every_draw_is_still_sampling_pys(spread):
    """The page reads the engine's arrays once and says what it found: ranked (most probable
    first) and total (a float64 sum in index order, as live.js takes it). quick() then skips its
    two passes over the vocabulary, and draws the same tokens, with the same u."""
    ids, probs = engine_like(int(spread) + 20, n=6000, spread=spread, ties=50)
    total = 0.0
    for p in probs:                                     # live.js: total += p, in index order
        total += p
    for n, (t, k, p, m) in enumerate(SETTINGS):
        for step in range(2):
            seed = 5 * n + step
            got = live.draw(ids, probs, t, k, p, seed=seed, step=step, min_p=m, ranked=True, total=total)
            want = reference(ids, probs, t, k, p, m, seed, step)
            assert (got["id"], got["u"]) == want[:2], (t, k, p, m, seed)
            assert got["after"] == pytest.approx(want[2], rel=1e-8)
    wrong = [quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(s), ranked=True, total=total * 1.5) for s in range(20)]
    assert wrong != [quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(s)) for s in range(20)], \
        "the page's total is not used: no pass saved"


def test_a_page_that_found_the_order_broken_gets_the_full_computation():
    ids, probs = engine_like(3, n=3000)
    probs[10], probs[11] = probs[11] * 1.5, probs[10]           # one pair out of order
    assert quick.quick(probs, 1.0, 0, 1.0, 0.0, random.Random(0), ranked=False, total=sum(probs)) is None
    for step in range(20):
        got = live.draw(ids, probs, seed=2, step=step, ranked=False, total=sum(probs))
        assert (got["id"], got["u"]) == reference(ids, probs, 1, 0, 1.0, 0.0, 2, step)[:2]
