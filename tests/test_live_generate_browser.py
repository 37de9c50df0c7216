"""The live widget's Generate in a real Chromium: the deck's sampler exactly, and the reader's own speed.

Each generated token is drawn in the page's Pyodide worker from the engine's whole distribution
(crossed once, as typed arrays, with demos/quick.py's shortcut). The reference is demos/sampling.py
run here, natively, on the very distributions the engine gave for that text: the same tokens.
"""

import json
import random
import re

import pytest

from demos import live as demos_live
from demos import sampling
from helpers import LOAD
from pages import live_widget_open

# The engine's distributions for the prompt and after each generated token, read the way Generate
# reads them (the prompt, then one token at a time), as plain arrays for Python.
REPLAY = """async ([prompt, ids]) => {
  const { engine } = window.deckLive;
  const plain = (d) => ({ ids: Array.from(d.ids), probs: Array.from(d.probs) });
  const out = [plain(await engine.distribution(prompt))];
  for (const id of ids.slice(0, -1)) out.push(plain(await engine.extend(id)));
  return out;
}"""


@pytest.fixture(scope="module")
def widget(browser, built_site, site_url):
    with live_widget_open(browser, built_site, site_url) as (page, root):
        page.wait_for_function("el => !el.dataset.busy", arg=root.element_handle(), timeout=LOAD)
        yield page, root


def generate(page, root, prompt, **settings):
    for name, value in settings.items():
        root.locator(f'[name="{name}"]').evaluate("(el, v) => { el.value = v; }", str(value))
    root.locator('textarea[name="prompt"]').fill(prompt)
    page.wait_for_function("el => !el.dataset.busy", arg=root.element_handle(), timeout=LOAD)
    root.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelector('.demo-live-gen').dataset.tokenIds",
                           arg=root.element_handle(), timeout=LOAD)
    return json.loads(root.locator(".demo-live-gen").get_attribute("data-token-ids"))


@pytest.mark.parametrize("settings", [{"temperature": 1, "top_k": 0, "top_p": 1},          # the whole vocabulary
                                      {"temperature": 0.7, "top_k": 0, "top_p": 0.9},
                                      {"temperature": 1.5, "top_k": 40, "top_p": 1}], ids=str)
def test_generated_tokens_are_demos_sampling_draws_from_the_engines_distributions(widget, settings):
    page, root = widget
    prompt, seed, n = "Once upon a time, a small robot", 4242, 12
    got = generate(page, root, prompt, seed=seed, length=n, **settings)
    assert len(got) == n
    dists = page.evaluate(REPLAY, [prompt, got])
    for step, (dist, token) in enumerate(zip(dists, got)):
        ids, scores, _ = demos_live._scores(dist["ids"], dist["probs"])
        kept = sampling.distribution(scores, float(settings["temperature"]), settings["top_k"], settings["top_p"])
        index, _ = sampling.draw(kept, random.Random(seed * 1_000_003 + step))
        assert token == ids[index], f"step {step}: the widget drew {token}, demos/sampling.py draws {ids[index]}"


def test_generate_says_the_readers_own_speed(widget):
    page, root = widget
    generate(page, root, "The cat sat on the", temperature=1, top_k=0, top_p=1, length=30, seed=1)
    line = root.locator(".demo-live-speed")
    text, per_s = line.text_content(), float(line.get_attribute("data-tokens-per-s"))
    m = re.search(r"(\d+) tokens in ([\d.]+) s: ([\d.]+) tokens/s on this device, for “The cat sat on the”", text)
    assert m, text
    assert int(m.group(1)) == 30 and per_s > 0
    assert float(m.group(3)) == pytest.approx(per_s, abs=0.051)
    assert float(m.group(3)) == pytest.approx(30 / float(m.group(2)), rel=0.1)     # s is rounded to 0.1
