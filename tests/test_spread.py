"""The whole distribution in numbers (demos/spread.py): what the sampling widget says without the
live model is what the whole vocabulary gives, or it says it cannot know.

Random full distributions of 2,000 tokens are cut to their top 12 (what a build records), and the
widget's rows, its entropy after sampling and each cut's removed mass are compared with
demos.sampling over the WHOLE distribution, the definition. Seeded draws are counted with the one
sampler (demos.sampling.frequencies) and their counts checked by replaying demos.sampling.draw.
"""

import inspect
import math
import random

import pytest

from demos import sampling, spread

N_VOCAB, TOP = 1000, 12


def whole_and_listed(rng):
    """A random distribution over N_VOCAB tokens (log-probabilities) and its top TOP as a snapshot lists them."""
    spread_of = rng.choice([0.5, 1.5, 3.0, 6.0])
    logits = [rng.gauss(0, spread_of) for _ in range(N_VOCAB)]
    top = max(logits)
    log_total = top + math.log(math.fsum(math.exp(x - top) for x in logits))
    lp = [x - log_total for x in logits]
    ranked = sampling.rank(lp)[:TOP]
    cands = [{"id": i, "text": f"t{i}", "logprob": lp[i]} for i in ranked]
    rest = max(0.0, 1.0 - math.fsum(math.exp(lp[i]) for i in ranked))
    return lp, cands, rest


def settings(rng):
    return (rng.choice([0, 0.5, 0.8, 1, 1.5, sampling.INF]), rng.choice([0, 0, 1, 5, TOP, 40]),
            rng.choice([1.0, 1.0, 0.5, 0.9, 0.95]), rng.choice([0.0, 0.0, 0.05, 0.1, 0.3]))


def test_exact_rows_are_the_whole_vocabularys_and_inexact_ones_say_so():
    rng = random.Random(2126)
    exact = decided_by_min_p = 0
    for _ in range(600):
        lp, cands, rest = whole_and_listed(rng)
        t, k, p, mp = settings(rng)
        out = spread.sampling_view(cands, rest, sampling.entropy_bits(math.exp(x) for x in lp), t, k, p, mp)
        whole = dict(sampling.distribution(lp, t, k, p, mp))
        where = f"T={t} k={k} p={p} min_p={mp}"
        if not out["exact"]:
            assert "not known" in out["numbers"] or out["entropy_after"] is None, where
            continue
        exact += 1
        decided_by_min_p += mp > 0 and k > TOP
        assert [r["prob"] for r in out["rows"]] == pytest.approx([whole.get(c["id"], 0.0) for c in cands],
                                                                   abs=1e-9), where
        if out["rest_after"] == 0.0:                                   # every survivor listed
            assert set(whole) <= {c["id"] for c in cands}, where
        else:                                                          # nothing changes: the model's own
            assert (t, k, p, mp) == (1, 0, 1.0, 0.0) and out["rest_after"] == rest, where
        if out["entropy_after"] is not None:
            assert out["entropy_after"] == pytest.approx(sampling.entropy_bits(whole.values()), abs=1e-9), where
        if out["removed"] is not None:
            for cut, mass in sampling.cut_mass(lp, k, p, mp).items():
                assert out["removed"][cut] == pytest.approx(mass, abs=1e-9), (where, cut)
    assert exact >= 250 and decided_by_min_p >= 10, (exact, decided_by_min_p)


def test_tokens_held_past_the_shown_rows_are_in_all_other_tokens():
    """The widget computes from every token the build held (TOP) and shows fewer bars: the rows are the
    first ones of the whole vocabulary's, "all other tokens" holds the rest before and after sampling,
    and draws landing past the bars are counted there."""
    rng, shown, checked = random.Random(4021), 5, 0
    for _ in range(300):
        lp, cands, rest = whole_and_listed(rng)
        t, k, p, mp = settings(rng)
        out = spread.sampling_view(cands, rest, None, t, k, p, mp, shown=shown)
        where = f"T={t} k={k} p={p} min_p={mp}"
        assert [r["id"] for r in out["rows"]] == [c["id"] for c in cands[:shown]], where
        assert out["rest"] == pytest.approx(1 - math.fsum(math.exp(c["logprob"]) for c in cands[:shown]), abs=1e-12)
        if out["exact"]:
            whole = dict(sampling.distribution(lp, t, k, p, mp))
            past = math.fsum(q for i, q in whole.items() if i not in {c["id"] for c in cands[:shown]})
            assert out["rest_after"] == pytest.approx(past, abs=1e-9), where
            checked += past > 0.01
        else:
            assert out["rest_after"] is None, where
        drawn = spread.shown_draws(cands, rest, t, k, p, mp, n=200, seed=3, shown=shown)
        every = spread.shown_draws(cands, rest, t, k, p, mp, n=200, seed=3)
        assert drawn["counts"] == every["counts"][:shown] and drawn["rest"] == sum(every["counts"][shown:]), where
        assert drawn["exact"] == out["exact"]
    assert checked >= 30, checked


def test_sample_8_draws_from_the_bars():
    """"Sample 8 tokens" picks from what the bars keep, also where the whole vocabulary's nucleus ends inside
    the list (a draw among the listed tokens alone would renormalize and cut elsewhere)."""
    rng = random.Random(11)
    for _ in range(100):
        _, cands, rest = whole_and_listed(rng)
        t, k, p, mp = settings(rng)
        rows = spread.sampling_view(cands, rest, None, t, k, p, mp)["rows"]
        labels = {f"t{r['id']}" for r in rows if r["kept"] and r["prob"] > 0}
        draws = spread.shown_samples(cands, rest, t, k, p, mp, n=50, seed=rng.randrange(100))
        assert len(draws) == 50 and {d["label"] for d in draws} <= labels


def test_the_numbers_line_states_entropy_and_effective_choices():
    lp = [math.log(0.25)] * 4                                       # four equally likely tokens: 2 bits
    cands = [{"id": i, "text": "x", "logprob": x} for i, x in enumerate(lp)]
    line = spread.sampling_view(cands, 0.0, 2.0)["numbers"]
    assert line.startswith("Whole distribution: 2.00 bits, like 4.0 equally likely tokens.")
    line = spread.sampling_view(cands, 0.0, 2.0, top_k=2)["numbers"]
    assert "top-k 50.0%, top-p 0%, min-p 0%" in line and "draws from 1.00 bits, like 2.0 tokens" in line


def test_draws_count_what_draw_would_draw():
    rng = random.Random(7)
    for _ in range(30):
        _, cands, rest = whole_and_listed(rng)
        t, k, p, mp = settings(rng)
        seed = rng.randrange(10_000)
        out = spread.shown_draws(cands, rest, t, k, p, mp, n=1000, seed=seed)
        assert sum(out["counts"]) == 1000 and out["rest"] == 0
        rows = spread.sampling_view(cands, rest, None, t, k, p, mp)["rows"]
        kept = spread.kept_of(rows)
        by_walk = random.Random(seed)
        walked = [0] * len(rows)
        for _ in range(1000):
            walked[sampling.draw(kept, by_walk)[0]] += 1
        assert out["counts"] == walked
        assert all(c == 0 for c, r in zip(out["counts"], rows) if not r["kept"])


def test_the_code_widget_says_when_a_readers_function_takes_no_min_p():
    from demos import web
    cands = [{"id": 1, "text": "a", "logprob": math.log(0.9)}, {"id": 2, "text": "b", "logprob": math.log(0.1)}]
    four = "def distribution(scores, temperature, top_k, top_p):\n    return [(0, 1.0)]"
    assert web.run_code(four, cands) == {"rows": [{"label": "a", "prob": 1.0}]}       # min-p off: it still runs
    assert "add it as a fifth argument" in web.run_code(four, cands, min_p=0.05)["error"]
    real = web.run_code(inspect.getsource(sampling.distribution), cands, 1.0, 0, 1.0, 0.5)["rows"]
    assert real == [{"label": "a", "prob": 1.0}]                                          # 0.1 < 0.5 x 0.9: cut
