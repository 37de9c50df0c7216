"""Generate and branching in Firefox ESR and WebKitGTK (and Chromium where no other test runs it there),
with the model live (wllama 2.3.7 on the build's GGUF), held to llama.cpp itself (llama-cpp-python).

- Generate at T = 0 writes llama.cpp's greedy continuation: the same tokens, or another path only
  where llama.cpp's own two best are within the widget's stated precision of each other;
- a seeded T = 1 run draws demos/sampling.py's tokens from the engine's own distributions, and the
  same seed writes the same text again;
- a prompt typed while Generate runs does not change what it continues (its table comes between
  two of Generate's steps);
- branching at a generated token continues from the chosen alternative, as llama.cpp would, and
  Back returns to the path before.

One browser per engine for the module (tests/browsers.py); a missing browser skips, or fails with
DECK_REQUIRE_BROWSERS=1. No page shows raw JavaScript error text.
"""

import random
import re

import pytest

import browsers
from demos import live as demos_live
from demos import sampling
from helpers import LOAD, llama_reference
from live_pages import LIVE, MOVE, PROMPT, after, bound, generate, generated, greedy_gap, no_raw_errors, opened, tokens

OTHERS = ["firefox", "webkit"]      # Chromium runs these in test_branch_browser.py, test_live_generate_browser.py
GREEDY = {"temperature": 0, "top_k": 0, "top_p": 1, "min_p": 0, "seed": 0}


@pytest.fixture(scope="module")
def live(request, built_site, site_url):
    chromium = request.getfixturevalue("browser") if request.param == "chromium" else None
    with browsers.engine(request.param, chromium) as driver:
        yield opened(driver, built_site, site_url)
        no_raw_errors(driver)


@pytest.fixture(scope="module")
def llama():
    """llama.cpp (llama-cpp-python) on the embedded GGUF: the reference the widget is held to."""
    return llama_reference()


@pytest.mark.parametrize("live", ["chromium", *OTHERS], indirect=True)
def test_generate_at_t0_writes_llama_cpp_greedy_continuation(live, llama):
    got = generate(live, PROMPT, length=12, **GREEDY)
    assert len(got) == 12, live.name
    context = llama[1].tokenize(PROMPT.encode(), add_bos=False)
    assert greedy_gap(llama, context, got, 2 * bound(live)) is None, live.name
    text = live.js(f"() => document.querySelector('{LIVE} .demo-live-gen').textContent")
    assert text.startswith(PROMPT), text          # the continuation stands after its own prompt


# The engine's distributions for the prompt and after each generated token, read the way Generate reads
# them, cut to the 60 most probable (top-k 40 keeps the same tokens with the same probabilities from these).
REPLAY = """async (prompt, ids) => {
  const { engine } = window.deckLive;
  const top = (d) => { const p = Array.from(d.probs), floor = [...p].sort((a, b) => b - a)[59];
    const keep = p.map((x, i) => i).filter(i => p[i] >= floor);
    return { ids: keep.map(i => d.ids[i]), probs: keep.map(i => p[i]) }; };
  const out = [top(await engine.distribution(prompt))];
  for (const id of ids.slice(0, -1)) out.push(top(await engine.extend(id)));
  return out;
}"""


@pytest.mark.parametrize("live", OTHERS, indirect=True)
def test_a_seeded_t1_run_draws_demos_sampling_tokens_from_the_engines_distributions(live):
    prompt, seed, n, settings = "Once upon a time, a small robot", 4242, 10, {"temperature": 1, "top_k": 40, "top_p": 1}
    got = generate(live, prompt, seed=seed, length=n, min_p=0, **settings)
    assert len(got) == n
    dists = live.js(REPLAY, prompt, got)
    for step, (dist, token) in enumerate(zip(dists, got)):
        ids, scores, _ = demos_live._scores(dist["ids"], dist["probs"])
        kept = sampling.distribution(scores, 1.0, 40, 1.0)
        index, _ = sampling.draw(kept, random.Random(seed * 1_000_003 + step))
        assert token == ids[index], f"{live.name}, step {step}: the widget drew {token}, demos/sampling.py {ids[index]}"
    assert generate(live, prompt, seed=seed, length=n, min_p=0, **settings) == got     # the same seed, the same text
    assert generate(live, prompt, seed=seed + 1, length=n, min_p=0, **settings) != got


@pytest.mark.parametrize("live", OTHERS, indirect=True)
def test_a_prompt_typed_while_generate_runs_does_not_change_what_it_continues(live):
    calm = generate(live, PROMPT, length=120, **GREEDY)
    live.click(f'{LIVE} button[name="generate"]')
    assert live.wait(f"() => document.querySelectorAll('{LIVE} .demo-live-gen .snap-tok').length >= 3")
    other = "Once upon a time, a small robot"
    live.js(MOVE, {"prompt": other})
    assert live.wait(f"(p) => {{ const t = document.querySelector('{LIVE} .demo-live-table');"
                     " return t.dataset.prompt === p && t.getAttribute('aria-busy') === 'false'; }", other)
    meanwhile = live.js(f"() => !document.querySelector('{LIVE} .demo-live-gen').dataset.tokenIds")
    generated(live)
    assert meanwhile, f"{live.name}: the other prompt's table came after Generate ended: nothing ran between its steps"
    assert tokens(live) == calm, live.name


# What the alternatives panel shows: each button's token, probability, name, and whether it can be chosen
ALTS = f"""() => [...document.querySelectorAll('{LIVE} .demo-live-alt')].map(b =>
    ({{id: Number(b.dataset.tokenId), prob: Number(b.dataset.prob), name: b.getAttribute('aria-label'),
       disabled: b.disabled}}))"""


def open_alternatives(d, k):
    # A click, not Enter on the focused token as in Chromium (test_branch_browser.py): headless Firefox
    # over WebDriver BiDi turns no synthesized Enter or Space into a click, on any button of any page.
    d.click(f"{LIVE} .demo-live-gen .snap-tok:nth-of-type({k + 1})")
    assert d.wait(f"() => document.querySelectorAll('{LIVE} .demo-live-alt').length === 5"), d.name
    return d.js(ALTS)


def path_line(d) -> str:
    return d.js(f"() => document.querySelector('{LIVE} .demo-live-path').textContent")


@pytest.mark.parametrize("live", OTHERS, indirect=True)
def test_branching_on_an_alternative_continues_from_it_as_llama_cpp_would(live, llama):
    d, k = live, 2
    first = generate(d, PROMPT, length=8, **GREEDY)
    assert path_line(d).startswith("Path 1: as generated after “The cat sat"), path_line(d)
    alts = open_alternatives(d, k)
    assert alts[0]["id"] == first[k] and alts[0]["disabled"], alts        # greedy: only the token taken survives
    assert alts[0]["name"].endswith("(100.0%), the token this path took"), alts
    assert all(re.fullmatch(r"Continue with '.+' \((\d+\.\d%|cut; [\d.<]+% at T = 1)\)"
                            r"(, the token this path took)?", a["name"], re.S) for a in alts), alts
    context = llama[1].tokenize(PROMPT.encode(), add_bos=False) + first[:k]
    native = after(llama, context, reset=True)
    assert all(abs(a["prob"] - native[a["id"]]) <= bound(d) + 5e-4 for a in alts), (alts, native[first[k]])
    chosen = alts[1]["id"]
    assert d.js("() => document.activeElement.dataset.tokenId") == str(chosen)   # the first choosable one has focus
    d.click(f'{LIVE} .demo-live-alt[data-token-id="{chosen}"]')
    assert d.wait(f"() => {{ const el = document.querySelector('{LIVE}'), g = el.querySelector('.demo-live-gen');"
                  " return !el.dataset.branching && g.dataset.path === '2' && g.dataset.tokenIds; }", ms=LOAD), d.name
    second = tokens(d)
    assert second[:k] == first[:k] and second[k] == chosen and len(second) == 8, (first, second)
    label = re.match(r"Continue with ('.+') \(", alts[1]["name"], re.S).group(1)
    assert path_line(d).startswith(f"Branch 2: {label} at token {k + 1} (from path 1;"), path_line(d)
    assert greedy_gap(llama, context + [chosen], second[k + 1:], 2 * bound(d)) is None, d.name
    d.click(f'{LIVE} button[name="back"]')
    assert d.wait(f"() => document.querySelector('{LIVE} .demo-live-gen').dataset.path === '1'"), d.name
    assert tokens(d) == first
    assert d.js("() => document.activeElement.dataset.tokenId") == str(first[k])    # where the two paths part
