"""Score, min-p, "llama.cpp's defaults" and Draw 1,000 in Firefox ESR and WebKitGTK, the model live
(Chromium runs the same in test_branch_browser.py), against llama.cpp (llama-cpp-python) and
demos/sampling.py:

- a typed continuation's score is llama.cpp's product of its tokens' probabilities, within the
  precision the widget states, for the prompt and continuation its caption names;
- min-p keeps exactly the tokens at least min-p times the top one (demos/sampling.py's cut);
- a prompt over the context says so in a sentence (no raw error text), and leaves no rows;
- the preset moves the sliders to llama.cpp's defaults; then 1,000 seeded draws sum to 1,000, fit
  the kept distribution (chi-square), repeat with the same seed and change with another.

One browser per engine for the module (tests/browsers.py); a missing browser skips, or fails with
DECK_REQUIRE_BROWSERS=1. No page shows raw JavaScript error text.
"""

import math
import re

import pytest

import browsers
from demos import sampling
from helpers import LOAD, llama_reference, probs_along
from live_pages import CHI2_999, LIVE, MOVE, PROMPT, bound, chi_square, no_raw_errors, opened, shown


@pytest.fixture(scope="module", params=["firefox", "webkit"])
def live(request, built_site, site_url):
    with browsers.engine(request.param) as driver:
        yield opened(driver, built_site, site_url)
        no_raw_errors(driver)


@pytest.fixture(scope="module")
def llama():
    """llama.cpp (llama-cpp-python) on the embedded GGUF: the reference the widget is held to."""
    return llama_reference()


SCORE = f"""() => {{ const t = document.querySelector('{LIVE} .demo-live-score');
    return {{caption: t.querySelector('caption').textContent, prob: Number(t.dataset.prob),
             total: document.querySelector('{LIVE} .demo-live-score-total').textContent,
             rows: [...t.querySelectorAll('tbody tr')].map(r =>
               [Number(r.dataset.tokenId), Number(r.dataset.prob), Number(r.dataset.running)])}}; }}"""


@pytest.mark.parametrize("prompt, continuation", [("The cat sat", " on the mat"), (PROMPT, " kitten")])
def test_a_typed_continuation_scores_llama_cpp_product_of_token_probabilities(live, llama, prompt, continuation):
    shown(live, prompt)              # the new prompt's table stands, as a reader sees it before pressing Score
    live.js(MOVE, {"continuation": continuation})
    live.click(f'{LIVE} button[name="score"]')
    assert live.wait(f"(c) => {{ const t = document.querySelector('{LIVE} .demo-live-score');"
                     " return t.dataset.continuation === c && t.dataset.prob"
                     " && t.getAttribute('aria-busy') === 'false'; }", continuation, ms=LOAD), \
        f"{live.name}: {live.js(f'() => document.querySelector(`{LIVE} .demo-live-score`).textContent')}"
    got = live.js(SCORE)
    assert f"“{continuation}”" in got["caption"] and f"“{prompt}”" in got["caption"], got["caption"]
    ids, native = probs_along(llama, prompt, continuation)
    assert [r[0] for r in got["rows"]] == ids, live.name                      # llama.cpp's own tokens
    b = bound(live) + 5e-4
    assert all(abs(p - want) <= b for (_, p, _), want in zip(got["rows"], native)), (live.name, got["rows"], native)
    assert got["prob"] == pytest.approx(math.prod(r[1] for r in got["rows"]), rel=1e-9) == got["rows"][-1][2]
    low, high = math.prod(max(0.0, p - b) for p in native), math.prod(min(1.0, p + b) for p in native)
    assert low <= got["prob"] <= high, (live.name, got["prob"], math.prod(native))
    assert got["total"].startswith("P = ") and "log-prob" in got["total"], got["total"]


ROWS = f"""() => [...document.querySelectorAll('{LIVE} tr.demo-live-row')].map(r =>
    [Number(r.dataset.prob), r.dataset.kept === 'true', Number(r.dataset.after)])"""


def test_min_p_keeps_the_tokens_at_least_min_p_times_the_top_one(live):
    shown(live, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0.5)
    rows = live.js(ROWS)
    want = sampling.distribution([math.log(p) for p, _, _ in rows], min_p=0.5)
    assert 1 <= len(want) < len(rows)                      # the cut removes some of the table, not all
    assert [kept for _, kept, _ in rows] == [i < len(want) for i in range(len(rows))], (live.name, rows)
    assert all(abs(a - q) < 1e-6 for (_, _, a), (_, q) in zip(rows, want)), (live.name, rows, want)
    out = live.js(f"() => document.querySelector('{LIVE} [name=min_p]').parentElement.querySelector('output')"
                  ".textContent")
    assert out == "0.5"


def draw(d, seed):
    d.js(MOVE, {"seed": seed})
    d.js(f"() => delete document.querySelector('{LIVE} .demo-live-draws').dataset.n")
    d.click(f'{LIVE} button[name="draws"]')
    assert d.wait(f"() => {{ const t = document.querySelector('{LIVE} .demo-live-draws');"
                  " return t.dataset.n && t.getAttribute('aria-busy') === 'false'; }", ms=LOAD), d.name
    table = d.js(f"""() => {{ const t = document.querySelector('{LIVE} .demo-live-draws');
        return {{seed: t.dataset.seed, prompt: t.dataset.prompt, kept: Number(t.dataset.kept),
                 rows: [...t.querySelectorAll('tbody tr')].map(r =>
                   [r.dataset.tokenId || 'rest', Number(r.dataset.prob), Number(r.dataset.count)])}}; }}""")
    assert table["seed"] == str(seed) and table["prompt"] == PROMPT, table
    return table


def test_llama_cpp_defaults_then_1000_draws_fit_the_kept_distribution(live):
    d = live
    shown(d, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0)
    d.js(f"() => delete document.querySelector('{LIVE} .demo-live-rest').dataset.after")
    d.click(f'{LIVE} button[name="preset"]')
    assert d.wait(f"() => {{ const el = document.querySelector('{LIVE}'); return !el.dataset.busy"
                  " && el.querySelector('.demo-live-rest').dataset.after !== undefined; }", ms=LOAD)
    values = d.js(f"() => Object.fromEntries(['top_k', 'top_p', 'min_p', 'temperature'].map(n =>"
                  f" [n, document.querySelector(`{LIVE} [name=${{n}}]`).value]))")
    assert values == {"top_k": "40", "top_p": "0.95", "min_p": "0.05", "temperature": "0.8"}, (d.name, values)
    table = draw(d, seed=0)
    counts = table["rows"]
    assert sum(c for _, _, c in counts) == 1000, (d.name, counts)
    assert sum(p for _, p, _ in counts) == pytest.approx(1, abs=1e-6)
    kept = d.js(f"() => document.querySelector('{LIVE} .demo-live-kept').textContent")
    assert kept.startswith(f"{table['kept']} of "), kept                  # the table's kept tokens
    stat, df = chi_square(counts, 1000)
    print(f"{d.name}: chi-square {stat:.2f} on {df} degrees of freedom (0.1% critical value {CHI2_999[df - 1]})")
    assert stat <= CHI2_999[df - 1], (d.name, counts)
    assert draw(d, seed=0)["rows"] == counts                      # seeded: the same draws again
    assert draw(d, seed=1)["rows"] != counts


def test_a_prompt_over_the_context_says_so_in_a_sentence(live):
    """A failure in the engine reaches the reader as a sentence (which prompt, why, the fix), no rows."""
    huge = "tokens " * 1200
    live.js(MOVE, {"prompt": huge})
    assert live.wait(f"(p) => {{ const t = document.querySelector('{LIVE} .demo-live-table');"
                     " return t.dataset.prompt === p && t.getAttribute('aria-busy') === 'false'; }", huge, ms=LOAD)
    caption = live.js(f"() => document.querySelector('{LIVE} .demo-live-table').caption.textContent")
    assert re.search(r"No numbers for “tokens tokens .*” \(8,400 characters\): this prompt is 1,\d{3} tokens, over the "
                     r"\d+ the model's context \(\d+ tokens here\) leaves for a prompt: shorten it by \d+ tokens\.",
                     caption), (live.name, caption)
    assert live.js(f"() => document.querySelectorAll('{LIVE} tr.demo-live-row').length") == 0
    no_raw_errors(live)
    shown(live, PROMPT)                                   # and a prompt that fits has its numbers again
