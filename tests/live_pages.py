"""The live widget through a `browsers.Driver`, in any engine, and llama.cpp's answers to hold it to.

What the engine test modules (tests/test_engines_*_browser.py) share, as tests/helpers.py is for
Playwright's pages: each call is what a reader does (a value typed, a button clicked) and returns
once the widget shows its answer, waiting in the page on that condition.

    d = opened(driver, built_site, site_url)      # the reading page's live widget, model loaded
    ids = generate(d, "The cat sat on the", temperature=0, length=8)
    gap = greedy_gap(llama_reference(), context, ids, allowed=2 * bound(d))    # None: llama.cpp agrees

Also the chi-square test the draws are held to (CHI2_999, chi_square) and the raw-error check.
"""

from __future__ import annotations

import json
import re

import browsers
from helpers import LOAD
from helpers import probs_after as after
from pages import live_url

LIVE = '.demo[data-demo="live"]'
PROMPT = "The cat sat on the"
# Upper 0.1% points of the chi-square distribution by degrees of freedom (NIST/SEMATECH e-Handbook of
# Statistical Methods, 1.3.6.7.4): a fair sampler exceeds them once in a thousand runs.
CHI2_999 = [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588, 31.264, 32.909,
            34.528, 36.123, 37.697, 39.252, 40.790, 42.312, 43.820, 45.315, 46.797, 48.268, 49.728, 51.179]
# Set a control as a reader's edit does: its value, then an `input` event (the sliders' outputs follow).
MOVE = """(values) => { const w = document.querySelector('.demo[data-demo="live"]');
    for (const [name, v] of Object.entries(values)) { const el = w.querySelector(`[name="${name}"]`);
        el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); } }"""


def opened(driver, built_site, site_url):
    """Open the reading page's live widget in `driver` and press Load; return the driver once the model
    is live and the first table stands (the opt-in may reload the page once: threads.js)."""
    driver.goto(site_url + live_url(built_site))
    driver.click(f'{LIVE} button[name="load"]')
    state = driver.settle(f"() => {{ const s = document.querySelector('{LIVE}').dataset.state;"
                          " return ['live', 'error', 'unavailable'].includes(s) && s; }", ms=LOAD)
    assert state == "live", f"{driver.name}: {status(driver)}"
    assert driver.wait(f"() => {{ const el = document.querySelector('{LIVE}'); return !el.dataset.busy"
                       " && el.querySelector('.demo-live-rest').dataset.after !== undefined; }", ms=LOAD)
    return driver


def status(driver) -> str:
    return driver.js(f"() => document.querySelector('{LIVE} .demo-status').textContent")


def bound(driver) -> float:
    """The largest difference from llama-cpp-python the widget's precision line admits to."""
    note = driver.js(f"() => document.querySelector('{LIVE} .demo-precision').textContent")
    return float(re.search(r"at most ([\d.]+)", note).group(1))


def shown(driver, prompt, **settings):
    """Type a prompt and move sliders, then wait for the table of these settings (Python done)."""
    driver.js(f"() => {{ const r = document.querySelector('{LIVE} .demo-live-rest'); if (r) delete r.dataset.after; }}")
    driver.js(MOVE, {"prompt": prompt, **settings})
    assert driver.wait(f"(p) => {{ const el = document.querySelector('{LIVE}'); return !el.dataset.busy"
                       " && el.querySelector('.demo-live-table').dataset.prompt === p"
                       " && el.querySelector('.demo-live-rest')?.dataset.after !== undefined; }", prompt, ms=LOAD), \
        f"{driver.name}: no table for {prompt!r}: {status(driver)}"


def tokens(driver) -> list[int]:
    return json.loads(driver.js(f"() => document.querySelector('{LIVE} .demo-live-gen').dataset.tokenIds || '[]'"))


def generate(driver, prompt, **settings) -> list[int]:
    """Generate from `prompt` with these settings (seed, length, sliders): the token ids it wrote."""
    shown(driver, prompt, **settings)
    driver.click(f'{LIVE} button[name="generate"]')
    generated(driver)
    return tokens(driver)


def generated(driver):
    done = driver.wait(f"() => {{ const el = document.querySelector('{LIVE}');"
                       " return !el.dataset.busy && el.querySelector('.demo-live-gen').dataset.tokenIds; }", ms=LOAD)
    assert done, f"{driver.name}: Generate did not end: {status(driver)}"


def no_raw_errors(driver) -> None:
    """The page shows sentences only: no JavaScript error text of any engine."""
    text = driver.js("() => document.body.innerText")
    found = sorted({m.group(0) for m in browsers.RAW_ERROR.finditer(text)})
    assert not found, f"{driver.name} shows raw error text {found}: {text[-1500:]}"


def greedy_gap(llama, context, got, allowed) -> str | None:
    """Hold tokens generated at T = 0 to llama.cpp's greedy continuation of `context`: the same, or
    another path only where llama.cpp's own two best are within `allowed` of each other (then the
    rest follows from another text, not checked). Returns what went wrong, or None."""
    probs = after(llama, context, reset=True)
    for step, token in enumerate(got):
        want = int(probs.argmax())
        if token != want:
            gap = probs[want] - probs[token]
            return None if gap <= allowed else f"token {step + 1}: {token}, llama.cpp says {want} ({gap:.4f} apart)"
        probs = after(llama, [token])
    return None


def chi_square(counts, n):
    """Pearson's statistic over the table's rows (_, probability, count), rows expected fewer than 5
    times pooled; returns (statistic, degrees of freedom).

    Example:
    >>> chi_square([("a", 0.5, 50), ("b", 0.5, 50)], 100)
    (0.0, 1)
    """
    bins, pool = [], [0.0, 0]
    for _, p, c in counts:
        if n * p >= 5:
            bins.append((p, c))
        else:
            pool = [pool[0] + p, pool[1] + c]
    if pool[0]:
        bins.append(tuple(pool))
    return sum((c - n * p) ** 2 / (n * p) for p, c in bins), len(bins) - 1
