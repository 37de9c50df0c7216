"""The live model against llama.cpp at build time, in a real Chromium: every deck prompt's
distribution within the precision the widget states, the deck's snapshots' numbers, and greedy
decoding that follows llama-cpp-python's (references nobody here wrote: its own logits).
"""

import json
import re

import pytest

from helpers import LOAD
from live_playwright import SNAPSHOTS, ask, deck_prompts, opted_in, rows


@pytest.fixture(scope="module")
def live(browser, built_site, site_url):
    with opted_in(browser, built_site, site_url) as state:
        yield state


# ------------------------------------------------------------------ faithfulness to llama.cpp at build time


@pytest.mark.parametrize("snap", deck_prompts(), ids=lambda s: s["prompt"])
def test_live_matches_the_build_snapshot(live, snap):
    ask(live["page"], live["widget"], snap["prompt"], temperature=1, top_k=0, top_p=1)
    got = rows(live["widget"])
    ref = {t["id"]: t["prob"] for t in snap["top"][:10]}
    assert got[0]["id"] == snap["top"][0]["id"], "the live top-1 differs from the build's"
    assert len({r["id"] for r in got[:10]} & set(ref)) >= 9
    diffs = [abs(r["prob"] - ref[r["id"]]) for r in got[:10] if r["id"] in ref]
    print(f"{snap['prompt']!r}: max top-10 difference {max(diffs):.4f}")
    assert max(diffs) <= 0.03
    note = live["widget"].locator(".demo-precision").text_content()            # one line, its own
    assert "arithmetic precision" in note and "measured" in note
    claimed = claimed_bound(live["widget"])
    assert max(diffs) <= claimed + 5e-4, f"the widget claims at most {claimed}; measured {max(diffs):.4f}: update it"


def every_deck_prompt() -> list[str]:
    """Every prompt the deck's snapshots were computed from (next tokens, completions, beams, the
    quantization study): the faithfulness bounds hold for each, not only for the first."""
    prompts = {}
    for path in sorted(SNAPSHOTS.glob("*.json")):
        if path.name == "manifest.json":
            continue
        params = json.loads(path.read_text()).get("params", {})
        for text in [params.get("prompt"), params.get("text"), *(params.get("prompts") or [])]:
            if isinstance(text, str) and text:
                prompts[text] = None
    assert len(prompts) >= 5, prompts
    return list(prompts)


@pytest.fixture(scope="module")
def native():
    """llama-cpp-python on the embedded GGUF (one thread, the build's settings): the reference."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    return llama_cpp, loader.load(embedded_path(), n_ctx=512, n_threads=1)


def native_probs(native, tokens):
    """llama.cpp's next-token probabilities after evaluating `tokens` (appended to the context)."""
    import numpy as np

    llama_cpp, llm = native
    llm.eval(tokens)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).astype(float)
    probs = np.exp(logits - logits.max())
    return probs / probs.sum()


def claimed_bound(widget) -> float:
    """The largest top-10 difference the widget's precision line admits to."""
    return float(re.search(r"at most ([\d.]+)", widget.locator(".demo-precision").text_content()).group(1))


@pytest.mark.parametrize("prompt", every_deck_prompt())
def test_every_deck_prompt_is_within_the_precision_the_widget_states(live, native, prompt):
    """The live top 10 for each prompt behind the deck's snapshots: 9 of llama.cpp's top 10, no
    probability further off than the widget says, and a different top-1 only where llama.cpp's
    own two candidates are closer than that (a near tie the browser's arithmetic can flip)."""
    import numpy as np

    native[1].reset()
    probs = native_probs(native, native[1].tokenize(prompt.encode(), add_bos=False))
    top = np.argsort(-probs)[:10]
    ask(live["page"], live["widget"], prompt, temperature=1, top_k=0, top_p=1)
    got, bound = rows(live["widget"]), claimed_bound(live["widget"])
    assert len({r["id"] for r in got[:10]} & {int(i) for i in top}) >= 9
    diff = max(abs(r["prob"] - probs[r["id"]]) for r in got[:10])
    print(f"{prompt[:40]!r}: max top-10 difference {diff:.4f}")
    assert diff <= bound + 5e-4, f"the widget claims at most {bound}; measured {diff:.4f}: update it"
    assert got[0]["id"] == int(top[0]) or probs[top[0]] - probs[got[0]["id"]] <= bound     # a near tie


@pytest.mark.parametrize("prompt", every_deck_prompt())
def test_greedy_20_tokens_follow_llama_cpp_python(live, native, prompt):
    """Greedy, 20 tokens: llama.cpp's tokens up to a step where llama.cpp's two best candidates are
    within the precision the widget states (there the browser may take the other one: after
    "The capital of France is", step 14 is '1' 0.362 vs '2' 0.299 natively, and the browser takes '2')."""
    llm = native[1]
    llm.reset()
    want, chances = [], []
    probs = native_probs(native, llm.tokenize(prompt.encode(), add_bos=False))
    for _ in range(20):
        want.append(int(probs.argmax()))
        chances.append(probs)
        probs = native_probs(native, [want[-1]])
    page, widget = live["page"], live["widget"]
    ask(page, widget, prompt, temperature=0, top_k=0, top_p=1, length=20)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => el.querySelector('.demo-live-gen').dataset.tokenIds", arg=widget.element_handle(),
                           timeout=LOAD)
    got = json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids"))
    tokens = widget.locator(".demo-live-gen .snap-tok")
    assert len(got) == 20 and tokens.count() == 20 and tokens.first.locator(".snap-alt").count() == 5   # top 5
    assert float(tokens.first.get_attribute("data-prob")) > 0
    if got != want:
        k = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
        gap = chances[k][want[k]] - chances[k][got[k]]
        print(f"{prompt[:40]!r}: greedy takes another path at step {k} (llama.cpp's two candidates {gap:.4f} apart)")
        # near ties only: on bench/live_precision.json's 208 prompts the top token differed only where
        # llama.cpp's two best were within 0.039, under the bound the widget states
        assert gap <= claimed_bound(widget), f"step {k}: the browser picked a token {gap:.4f} below llama.cpp's"
