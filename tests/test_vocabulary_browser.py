"""One presentation vocabulary: the build (demos/vocabulary.py) and the page (assets/vocabulary.js) show
the same token, the same percentage and the same colour for the same data, checked in Chromium on the
edges where two formatters usually part (halves, tiny and whole probabilities, every kind of whitespace)
and on the real numbers of the committed snapshots.
"""

from __future__ import annotations

import json
import math
import random

from demos import vocabulary
from helpers import ROOT

SCRIPT = ROOT / "build_hooks" / "assets" / "vocabulary.js"

TOKENS = [" cat", "\n", "\t", "", "  ", " \n\t ", "␣", "a b", "日本語", "😀", "\r\n", "x\ty", "end "]
EDGES = [0, 1, 1.0, 0.5, 0.0625, 0.00025, 0.0005, 0.00049999, 0.0004, 0.0733, 0.9995, 0.99949, 0.99996, 1e-12,
         0.125, 0.375, 0.0125, 0.0375, 0.25, 0.75, 1 / 3, 2 / 3, 0.1, 0.2, 0.3, float("nan"), -0.0, 1.5, -0.2]


def snapshot_probabilities() -> list[float]:
    """Every probability the committed snapshots hold (next-token tables, completions, beams)."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, float) and key in ("prob", "p", "rest") and 0 <= value <= 1:
            found.append(value)
        elif isinstance(value, float) and key == "logprob" and value <= 0:
            found.append(math.exp(value))

    for path in sorted((ROOT / "slides" / "snapshots").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def test_python_and_javascript_render_the_same(browser):
    rng = random.Random(7)
    probabilities = EDGES + snapshot_probabilities() + [rng.random() ** 4 for _ in range(2000)] \
        + [k / 2000 for k in range(2001)]
    assert len(probabilities) > 4000
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<!doctype html><title>vocabulary</title>")
        # the module as the pages load it; its exports handed to the test by a line of its own
        page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8") + "\nwindow.rules = { label, percent, hue };",
                            type="module")
        page.wait_for_function("window.rules")
        js = page.evaluate("""([tokens, ps]) => ({
            labels: tokens.map(window.rules.label),
            percents: ps.map((p) => window.rules.percent(p === null ? NaN : p)),
            hues: ps.map((p) => p === null ? null : window.rules.hue(p)) })""",
                           [TOKENS, [None if math.isnan(p) else p for p in probabilities]])
    finally:
        context.close()
    assert js["labels"] == [vocabulary.label(t) for t in TOKENS]
    mismatched = [(p, py, j) for p, j in zip(probabilities, js["percents"]) if (py := vocabulary.percent(p)) != j]
    assert not mismatched, mismatched[:10]
    hues = [(p, vocabulary.hue(p), h) for p, h in zip(probabilities, js["hues"]) if h is not None]
    assert not [m for m in hues if m[1] != m[2]], [m for m in hues if m[1] != m[2]][:10]


def test_the_rules_say_what_the_readme_promises():
    assert [vocabulary.label(t) for t in (" cat", "\n", "\t", "")] == ["␣cat", "↵", "⇥", "∅"]
    assert [vocabulary.percent(p) for p in (0.0625, 0.0004, 0, 1)] == ["6.3%", "<0.1%", "0%", "100.0%"]
    assert vocabulary.hue(0) == 0 and vocabulary.hue(1) == 120 and vocabulary.hue(0.25) == 60
