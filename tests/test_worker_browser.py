"""Two n-gram widgets on one page share one Pyodide worker but never each other's model.

The worker keys every request and every piece of state by widget id. Here, in a real Chromium on
the real built site, a page holds two n-gram widgets with different options; their training and
generation requests are fired interleaved, without waiting for answers, and each widget's output
must equal what CPython's demos.ngram gives for that widget's own options and seed.
"""

from pathlib import Path

import pytest

from demos import ngram, web
from pages import idle, page_with, set_value, wake

ROOT = Path(__file__).resolve().parents[1]
SHAKESPEARE = (ROOT / "slides" / "corpus" / "coriolanus.txt").read_text(encoding="utf-8")
# Both corpora are over the worker's 200,000-character training slice, so trainings interleave.
CORPUS_A = SHAKESPEARE * 30
CORPUS_B = "".join(f"the {a} {v} the {b} . " for a in ("cat", "dog", "fox", "owl") for v in ("sat on", "saw", "chased")
                   for b in ("mat", "moon", "hen", "log")) * 1000

# Before widgets.js binds the page's widgets, put a second copy of the n-gram widget after the first.
# The page's scripts are ES modules: they run after parsing, before DOMContentLoaded, so the copy is
# made when the document turns "interactive" (parsing done, no deferred script run yet).
CLONE = """document.addEventListener("readystatechange", () => {
  if (document.readyState !== "interactive") return;
  const first = document.querySelector('.demo[data-demo="ngram"]');
  if (first) first.after(first.cloneNode(true));
});"""


def expected(options: dict) -> dict:
    """What CPython's demos give for one request's options."""
    model = ngram.NGram(options["n"], options["level"]).train(options["corpus"])
    return web.ngram_output(options["prompt"], options["length"], options["temperature"], options["seed"],
                            model=model)


@pytest.fixture
def two_ngrams(page, built_site, site_url):
    page.add_init_script(CLONE)
    page.goto(site_url + page_with(built_site, "ngram"))
    page.wait_for_load_state("load")
    widgets = page.locator('.demo[data-demo="ngram"]')
    assert widgets.count() == 2
    assert page.evaluate("deckDemos.widgets.filter(w => w.kind === 'ngram').map(w => w.key).length") == 2
    return widgets.nth(0), widgets.nth(1)


def test_interleaved_requests_from_two_widgets_each_get_their_own_model(page, two_ngrams):
    a, _ = two_ngrams
    wake(page, a)
    base = {"prompt": "", "length": 80, "temperature": 1.0}
    requests = [("a", {**base, "corpus": CORPUS_A, "n": 4, "level": "char", "seed": 1}),
                ("b", {**base, "corpus": CORPUS_B, "n": 2, "level": "word", "seed": 2}),
                ("a", {**base, "corpus": CORPUS_A, "n": 3, "level": "char", "seed": 3}),   # a retrains
                ("b", {**base, "corpus": CORPUS_B, "n": 2, "level": "word", "seed": 4, "temperature": 0.5}),
                ("a", {**base, "corpus": CORPUS_A, "n": 3, "level": "char", "seed": 5, "prompt": "First"})]
    # All sent at once, none awaited before the next is sent: the worker interleaves them.
    results = page.evaluate("""requests => {
        const [a, b] = deckDemos.widgets.filter(w => w.kind === "ngram");
        const key = { a: a.key, b: b.key };
        return Promise.all(requests.map(([w, options]) =>
            deckDemos.bridge.send("ngram", { widget: key[w], ...options })));
    }""", requests)
    for (widget, options), got in zip(requests, results):
        want = expected(options)
        assert got["text"] == want["text"], f"widget {widget}, seed {options['seed']}"
        assert got["next"] == want["next"] and got["size"] == want["size"]


def test_two_widgets_generating_at_once_show_their_own_text(page, two_ngrams):
    a, b = two_ngrams
    wake(page, a)
    settings = {a: {"corpus": CORPUS_A, "n": 5, "level": "char", "seed": 11, "length": 60},
                b: {"corpus": CORPUS_B, "n": 3, "level": "word", "seed": 12, "length": 30}}
    for widget, options in settings.items():
        widget.locator("textarea[name=corpus]").evaluate("(el, text) => { el.value = text; }", options["corpus"])
        widget.locator("select[name=level]").evaluate("(el, v) => { el.value = v; }", options["level"])
        for name in ("n", "seed", "length"):
            widget.locator(f'[name="{name}"]').evaluate("(el, v) => { el.value = v; }", str(options[name]))
    # one click each, back to back: both widgets' requests are in the worker at the same time
    page.evaluate("widgets => widgets.forEach(w => w.querySelector('button[name=generate]').click())",
                  [a.element_handle(), b.element_handle()])
    for widget, options in settings.items():
        want = expected({**options, "prompt": "", "temperature": 1.0})
        page.wait_for_function("([el, want]) => el.querySelector('.demo-text').textContent === want",
                               arg=[widget.element_handle(), want["text"]], timeout=120_000)
        idle(page, widget)
    # and moving one widget's control redraws that widget alone
    before = b.locator(".demo-text").text_content()
    set_value(a, "seed", 99)
    want = expected({**settings[a], "seed": 99, "prompt": "", "temperature": 1.0})
    page.wait_for_function("([el, want]) => el.querySelector('.demo-text').textContent === want",
                           arg=[a.element_handle(), want["text"]], timeout=60_000)
    assert b.locator(".demo-text").text_content() == before
