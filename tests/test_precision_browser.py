"""The precision the live widget states holds on prompts its measurement never saw.

bench/precision.py measured the browser (wllama in Chromium) against llama.cpp (llama-cpp-python)
on Coriolanus cut at seed 0's random points; the widget states that measurement's maximum. Here:
20 other cuts (another seed), the same comparison, the real page and the real GGUF: every prompt's
largest top-10 difference must stay within what the widget says, or the statement is wrong.
"""

import json
import re

import pytest

from bench import precision
from pages import live_widget_open

FRESH = precision.corpus_prompts(seed=7, n=20)


@pytest.fixture(scope="module")
def page(browser, built_site, site_url):
    pytest.importorskip("llama_cpp")
    with live_widget_open(browser, built_site, site_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def llm():
    return precision.native_model()


def stated(widget) -> tuple[float, int]:
    text = widget.locator(".demo-precision").text_content()
    m = re.search(r"top 10 typically within ([\d.]+) \(95%: ([\d.]+)\), at most ([\d.]+) on (\d+) prompts measured",
                  text)
    assert m, text
    return float(m.group(3)), int(m.group(4))


def test_the_statement_is_the_committed_measurement(page):
    measured = json.loads(precision.OUT.read_text())
    bound, n = stated(page[1])
    assert n == measured["prompts"] == len(measured["per_prompt"]) >= 200
    assert measured["max"] <= bound < measured["max"] + 0.001          # the maximum, rounded up
    assert max(measured["per_prompt"]) <= bound


def test_fresh_prompts_were_never_measured():
    m = json.loads(precision.OUT.read_text())
    measured = set(precision.corpus_prompts(seed=m["seed"], n=m["corpus_cuts"]))
    assert len(FRESH) == 20 and not measured & set(FRESH)


@pytest.mark.parametrize("prompt", FRESH, ids=lambda p: p[:24])
def test_the_stated_bound_holds_on_a_prompt_the_measurement_never_saw(page, llm, prompt):
    browser_page, widget = page
    got = precision.difference(browser_page.evaluate(precision.TOP10, prompt), precision.native_probs(llm, prompt))
    bound, _ = stated(widget)
    print(f"{prompt[:40]!r}: max top-10 difference {got['diff']:.4f} (stated: at most {bound})")
    assert got["diff"] <= bound, f"the widget says at most {bound}; this prompt differs by {got['diff']:.4f}"
