"""Branch, score, draw: the live widget's explorations of the real model, in Chromium with the model
live (wllama 2.3.7 on the build's GGUF), against llama.cpp itself (llama-cpp-python on the same file).

- branching at a generated token continues from the chosen alternative with the same settings;
- a typed continuation's score is llama.cpp's product of its tokens' probabilities, within the
  precision the widget states;
- 1,000 seeded draws sum to 1,000 and fit the kept distribution (a chi-square test).
"""

import json
import math
import re

import pytest

from demos import sampling
from helpers import LOAD, llama_reference, probs_along
from helpers import probs_after as after
from live_pages import CHI2_999, chi_square
from pages import live_slide, live_widget_open

PROMPT = "The cat sat on the"


@pytest.fixture(scope="module")
def live(browser, built_site, site_url):
    """The live widget of the reading page, model loaded: (page, widget)."""
    with live_widget_open(browser, built_site, site_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def llama():
    """llama.cpp (llama-cpp-python) on the embedded GGUF: the reference the widget is held to."""
    return llama_reference()


def bound(widget) -> float:
    """The largest difference from llama-cpp-python the widget's precision line admits to."""
    return float(re.search(r"at most ([\d.]+)", widget.locator(".demo-precision").text_content()).group(1))


def move(widget, **values):
    """Set controls as a reader does (value, then an input event)."""
    for name, value in values.items():
        widget.locator(f'[name="{name}"]').evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))


def shown(page, widget, prompt, **settings):
    """Type a prompt and move sliders, then wait for the table of these settings (Python done)."""
    widget.evaluate("el => { const r = el.querySelector('.demo-live-rest'); if (r) delete r.dataset.after; }")
    widget.locator('textarea[name="prompt"]').fill(prompt)
    move(widget, **settings)
    page.wait_for_function("([el, p]) => !el.dataset.busy && el.querySelector('.demo-live-table').dataset.prompt === p"
                           " && el.querySelector('.demo-live-rest').dataset.after !== undefined",
                           arg=[widget.element_handle(), prompt], timeout=LOAD)


def generate(page, widget, prompt, **settings):
    shown(page, widget, prompt, **settings)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelector('.demo-live-gen').dataset.tokenIds",
                           arg=widget.element_handle(), timeout=LOAD)
    return json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids"))


def open_alternatives(page, widget, k):
    widget.locator(".demo-live-gen .snap-tok").nth(k).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.querySelectorAll('.demo-live-alt').length === 5", arg=widget.element_handle(),
                           timeout=LOAD)
    return widget.locator(".demo-live-alt")


# ------------------------------------------------------------------ branch at any token


def test_branching_on_an_alternative_continues_from_it_as_llama_cpp_would(live, llama):
    page, widget = live
    first = generate(page, widget, PROMPT, temperature=0, top_k=0, top_p=1, min_p=0, length=8, seed=0)
    assert widget.locator(".demo-live-path").text_content().startswith("Path 1: as generated after “The cat sat")
    k = 2
    alts = open_alternatives(page, widget, k)
    # the top 5 at token k under the same settings (greedy: only the token taken survives), by keyboard
    names = [a.get_attribute("aria-label") for a in alts.all()]
    assert all(re.fullmatch(r"Continue with '.+' \((\d+\.\d%|cut; [\d.<]+% at T = 1)\)"
                            r"(, the token this path took)?", n, re.S) for n in names), names
    assert int(alts.first.get_attribute("data-token-id")) == first[k] and alts.first.is_disabled()
    assert names[0].endswith("(100.0%), the token this path took")
    # the model's own probabilities there: llama.cpp's, within the stated precision
    context = llama[1].tokenize(PROMPT.encode(), add_bos=False) + first[:k]
    native = after(llama, context, reset=True)
    assert all(abs(float(a.get_attribute("data-prob")) - native[int(a.get_attribute("data-token-id"))])
               <= bound(widget) + 5e-4 for a in alts.all())
    focused = page.evaluate("document.activeElement.dataset.tokenId")
    chosen = int(alts.nth(1).get_attribute("data-token-id"))
    assert focused == str(chosen)                  # the first one that can be chosen has the focus
    page.keyboard.press("Enter")
    page.wait_for_function("el => !el.dataset.branching && el.querySelector('.demo-live-gen').dataset.path === '2'"
                           " && el.querySelector('.demo-live-gen').dataset.tokenIds",
                           arg=widget.element_handle(), timeout=LOAD)
    second = json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids"))
    assert second[:k] == first[:k] and second[k] == chosen and len(second) == 8
    assert page.evaluate("document.activeElement.classList.contains('demo-live-path')")   # says which path is shown
    assert widget.locator(".demo-live-gen .snap-tok").count() == 8
    label = re.match(r"Continue with ('.+') \(", names[1], re.S).group(1)
    path = widget.locator(".demo-live-path").text_content()
    assert path.startswith(f"Branch 2: {label} at token {k + 1} (from path 1;"), path
    # llama.cpp's greedy continuation from the prefix and the chosen token: the same, or another
    # path only where llama.cpp's own two best are closer than the widget's precision allows
    probs = after(llama, context + [chosen], reset=True)
    for step, got in enumerate(second[k + 1:], start=k + 1):
        want = int(probs.argmax())
        if got != want:
            gap = probs[want] - probs[got]
            assert gap <= 2 * bound(widget), f"token {step + 1}: {got} where llama.cpp says {want} ({gap:.4f} apart)"
            break
        probs = after(llama, [got])
    # Back: the previous path, exactly, and the focus on the token where they part
    widget.locator('button[name="back"]').click()
    page.wait_for_function("el => el.querySelector('.demo-live-gen').dataset.path === '1'", arg=widget.element_handle())
    assert json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids")) == first
    assert widget.locator('button[name="back"]').is_hidden()
    assert page.evaluate("document.activeElement.dataset.tokenId") == str(first[k])


def test_a_prompt_typed_while_generate_runs_does_not_change_what_it_continues(live):
    """Generate reads one token per engine turn, and the table's refresh for a prompt typed meanwhile
    reads that prompt into llama.cpp's one context between two of them. The generation goes on from
    its own text: the same tokens as a run nobody disturbed."""
    page, widget = live
    calm = generate(page, widget, PROMPT, temperature=0, top_k=0, top_p=1, min_p=0, length=120, seed=0)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => el.querySelectorAll('.demo-live-gen .snap-tok').length >= 3",
                           arg=widget.element_handle(), timeout=LOAD)
    other = "Once upon a time, a small robot"
    widget.locator('textarea[name="prompt"]').fill(other)
    page.wait_for_function("([el, p]) => { const t = el.querySelector('.demo-live-table');"
                           " return t.dataset.prompt === p && t.getAttribute('aria-busy') === 'false'; }",
                           arg=[widget.element_handle(), other], timeout=LOAD)
    meanwhile = widget.evaluate("el => !el.querySelector('.demo-live-gen').dataset.tokenIds")
    page.wait_for_function("el => el.querySelector('.demo-live-gen').dataset.tokenIds", arg=widget.element_handle(),
                           timeout=LOAD)
    got = json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids"))
    assert meanwhile, "the other prompt's table came after Generate ended: nothing ran between its steps"
    assert got == calm


def test_escape_closes_the_alternatives_and_returns_to_the_token(live):
    page, widget = live
    generate(page, widget, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0, length=4, seed=3)
    open_alternatives(page, widget, 1)
    assert widget.locator(".demo-live-gen .snap-tok").nth(1).get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.wait_for_function("el => el.querySelector('.demo-live-alts').hidden", arg=widget.element_handle())
    assert page.evaluate("document.activeElement.classList.contains('snap-tok')")
    assert widget.locator(".demo-live-gen .snap-tok").nth(1).get_attribute("aria-expanded") == "false"


def test_axe_finds_no_serious_violation_with_the_alternatives_open(live):
    from pages import axe

    page, widget = live
    generate(page, widget, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0, length=3, seed=1)
    open_alternatives(page, widget, 0)
    assert axe(page, '.demo[data-demo="live"]') == []
    page.keyboard.press("Escape")


# ------------------------------------------------------------------ score a continuation


@pytest.mark.parametrize("prompt, continuation", [("The cat sat", " on the mat"), (PROMPT, " kitten")])
def test_a_typed_continuation_scores_llama_cpp_product_of_token_probabilities(live, llama, prompt, continuation):
    page, widget = live
    widget.locator('textarea[name="prompt"]').fill(prompt)
    widget.locator('input[name="continuation"]').fill(continuation)
    widget.locator('input[name="continuation"]').press("Enter")
    table = widget.locator(".demo-live-score")
    page.wait_for_function("([el, c]) => el.dataset.continuation === c && el.dataset.prob && "
                           "el.getAttribute('aria-busy') === 'false'", arg=[table.element_handle(), continuation],
                           timeout=LOAD)
    caption = table.locator("caption").text_content()
    assert f"“{continuation}”" in caption and f"“{prompt}”" in caption     # which prompt, which continuation
    rows = table.locator("tbody tr").evaluate_all(
        "rs => rs.map(r => [Number(r.dataset.tokenId), Number(r.dataset.prob), Number(r.dataset.running)])")
    tokens, native = probs_along(llama, prompt, continuation)
    assert [r[0] for r in rows] == tokens                                   # llama.cpp's own tokens
    b = bound(widget) + 5e-4
    assert all(abs(got - want) <= b for (_, got, _), want in zip(rows, native)), (rows, native)
    live_p = float(table.get_attribute("data-prob"))
    assert live_p == pytest.approx(math.prod(r[1] for r in rows), rel=1e-9) == rows[-1][2]
    # the product of factors each within the bound of llama.cpp's lies between these
    low, high = math.prod(max(0.0, p - b) for p in native), math.prod(min(1.0, p + b) for p in native)
    print(f"{continuation!r}: live {live_p:.3e}, llama.cpp {math.prod(native):.3e}")
    assert low <= live_p <= high
    total = widget.locator(".demo-live-score-total").text_content()
    assert total.startswith("P = ") and "log-prob" in total


# ------------------------------------------------------------------ min-p, the preset, 1,000 draws


def test_min_p_keeps_the_tokens_at_least_min_p_times_the_top_one(live):
    page, widget = live
    shown(page, widget, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0.5)
    rows = widget.locator("tr.demo-live-row").evaluate_all(
        "rs => rs.map(r => [Number(r.dataset.prob), r.dataset.kept === 'true', Number(r.dataset.after)])")
    want = sampling.distribution([math.log(p) for p, _, _ in rows], min_p=0.5)
    assert [kept for _, kept, _ in rows] == [i < len(want) for i in range(len(rows))]
    assert all(abs(a - q) < 1e-6 for (_, _, a), (_, q) in zip(rows, want))
    assert widget.locator('[name="min_p"]').locator("xpath=..").locator("output").text_content() == "0.5"


def test_llama_cpp_defaults_then_1000_draws_fit_the_kept_distribution(live):
    page, widget = live
    shown(page, widget, PROMPT, temperature=1, top_k=0, top_p=1, min_p=0)
    widget.evaluate("el => delete el.querySelector('.demo-live-rest').dataset.after")
    widget.locator('button[name="preset"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelector('.demo-live-rest').dataset.after !== undefined",
                           arg=widget.element_handle(), timeout=LOAD)
    values = {n: widget.locator(f'[name="{n}"]').input_value() for n in ("top_k", "top_p", "min_p", "temperature")}
    assert values == {"top_k": "40", "top_p": "0.95", "min_p": "0.05", "temperature": "0.8"}
    counts = draw(page, widget, seed=0)
    assert sum(c for _, _, c in counts) == 1000
    assert sum(p for _, p, _ in counts) == pytest.approx(1, abs=1e-6)
    kept = int(widget.locator(".demo-live-draws").get_attribute("data-kept"))
    assert widget.locator(".demo-live-kept").text_content().startswith(f"{kept} of ")   # the table's kept tokens
    stat, df = chi_square(counts, 1000)
    print(f"chi-square {stat:.2f} on {df} degrees of freedom (0.1% critical value {CHI2_999[df - 1]})")
    assert stat <= CHI2_999[df - 1]
    assert draw(page, widget, seed=0) == counts                      # seeded: the same draws again
    assert draw(page, widget, seed=1) != counts


def draw(page, widget, seed):
    move(widget, seed=seed)
    table = widget.locator(".demo-live-draws")
    table.evaluate("el => delete el.dataset.n")
    widget.locator('button[name="draws"]').click()
    page.wait_for_function("el => el.dataset.n && el.getAttribute('aria-busy') === 'false'",
                           arg=table.element_handle(), timeout=LOAD)
    assert table.get_attribute("data-seed") == str(seed) and table.get_attribute("data-prompt") == PROMPT
    return table.locator("tbody tr").evaluate_all(
        "rs => rs.map(r => [r.dataset.tokenId || 'rest', Number(r.dataset.prob), Number(r.dataset.count)])")


# ------------------------------------------------------------------ the speaker view copies the path shown


# What a widget shows of its branches: the token ids of the text, the path line, the alternatives' names
SHOWN = """w => [w.querySelector('.demo-live-gen').dataset.tokenIds, w.querySelector('.demo-live-path').textContent,
                 [...w.querySelectorAll('.demo-live-alt')].map(b => b.ariaLabel)]"""


def test_the_speaker_view_shows_the_branch_taken_and_its_alternatives(live, built_site, site_url):
    stem, index = live_slide(built_site)
    page = live[0].context.new_page()           # the model comes from this context's cache
    page.goto(f"{site_url}present/{stem}/?live=1#/{index}")
    widget = page.locator('.demo[data-demo="live"]').first
    page.wait_for_function("el => el.dataset.state === 'live'", arg=widget.element_handle(), timeout=LOAD)
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    view = popup.value
    view.wait_for_function("[...document.querySelectorAll('iframe')].filter(f => /receiver/.test(f.src)).length === 2")
    generate(page, widget, PROMPT, temperature=0, top_k=0, top_p=1, min_p=0, length=5, seed=0)
    alts = open_alternatives(page, widget, 1)
    alts.nth(1).click()
    page.wait_for_function("el => !el.dataset.branching && el.querySelector('.demo-live-gen').dataset.path === '2'"
                           " && el.querySelector('.demo-live-gen').dataset.tokenIds", arg=widget.element_handle(),
                           timeout=LOAD)
    open_alternatives(page, widget, 3)
    want = widget.evaluate(f"w => ({SHOWN})(w)")
    previews = [f for f in view.frames if "receiver" in f.url]
    assert len(previews) == 2, [f.url for f in view.frames]
    for frame in previews:          # each preview: the same text, the same path line, the same alternatives
        frame.wait_for_function(f"""(want) => {{ const w = document.querySelector('.demo[data-demo="live"]');
            return w && w.dataset.mirror === 'preview' && JSON.stringify(({SHOWN})(w)) === JSON.stringify(want); }}""",
                                arg=want, timeout=10_000)
    assert "Branch 2: " in want[1] and len(want[2]) == 5
    view.close()
    page.close()
