"""The sampling widget before the real model is loaded: its numbers are llama.cpp's own wherever it
does not say otherwise.

The build holds the model's 50 most likely tokens for each `demo sampling` widget (demo.held: as many as
its top-k slider reaches) and shows 20 (its `top`), the others in "all other tokens". Here the built
page's data (what Pyodide computes from, through demos/spread.py) is held to llama.cpp's own sampler
chain (llama-cpp-python's sampler API: top-k, top-p, min-p, temperature) on the deck's model and the
widget's prompt: at llama.cpp's defaults the bars are exactly the tokens llama.cpp keeps with its
probabilities, and over every setting the sliders allow, the note "Not the model's numbers" is shown
exactly when llama.cpp keeps a token the build did not store.

The snapshot stores log-probabilities to 6 significant digits (build_hooks/snapshots/store.py, canonical):
under 5e-6 off for every stored token (all above -10), so at T >= 0.5 a probability moves by under
2e-5 of itself; llama.cpp computes in float32 (6e-7 measured, tests/test_sampling_parity.py).
"""

import json
import math
import re

import numpy as np
import pytest

from demos import sampling, spread
from demos.vocabulary import percent
from llama_chain import f32, llama_chain_keeps, logits_after
from pages import page_with

DEFAULTS = (0.8, 40, 0.95, 0.05)            # T, top-k, top-p, min-p (common/common.h)
REL, ABS = 2e-5, 2e-6                       # the stored log-probabilities' rounding, float32 on top
# The sliders' settings: temperature 0 to 5 by 0.1 and infinity, top-k 0 (off) to the slider's end,
# top-p 0.01 to 1, min-p 0 (off) to 1; a grid through them, with the stops the talk uses.
TEMPERATURES = (0, 0.5, 0.8, 1, 1.5, 5, sampling.INF)
TOP_KS = (0, 1, 10, 20, 39, 40, 41, 50)
TOP_PS = (0.01, 0.5, 0.9, 0.95, 0.99, 1.0)
MIN_PS = (0, 0.01, 0.05, 0.1, 0.3, 1.0)


@pytest.fixture(scope="module")
def widgets(built_site):
    """[(data, static HTML)] of every `demo sampling` widget on the built page, with its prompt's logits."""
    html = (built_site / page_with(built_site, "sampling") / "index.html").read_text(encoding="utf-8")
    found = []
    for chunk in re.split(r'(?=<div class="demo demo-)', html):          # each widget up to the next one
        if not chunk.startswith('<div class="demo demo-sampling"'):
            continue
        data = json.loads(re.search(r'<script type="application/json" class="demo-data">(.*?)</script>', chunk,
                                    re.S)[1])
        found.append((data, chunk, logits_after(data["prompt"])))
    assert {d["prompt"] for d, _, _ in found} >= {"The cat sat on the", "The capital of France is"}
    return found


def held_of(data):
    """Every token the widget computes with: its bars, then those past them."""
    return data["candidates"] + data["beyond"]


def settings_of(chunk):
    """(T, top-k, top-p, min-p) the widget's static render is at: its sliders' values."""
    values = dict(re.findall(r'name="(temperature|top_k|top_p|min_p)" min="[^"]*" max="[^"]*" step="[^"]*" '
                             r'value="([^"]*)"', chunk))
    return tuple(float(values[n]) for n in ("temperature", "top_k", "top_p", "min_p"))


def test_the_build_holds_the_models_top_50_and_shows_20(widgets):
    for data, chunk, logits in widgets:
        held = held_of(data)
        assert len(held) == 50 and len(data["candidates"]) in (12, 20), data["prompt"]
        assert chunk.count('<li class="demo-bar" ') == len(data["candidates"])         # the bars, then
        assert chunk.count('<li class="demo-bar demo-rest"') == 1                      # "all other tokens"
        lp = logits.astype(np.float64) - logits.max()
        lp -= np.log(np.exp(lp).sum())
        best = np.argsort(-lp, kind="stable")[:50]
        assert [c["id"] for c in held] == best.tolist(), data["prompt"]
        assert [c["logprob"] for c in held] == pytest.approx(lp[best].tolist(), abs=5e-6), data["prompt"]
        assert data["rest"] == pytest.approx(1 - np.exp(lp[best]).sum(), abs=1e-5)


def test_at_llama_cpps_defaults_the_bars_are_llama_cpps_kept_tokens_and_probabilities(widgets):
    checked_html = 0
    for data, chunk, logits in widgets:
        t, k, p, min_p = DEFAULTS
        want = dict(llama_chain_keeps(logits, f32(t), k, f32(p), f32(min_p)))
        shown = data["candidates"]
        out = spread.sampling_view(held_of(data), data["rest"], data["entropy"], *DEFAULTS, shown=len(shown))
        where = data["prompt"]
        assert out["exact"], where                                        # no "Not the model's numbers"
        assert [r["id"] for r in out["rows"]] == [c["id"] for c in shown]
        assert [r["kept"] for r in out["rows"]] == [c["id"] in want for c in shown], where
        assert [r["prob"] for r in out["rows"]] == pytest.approx([want.get(c["id"], 0.0) for c in shown],
                                                                   rel=REL, abs=ABS), where
        # what llama.cpp keeps past the 20 bars is the "all other tokens" bar after sampling
        outside = math.fsum(q for i, q in want.items() if i not in {c["id"] for c in shown})
        assert out["rest_after"] == pytest.approx(outside, rel=REL, abs=ABS), where
        whole = spread.sampling_view(held_of(data), data["rest"], data["entropy"], *DEFAULTS)
        assert {r["id"] for r in whole["rows"] if r["kept"]} == set(want), where
        assert whole["entropy_after"] == pytest.approx(sampling.entropy_bits(want.values()), abs=1e-4), where
        if settings_of(chunk) == DEFAULTS:
            # this widget's static render is at the defaults already: its HTML says llama.cpp's numbers
            bars = re.findall(r'<li class="demo-bar" data-kept="(\w+)" data-id="(\d+)".*?<span class="demo-num">'
                              r'([^<]*)</span>', chunk)
            assert [(int(i), n) for kept, i, n in bars if kept == "true"] == [
                (c["id"], percent(want[c["id"]])) for c in shown if c["id"] in want], where
            assert '<p class="demo-inexact" hidden>' in chunk, where
            checked_html += 1
    assert checked_html >= 1                     # the min-p slide's widget


def test_the_not_the_models_numbers_note_shows_exactly_when_llama_cpp_keeps_a_token_not_stored(widgets):
    """Over the sliders' range: with top-k on (1 to 50) every setting is exact; with top-k off the note
    shows exactly when llama.cpp keeps tokens past the stored 50 (top-p and min-p both reach past them,
    or the temperature alone reshapes all 49,152)."""
    seen = {"exact": 0, "inexact": 0, "inexact_with_top_k": 0}
    for data, _, logits in widgets:
        held, ids = held_of(data), {c["id"] for c in held_of(data)}
        for k in TOP_KS:
            for p in TOP_PS:
                for min_p in MIN_PS:
                    kept_set = {i for i, _ in llama_chain_keeps(logits, 1.0, k, f32(p), f32(min_p))}
                    for t in TEMPERATURES:
                        where = f"{data['prompt']!r} T={t} k={k} p={p} min_p={min_p}"
                        out = spread.sampling_view(held, data["rest"], data["entropy"], t, k, p, min_p)
                        unchanged = t == 1 and k == 0 and p >= 1 and min_p == 0      # the model's own numbers
                        beyond = kept_set - ids if t else set()                    # T = 0: the best alone
                        assert out["exact"] == (unchanged or not beyond), where
                        seen["exact" if out["exact"] else "inexact"] += 1
                        seen["inexact_with_top_k"] += not out["exact"] and k > 0
                        if out["exact"] and not unchanged:
                            want = dict(llama_chain_keeps(logits, f32(t), k, f32(p), f32(min_p)))
                            got = {r["id"]: r["prob"] for r in out["rows"] if r["kept"]}
                            assert set(got) == set(want), where
                            assert [got[i] for i in want] == pytest.approx(list(want.values()), rel=REL,
                                                                           abs=ABS), where
    assert seen["inexact"] > 0 and seen["exact"] > seen["inexact"] and seen["inexact_with_top_k"] == 0, seen


def test_top_k_off_top_p_0_99_at_t_1_5_says_it_is_not_the_models_numbers(widgets):
    data, _, logits = next(w for w in widgets if w[0]["prompt"] == "The cat sat on the")
    kept = {i for i, _ in llama_chain_keeps(logits, f32(1.5), 0, f32(0.99), 0.0)}
    assert len(kept - {c["id"] for c in held_of(data)}) > 1000             # thousands of tokens past the 50
    out = spread.sampling_view(held_of(data), data["rest"], data["entropy"], 1.5, 0, 0.99, 0.0, shown=20)
    assert not out["exact"] and out["rest_after"] is None
    assert "not known from the listed tokens" in out["numbers"]
