"""The build's numbers for a whole distribution and for a continuation, against llama-cpp-python's own.

- next_tokens: the entropy the snapshot tables state is the entropy of ALL the model's tokens, as
  llama-cpp-python's own evaluation gives them (Llama.eval, its scores buffer, Llama.logits_to_logprobs);
- score: each continuation's per-token probabilities and their product, recomputed by evaluating
  every prefix of prompt + continuation with llama-cpp-python and reading its last position's logits;
- the sampling widget's static numbers under llama.cpp's defaults, where min-p decides within the
  build's list, are the whole vocabulary's (demos.live.rows over all 49,152 probabilities).
Bad `score` options fail with the schema's sentence.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from build_hooks.snapshots import kinds
from demos import live, spread

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "slides" / "snapshots"
STORED = 2e-5            # the store keeps 6 significant digits


def committed(kind: str) -> list[dict]:
    found = [json.loads(p.read_text(encoding="utf-8"))["data"] for p in sorted(SNAPSHOTS.glob(f"{kind}-*.json"))]
    assert found, f"no committed {kind} snapshot: run `python -m build_hooks snapshots`"
    return found


@pytest.fixture(scope="module")
def reference():
    """llama-cpp-python's own Llama on the deck's model (through the loader: no AMX repacking)."""
    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path
    return loader.load(embedded_path(), n_ctx=512)


def logprobs_after(llama, ids: list[int]) -> np.ndarray:
    """Row i: llama-cpp-python's log-probabilities for the token after ids[:i + 1], each prefix evaluated
    on its own and read at its last position (llama_get_logits_ith), as the build reads a prompt."""
    import llama_cpp

    rows = []
    for i in range(len(ids)):
        llama.reset()
        llama.eval(ids[: i + 1])
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llama.ctx, -1), shape=(llama.n_vocab(),))
        rows.append(llama.logits_to_logprobs(logits))
    return np.array(rows, dtype=np.float64)


def test_next_token_entropy_is_the_whole_vocabularys(reference):
    for data in committed("next_tokens"):
        lp = logprobs_after(reference, data["prompt_ids"])[-1]
        assert len(lp) == 49_152
        bits = float(-(np.exp(lp) * lp).sum() / math.log(2))
        assert data["entropy_bits"] == pytest.approx(bits, rel=STORED), data["prompt"]
        top = [t["prob"] for t in data["top"]]          # and the listed tokens cannot give it: far less
        assert -sum(p * math.log2(p) for p in top) < bits - 0.5     # (France's 50 held: 1.51 of 2.19 bits)


def test_a_continuations_probability_is_the_product_of_llama_cpps_token_probabilities(reference):
    for data in committed("score"):
        for c in data["continuations"]:
            ids = reference.tokenize(c["text"].encode(), add_bos=False)
            assert c["ids"] == ids and [t["id"] for t in c["tokens"]] == ids
            rows = logprobs_after(reference, data["prompt_ids"] + ids)
            want = [float(rows[len(data["prompt_ids"]) + j - 1, t]) for j, t in enumerate(ids)]
            assert [t["logprob"] for t in c["tokens"]] == pytest.approx(want, abs=1e-3), c["text"]
            assert c["prob"] == pytest.approx(math.exp(sum(want)), rel=1e-3), c["text"]
            assert c["prob"] == pytest.approx(math.prod(t["prob"] for t in c["tokens"]), rel=STORED)


def test_the_widgets_numbers_under_llama_cpps_defaults_are_the_whole_vocabularys(reference):
    """The min-p slide's widget: from the build's 12 rows, exactly what the whole distribution gives."""
    data = next(d for d in committed("next_tokens") if d["prompt"] == "The capital of France is")
    probs = np.exp(logprobs_after(reference, data["prompt_ids"])[-1])
    cands = [{"id": t["id"], "text": t["text"], "logprob": t["logprob"]} for t in data["top"]]
    defaults = (0.8, 40, 0.95, 0.05)
    shown = spread.sampling_view(cands, data["rest"], data["entropy_bits"], *defaults)
    t, k, p, min_p = defaults
    whole = live.rows(list(range(len(probs))), probs.tolist(), t, k, p, top=len(cands), min_p=min_p)
    assert shown["exact"]
    assert [r["id"] for r in whole["rows"]] == [c["id"] for c in cands]
    assert [r["prob"] for r in shown["rows"]] == pytest.approx([r["after"] for r in whole["rows"]], abs=1e-4)
    assert shown["entropy_after"] == pytest.approx(whole["entropy_after"], abs=1e-3)
    assert whole["kept"] == sum(r["kept"] for r in shown["rows"]) == 2


@pytest.mark.parametrize("params, words", [
    ({"prompt": "Hi"}, "snapshot score: needs the option `continuations` (a list of 1 to 8 continuations"),
    ({"prompt": "Hi", "continuations": " kitten"}, "snapshot score: option `continuations` is ' kitten'; it must be a"),
    ({"prompt": "Hi", "continuations": [""]}, "snapshot score: option `continuations` is ['']; it must be a list"),
    ({"prompt": "Hi", "continuations": [" a"], "contnuations": 1}, "unknown option `contnuations`; did you mean"),
])
def test_bad_score_options_say_the_fix(params, words):
    with pytest.raises(ValueError) as err:
        kinds.normalize("score", params)
    assert words in str(err.value)


def test_the_min_p_slides_counts_are_the_models(reference):
    """slides/08-sampling.md: min-p 0.05 keeps two tokens after "The capital of France is", nearly fifty after
    "The cat sat on the" (llama-cpp-python's whole distributions, demos.sampling's cut)."""
    from demos import sampling

    notes = " ".join((ROOT / "slides" / "08-sampling.md").read_text(encoding="utf-8").split())
    assert "min-p keeps two tokens" in notes and '"The cat sat on the" it keeps nearly fifty' in notes
    kept = {}
    for prompt in ("The capital of France is", "The cat sat on the"):
        lp = logprobs_after(reference, reference.tokenize(prompt.encode(), add_bos=True))[-1].tolist()
        kept[prompt] = len(sampling.distribution(lp, 1.0, 0, 1.0, 0.05))
    assert kept["The capital of France is"] == 2 and 45 <= kept["The cat sat on the"] < 50, kept
