"""One presentation vocabulary: the build (demos/vocabulary.py) and the page (assets/vocabulary.js) show
the same token, the same percentage and the same colour for the same data, checked in Chromium, Firefox
ESR and WebKitGTK (tests/browsers.py) on the edges where two formatters usually part (halves, tiny and
whole probabilities, every kind of whitespace) and on the real numbers of the committed snapshots.
Each engine runs the modules the built site serves, as its pages import them.
"""

from __future__ import annotations

import json
import math
import random

import pytest

import browsers
from demos import vocabulary
from helpers import ROOT


@pytest.fixture(scope="module", params=["chromium", "firefox", "webkit"])
def page(request, built_site, site_url):
    """A reading page of the built site; tests import its modules (assets/deck/*.js) there."""
    chromium = request.getfixturevalue("browser") if request.param == "chromium" else None
    with browsers.engine(request.param, chromium) as driver:
        driver.goto(site_url)
        driver.assets = site_url + "assets/deck/"
        yield driver

TOKENS = [" cat", "\n", "\t", "", "  ", " \n\t ", "␣", "a b", "日本語", "😀", "\r\n", "x\ty", "end ", "\ufeffhi",
          "\u00a0nbsp", "\u2028", "\x1c", "'quote'", "\\n"]
# token bytes: whole characters, halves of one (an emoji is often 2 tokens), a BOM, stray continuation bytes
PIECES = [t.encode() for t in TOKENS] + ["😀".encode()[:2], "😀".encode()[2:], "日".encode()[:1], b"\xff", b"\x80 a",
                                         b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80"]
PROMPTS = TOKENS + ["The cat sat on the", "word " * 20, " lead and trail ", "x" * 60, "x" * 61, "😀" * 70,
                    "a\u00a0\u00a0b" * 30, "line\r\n\r\nbreak " * 9, "\u3000wide\u3000" * 12]
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


def test_python_and_javascript_render_the_same(page):
    rng = random.Random(7)
    probabilities = EDGES + snapshot_probabilities() + [rng.random() ** 4 for _ in range(2000)] \
        + [k / 2000 for k in range(2001)]
    assert len(probabilities) > 4000
    # a bar's width (100 p), its fraction (p) and a log-probability; halves, where format() and toFixed() part
    finite = [p for p in probabilities if 0 <= p <= 1]
    numbers = ([k / 8 for k in range(-40, 41)] + [12.125, 0.125, 2.5, -2.5, 0.00005, -0.001] + finite
               + [100 * p for p in finite] + [math.log(p) for p in finite if p > 0])
    js = page.js("""async (url, tokens, ps, pieces, prompts, numbers) => { const rules = await import(url); return {
        labels: tokens.map(rules.label),
        quoted: tokens.map(rules.quoted),
        excerpts: prompts.map(rules.excerpt),
        pieceTexts: pieces.map((b) => rules.pieceText(Uint8Array.from(b))),
        pieceLabels: pieces.map((b) => rules.pieceLabel(Uint8Array.from(b))),
        percents: ps.map((p) => rules.percent(p === null ? NaN : p)),
        hues: ps.map((p) => p === null ? null : rules.hue(p)),
        fixed: numbers.flatMap((x) => [0, 2, 4].map((n) => rules.fixed(x, n))) }; }""",
                 page.assets + "vocabulary.js", TOKENS, [None if math.isnan(p) else p for p in probabilities],
                 [list(b) for b in PIECES], PROMPTS, numbers)
    assert js["labels"] == [vocabulary.label(t) for t in TOKENS]
    assert js["quoted"] == [vocabulary.quoted(t) for t in TOKENS]
    assert js["fixed"] == [vocabulary.fixed(x, n) for x in numbers for n in (0, 2, 4)]
    assert js["excerpts"] == [vocabulary.excerpt(t) for t in PROMPTS]
    assert js["pieceTexts"] == [vocabulary.piece_text(b) for b in PIECES]
    assert js["pieceLabels"] == [vocabulary.piece_label(b) for b in PIECES]
    mismatched = [(p, py, j) for p, j in zip(probabilities, js["percents"]) if (py := vocabulary.percent(p)) != j]
    assert not mismatched, mismatched[:10]
    hues = [(p, vocabulary.hue(p), h) for p, h in zip(probabilities, js["hues"]) if h is not None]
    assert not [m for m in hues if m[1] != m[2]], [m for m in hues if m[1] != m[2]][:10]


def test_the_rules_say_what_the_readme_promises():
    assert [vocabulary.label(t) for t in (" cat", "\n", "\t", "")] == ["␣cat", "↵", "⇥", "∅"]
    assert [vocabulary.percent(p) for p in (0.0625, 0.0004, 0, 1)] == ["6.3%", "<0.1%", "0%", "100.0%"]
    assert vocabulary.hue(0) == 0 and vocabulary.hue(1) == 120 and vocabulary.hue(0.25) == 60
    assert vocabulary.piece_label("😀".encode()[:2]) == "⟨F0 9F⟩" and vocabulary.piece_text(b" a\n") == " a\n"
    assert vocabulary.quoted(" a\n") == "' a\\n'" and vocabulary.excerpt(" a  b ") == "“ a b ”"


def completion_steps() -> list[dict]:
    """Every token of the committed completion snapshots, and tokens made to reach the edges: each kind
    of whitespace, an empty token, quotes and markup characters, a chosen token outside its top 5."""
    steps = [t for path in sorted((ROOT / "slides" / "snapshots").glob("completion-*.json"))
             for run in json.loads(path.read_text(encoding="utf-8"))["data"]["runs"] for t in run["tokens"]]
    probs = [0.5, 0.19999, 0.2, 1.0, 0.0004, 0.0625, 1e-05, 1.5e-08, 3e-07, 0.01, 0.7, 0.05, 0.33] * 2
    other = {"id": 8, "text": "<b>&", "prob": 0.1}
    made = [{"id": 7, "text": t, "prob": p, "top": [{"id": 7, "text": t, "prob": p}, other]}
            for t, p in zip(TOKENS, probs)]
    made.append({"id": 9, "text": "\"x\" & 'y'\n", "prob": 0.01, "top": [{"id": 1, "text": "", "prob": 0.6}]})
    return steps + made


def test_a_live_token_is_the_build_s_token(page):
    """Generate's tokens (snapshots.js tokenButton) and the completion snapshot's (snapshot.token_button)
    are the same HTML: the browser parses the build's and serializes both."""
    from build_hooks.fences import snapshot

    steps = completion_steps()
    assert len(steps) > 40
    pairs = page.js("""async (url, steps, built) => { const { tokenButton } = await import(url);
        return steps.map((s, k) => {
            const t = document.createElement("template");
            t.innerHTML = built[k];
            return [tokenButton(s).outerHTML, t.content.firstChild.outerHTML];
        }); }""", page.assets + "snapshots.js", steps, [snapshot.token_button(s) for s in steps])
    differ = [(s["text"], js, py) for s, (js, py) in zip(steps, pairs) if js != py]
    assert not differ, differ[:3]


def bar_rows() -> list[dict]:
    """Sampling bars as the widget gets them: kept and cut, tiny and whole, every kind of label."""
    rng = random.Random(3)
    rows = [{"id": k, "label": vocabulary.label(t), "prob": p, "kept": k % 3 != 0, "tempered": p * 0.7}
            for k, (t, p) in enumerate(zip(TOKENS * 3, EDGES[:25] + [rng.random() ** 3 for _ in range(40)]))]
    return [r for r in rows if 0 <= r["prob"] <= 1]


def test_the_sampling_bars_are_drawn_alike_by_the_build_and_the_page(page):
    """parts.bars() (the static render) and widgets.js drawBars() (every redraw) give each bar the same
    token, kept flag, width, colour and number for the same rows."""
    from build_hooks.fences import parts

    rows = bar_rows()
    read = """(list) => [...list.children].map((li) => ({ cls: li.className, id: li.dataset.id, kept: li.dataset.kept,
        p: li.style.getPropertyValue('--p').trim(), hue: li.style.getPropertyValue('--hue').trim(),
        parts: [...li.children].map((c) => [c.className, c.textContent, c.children.length]) }))"""
    js, py = page.js(f"""async (url, rows, built) => {{ const read = {read};
        const {{ drawBars }} = await import(url);
        const a = document.createElement('ol'); drawBars(a, rows);
        const b = document.createElement('div'); b.innerHTML = built;      // the build's whole <ol>
        return [read(a), read(b.querySelector('ol.demo-bars'))]; }}""",
                     page.assets + "widgets.js", rows, parts.bars(rows))
    assert len(js) == len(rows) > 40
    differ = [(r, a, b) for r, a, b in zip(rows, js, py) if a != b]
    assert not differ, differ[:3]


def test_a_live_table_row_is_the_build_s_row(page):
    """The live widget's next-token rows (snapshots.js tableRow) and the build's (live.table_row) are the
    same HTML for the same tokens: the snapshots' own, and made ones at the edges of every rule."""
    from build_hooks.fences import live

    rows = [{"id": t["id"], "label": vocabulary.label(t["text"]), "prob": t["prob"]}
            for path in sorted((ROOT / "slides" / "snapshots").glob("next_tokens-*.json"))
            for t in json.loads(path.read_text(encoding="utf-8"))["data"]["top"]]
    rows += [{"id": 40 + k, "label": vocabulary.label(t), "prob": p} for k, (t, p) in
             enumerate(zip(TOKENS * 2, [p for p in EDGES if 0 <= p <= 1] + [1e-5, 3e-7, 0.12125]))]
    afters = ["…", "cut", "load the model", "7.3%", "<b>&"]
    pairs = page.js("""async (url, rows, afters, built) => { const { tableRow } = await import(url);
        return rows.map((r, k) => {
            const t = document.createElement("template");
            t.innerHTML = `<table><tbody>${built[k]}</tbody></table>`;
            const js = tableRow(k + 1, r, afters[k % afters.length]);
            return [js.outerHTML, t.content.querySelector("tr").outerHTML];
        }); }""", page.assets + "snapshots.js", rows, afters,
                    [live.table_row(k + 1, r, afters[k % len(afters)]) for k, r in enumerate(rows)])
    assert len(pairs) > 40
    differ = [(r, js, py) for r, (js, py) in zip(rows, pairs) if js != py]
    assert not differ, differ[:3]
