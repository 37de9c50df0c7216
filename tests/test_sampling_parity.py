"""One definition of sampling: the build-time numpy sampler keeps exactly what the browser keeps.

demos.sampling (pure Python, also run by Pyodide) is the definition; build_hooks.model.sampler
is its numpy twin over the whole vocabulary. On many random distributions, with ties, tiny
probabilities, top-p landing exactly on a cumulative sum, k = 0 and k > n, p = 1, and T from 0
to 100, both keep the same tokens in the same order with the same probabilities.
"""

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest

from build_hooks.model import sampler
from demos import sampling

TEMPERATURES = [0, 1e-6, 0.7, 1, 2, 100, sampling.INF]
TOLERANCE = 1e-9


def random_logprobs(rng: random.Random) -> list[float]:
    """A normalized distribution of one of several shapes, as log-probabilities."""
    n = rng.choice([1, 2, 3, 5, 8, 20, 60, 300])
    shape = rng.choice(["smooth", "peaked", "ties", "tiny", "flat"])
    if shape == "smooth":
        logits = [rng.gauss(0, 1) for _ in range(n)]
    elif shape == "peaked":
        logits = [rng.gauss(0, 6) for _ in range(n)]
    elif shape == "ties":                        # many exactly equal scores
        logits = [float(rng.randint(0, 3)) for _ in range(n)]
    elif shape == "tiny":                        # probabilities down to about 1e-300
        logits = [rng.choice([0.0, -rng.uniform(30, 690)]) for _ in range(n)]
    else:
        logits = [0.0] * n
    top = max(logits)
    log_total = top + math.log(sum(math.exp(x - top) for x in logits))
    return [x - log_total for x in logits]


def exact_cumulative_p(logprobs: list[float], top_k: int, rng: random.Random) -> float:
    """A top-p equal to a cumulative sum of the ranked, top-k-renormalized probabilities."""
    ranked = sampling.rank(logprobs)
    ranked = ranked[:top_k] if top_k > 0 else ranked
    probs = sampling.softmax([logprobs[i] for i in ranked])
    stop = rng.randrange(len(probs))
    return min(1.0, sum(probs[:stop + 1]))


def cases(count: int = 1500):
    rng = random.Random(20261128)
    for _ in range(count):
        lp = random_logprobs(rng)
        n = len(lp)
        top_k = rng.choice([0, 0, 1, 2, rng.randint(1, n), n, n + 5])
        exact = rng.random() < 0.3
        top_p = (exact_cumulative_p(lp, top_k, rng) if exact else
                 rng.choice([1.0, 1.0, rng.uniform(0.01, 0.99), rng.uniform(0.9, 1.0), 1e-9]))
        yield lp, rng.choice(TEMPERATURES), top_k, top_p, exact


def test_numpy_and_pure_python_keep_the_same_tokens_with_the_same_probabilities():
    checked = 0
    for lp, t, k, p, _ in cases():
        want = sampling.distribution(lp, t, k, p)
        ids, probs = sampler.distribution(np.array(lp), t, k, p)
        where = f"n={len(lp)} T={t} k={k} p={p!r}"
        assert ids.tolist() == [i for i, _ in want], where
        assert probs.tolist() == pytest.approx([q for _, q in want], abs=TOLERANCE, rel=0), where
        assert sum(q for _, q in want) == pytest.approx(1, abs=1e-9), where
        checked += 1
    assert checked == 1500


def test_every_temperature_and_exact_p_is_exercised():
    seen = {"T": set(), "exact_p_cut": 0, "ties_cut": 0, "k_over_n": 0}
    for lp, t, k, p, exact in cases():
        seen["T"].add(t)
        kept = sampling.distribution(lp, 1, k, p)
        seen["exact_p_cut"] += exact and p < 1 and len(kept) > 1
        if len(set(lp)) < len(lp) and len(kept) < len(lp):
            seen["ties_cut"] += 1
        seen["k_over_n"] += k > len(lp)
    assert seen["T"] == set(TEMPERATURES)
    assert min(seen["exact_p_cut"], seen["ties_cut"], seen["k_over_n"]) >= 50, seen


def test_the_issue_example_keeps_one_token_in_both():
    # .5 .3 .15 .05, top-k 2 then top-p 0.6: top-k leaves .5 .3, renormalized .625 .375;
    # .625 alone reaches 0.6, so one token survives (llama.cpp's chain does the same).
    lp = [math.log(q) for q in (0.5, 0.3, 0.15, 0.05)]
    assert sampling.distribution(lp, 1.0, 2, 0.6) == [(0, 1.0)]
    ids, probs = sampler.distribution(np.array(lp), 1.0, 2, 0.6)
    assert ids.tolist() == [0] and probs.tolist() == [1.0]


def test_p_reaching_a_sum_exactly_stops_there():
    lp = [math.log(q) for q in (0.7, 0.1, 0.2)]        # ranked: .7 .2 .1
    for p in (0.7, 0.9):
        want = sampling.distribution(lp, 1.0, 0, p)
        assert len(want) == {0.7: 1, 0.9: 2}[p]
        assert sampler.distribution(np.array(lp), 1.0, 0, p)[0].tolist() == [i for i, _ in want]


def test_the_build_time_draws_are_the_browser_draws():
    # Same kept set, same probabilities, same generator and the same draw(): same tokens.
    rng = random.Random(3)
    for _ in range(200):
        lp = random_logprobs(rng)
        t, k, p = rng.choice([0.7, 1, 2]), rng.choice([0, 3]), rng.choice([1.0, 0.8])
        seed = rng.randrange(1000)
        want = [i for i, _ in sampling.sample(lp, 5, t, k, p, seed)]
        draws = random.Random(seed)
        got = [sampler.sample(np.array(lp), draws, t, k, p) for _ in range(5)]
        assert got == want


# With the real model: the deck's completions follow the pure-Python definition --------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def m():
    from build_hooks.model import choice, llm
    return llm.get(str(choice.embedded_path()))


def replay(m, prompt_ids, temperature, seed, top_k, top_p, steps):
    """The tokens demos.sampling picks, in plain Python over all 49,152 log-probabilities."""
    ids, rng, chosen = list(prompt_ids), random.Random(seed), []
    for _ in range(steps):
        kept = sampling.distribution(m.next_logprobs(ids).tolist(), temperature, top_k, top_p)
        token, _ = sampling.draw(kept, rng)
        chosen.append(token)
        ids.append(token)
    return chosen


def test_build_time_generation_follows_the_definition(m):
    prompt = "The cat sat on the"
    for t, k, p in [(0.7, 0, 1.0), (1.5, 40, 0.9), (1.0, 5, 0.5), (0, 3, 0.9)]:
        run = m.completion(prompt, 6, [t], seed=5, top_k=k, top_p=p)["runs"][0]
        got = [s["id"] for s in run["tokens"]]
        assert got == replay(m, m.tokenize(prompt), t, None if t == 0 else 5, k, p, len(got)), (t, k, p)


def test_committed_completion_snapshots_follow_the_definition(m):
    snapshots = ROOT / "slides" / "snapshots"
    entries = [e for e in json.loads((snapshots / "manifest.json").read_text())["entries"].values()
               if e["kind"] == "completion"]
    assert entries, "the deck has no completion snapshot"
    for entry in entries:
        doc = json.loads((snapshots / entry["file"]).read_text())
        params, data = doc["params"], doc["data"]
        for run in data["runs"]:
            got = [s["id"] for s in run["tokens"]]
            want = replay(m, data["prompt_ids"], run["temperature"], run["seed"], params["top_k"], params["top_p"],
                          len(got))
            assert got == want, (f"{entry['file']} ({run['label']}) was not sampled by demos.sampling's rule: "
                                 "run `make snapshots FORCE=1` and commit slides/snapshots/")
