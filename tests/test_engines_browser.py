"""The core paths in three engines: Chromium, Firefox ESR and WebKitGTK (Safari's engine).

Real browsers from Debian's packages (tests/browsers.py), the built site from localhost. In each:
the sampling widget goes live (Pyodide), the tokenizer gives llama.cpp's ids, the live model loads
and its top token is llama.cpp's, the present page navigates, and no page shows a raw JavaScript
error. WebKit has no origin-private storage: the live model must load uncached and say so in words.
Chromium also runs the two ways the browser's storage can fail (absent, or refusing).

A missing browser skips its engine with the package to install, unless DECK_REQUIRE_BROWSERS=1
(.ci/run sets it): there a missing browser fails.
"""

import json
import os
import re

import pytest

import browsers
from helpers import LOAD
from llama_chain import DEFAULTS, llama_cpps_bars_of
from pages import live_url, page_with

ENGINES = ["chromium", "firefox", "webkit"]
PROMPT = "The cat sat on the"


@pytest.fixture(scope="module", params=ENGINES)
def driver(request):
    why = browsers.missing(request.param)
    if why:
        if os.environ.get("DECK_REQUIRE_BROWSERS") == "1":
            pytest.fail(why)
        pytest.skip(why)
    chromium = request.getfixturevalue("browser") if request.param == "chromium" else None
    with browsers.open_engine(request.param, chromium) as d:
        yield d


@pytest.fixture(scope="module")
def llama():
    """llama.cpp's own answers (llama-cpp-python through the deck's loader): the reference."""
    pytest.importorskip("llama_cpp")
    import numpy as np
    from llama_cpp import llama_get_logits_ith

    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    llm = loader.load(embedded_path())
    llm.eval(llm.tokenize(PROMPT.encode(), add_bos=False))
    logits = np.ctypeslib.as_array(llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).astype(float)
    probs = np.exp(logits - logits.max())
    yield llm, probs / probs.sum()
    llm.close()


def widget(kind: str) -> str:
    return f'.demo[data-demo="{kind}"]'


def no_raw_errors(driver) -> None:
    text = driver.js("() => document.body.innerText")
    found = sorted({m.group(0) for m in browsers.RAW_ERROR.finditer(text)})
    assert not found, f"{driver.name} shows raw error text {found}: {text[-1500:]}"


def set_value(driver, selector: str, value) -> None:
    """Change a control as a reader's edit does: its value, then an `input` event."""
    driver.js("(sel, v) => { const el = document.querySelector(sel); el.value = v;"
              " el.dispatchEvent(new Event('input', {bubbles: true})); }", selector, value)


def test_the_sampling_widget_goes_live(driver, built_site, site_url):
    driver.goto(site_url + page_with(built_site, "sampling"))
    sel = widget("sampling")
    set_value(driver, f'{sel} [name="top_k"]', 3)
    state = driver.wait("(sel) => { const el = document.querySelector(sel); return (el.dataset.state === 'error'"
                        " || (el.dataset.state === 'ready' && !el.dataset.busy"
                        " && el.querySelectorAll('.demo-bar[data-kept=true]').length === 3))"
                        " && el.dataset.state; }", sel)
    status = driver.js("(sel) => document.querySelector(sel + ' .demo-status').textContent", sel)
    assert state == "ready", f"{driver.name}: {status}"
    assert status.startswith("Live"), status
    no_raw_errors(driver)


def test_the_sampling_preset_is_llama_cpps_chain_and_a_cut_past_the_stored_tokens_says_so(driver, built_site,
                                                                                          site_url):
    """In every engine: the preset's bars are llama.cpp's own sampler chain on the deck's model, with no
    "not known" note; settings that keep tokens the build did not store say so, in words, and the rest
    bar says "not computed" (a number the page cannot stand behind is not shown)."""
    driver.goto(site_url + page_with(built_site, "sampling"))
    sel = widget("sampling")
    data = json.loads(driver.js("(sel) => document.querySelector(sel + ' script.demo-data').textContent", sel))
    read = """(sel) => { const el = document.querySelector(sel);
        return { numbers: el.querySelector('.demo-numbers').textContent,
                 inexact: !el.querySelector('.demo-inexact').hidden && el.querySelector('.demo-inexact').textContent,
                 rest: el.querySelector('.demo-rest .demo-num').textContent,
                 bars: [...el.querySelectorAll('.demo-bars .demo-bar')].map((b) => [Number(b.dataset.id),
                        b.dataset.kept === 'true', b.querySelector('.demo-num').textContent]),
                 settings: Object.fromEntries(['temperature', 'top_k', 'top_p', 'min_p'].map((n) =>
                        [n, el.querySelector(`[name="${n}"]`).value])) }; }"""
    settled = ("(sel, before) => { const el = document.querySelector(sel); return el.dataset.state === 'error'"
               " || (el.dataset.state === 'ready' && !el.dataset.busy"
               " && el.querySelector('.demo-numbers').textContent !== before); }")
    before = driver.js(read, sel)
    driver.click(f'{sel} button[name="preset"]')             # a click before Python is ready counts too
    assert driver.wait(settled, sel, before["numbers"]), driver.name
    now = driver.js(read, sel)
    assert now["settings"] == DEFAULTS, (driver.name, now["settings"])
    assert not now["inexact"] and "not known" not in now["numbers"], (driver.name, now)
    assert ([tuple(b) for b in now["bars"]], now["rest"]) == llama_cpps_bars_of(data, 0.8, 40, 0.95, 0.05), driver.name
    for name, value in (("top_k", 0), ("min_p", 0), ("temperature", 1.5), ("top_p", 0.99)):
        set_value(driver, f'{sel} [name="{name}"]', value)
    assert driver.wait(settled, sel, now["numbers"]), driver.name
    driver.wait("(sel) => !document.querySelector(sel).dataset.busy", sel)
    wide = driver.js(read, sel)
    assert "not known from the listed tokens" in wide["numbers"], (driver.name, wide["numbers"])
    assert wide["inexact"] and "beyond its 50 most likely" in wide["inexact"], (driver.name, wide["inexact"])
    assert wide["rest"] == "not computed", (driver.name, wide["rest"])
    no_raw_errors(driver)


def test_after_a_reload_the_bars_belong_to_the_settings_the_browser_restored(driver, built_site, site_url):
    """Firefox (and WebKit) put a reader's form values back on a reload, before any script runs: the
    widget must then draw for the slider it shows, not leave the build's T = 1 render beside it."""
    driver.goto(site_url + page_with(built_site, "sampling"))
    sel = widget("sampling")
    one_kept = ("(sel) => { const el = document.querySelector(sel); return el.dataset.state === 'ready'"
                " && !el.dataset.busy && el.querySelectorAll('.demo-bar[data-kept=true]').length === 1; }")
    set_value(driver, f'{sel} [name="temperature"]', 0)
    assert driver.wait(one_kept, sel), driver.name
    driver.js("() => { window.deckBeforeReload = true; setTimeout(() => location.reload(), 0); }")
    assert driver.settle("() => !window.deckBeforeReload && document.readyState === 'complete'"), driver.name
    shown = driver.js("(sel) => { const el = document.querySelector(sel);"
                      " return [el.querySelector('[name=temperature]').value,"
                      " el.querySelector('[name=temperature] + output').textContent]; }", sel)
    if driver.name == "firefox":      # Firefox keeps form values through a reload (WebKit may, Chromium doesn't)
        assert shown == ["0", "0"], shown
    if shown[0] == "0":
        assert driver.wait(one_kept, sel), f"{driver.name}: the restored T = 0 is not what the bars show"
    else:
        kept = driver.js("(sel) => document.querySelector(sel).querySelectorAll('.demo-bar[data-kept=true]').length",
                         sel)
        assert kept > 1 and shown[0] == shown[1], (driver.name, shown, kept)
    no_raw_errors(driver)


TEXTS = ["naïve café — 日本語 😀👍🏽", "def f(x):\n\tif x:\n        return x  ** 2\n", "   spaces   and 12345"]


def test_the_tokenizer_gives_llama_cpp_ids(driver, built_site, site_url, llama):
    driver.goto(site_url + page_with(built_site, "tokenizer"))
    sel = widget("tokenizer")
    for text in TEXTS:
        want = json.dumps(llama[0].tokenize(text.encode(), add_bos=False, special=False), separators=(",", ":"))
        set_value(driver, f"{sel} textarea[name=text]", text)
        got = driver.wait("(sel, want) => { const el = document.querySelector(sel);"
                          " const ids = el.querySelector('.demo-tokens').dataset.tokenIds;"
                          " return (el.dataset.state === 'error' || ids === want) && ids; }", sel, want)
        assert got == want, f"{driver.name}: {text!r}: {driver.js('(s) => document.querySelector(s).innerText', sel)}"
    no_raw_errors(driver)


ISOLATION = ("async () => ({isolated: self.crossOriginIsolated, workers: navigator.serviceWorker ?"
             " (await navigator.serviceWorker.getRegistrations()).map(r => r.scope) : [],"
             " cores: navigator.hardwareConcurrency, threads: window.deckLive.engine.threads || 0})")


def load_live_model(driver) -> dict:
    """Press the live widget's Load button; wait (through the page's one reload, threads.js) for the
    model's table. Returns what the widget shows, and the isolation before and after."""
    sel = widget("live")
    before = driver.js(ISOLATION)
    driver.click(f'{sel} button[name="load"]')
    state = driver.settle("(sel) => { const s = document.querySelector(sel).dataset.state;"
                          " return ['live', 'error', 'unavailable'].includes(s) && s; }", sel, ms=LOAD)
    status = driver.js("(sel) => document.querySelector(sel + ' .demo-status').textContent", sel)
    assert state == "live", f"{driver.name}: {status}"
    rows = driver.wait("(sel) => { const el = document.querySelector(sel);"
                       " if (el.dataset.busy) return null;"
                       " if (el.querySelector('.demo-live-rest').dataset.after === undefined) return null;"
                       " return [...el.querySelectorAll('tr.demo-live-row')].map(r =>"
                       " ({id: Number(r.dataset.tokenId), prob: Number(r.dataset.prob)})); }", sel, ms=LOAD)
    keeps = driver.js("() => !!(navigator.storage && typeof navigator.storage.getDirectory === 'function')")
    return {"status": status, "rows": rows, "keeps": keeps,
            "button": driver.js("(sel) => document.querySelector(sel + ' button[name=load]').textContent", sel),
            "bound": claimed_bound_of(driver), "before": before, "after": driver.js(ISOLATION)}


def claimed_bound_of(driver) -> float:
    """The largest top-10 difference the widget's precision line admits to (as test_live_browser reads it)."""
    note = driver.js("() => document.querySelector('.demo[data-demo=live] .demo-precision').textContent")
    return float(re.search(r"at most ([\d.]+)", note).group(1))


def test_the_live_model_loads_and_gives_llama_cpp_top_token(driver, built_site, site_url, llama):
    driver.goto(site_url + live_url(built_site))
    shown = load_live_model(driver)
    probs = llama[1]
    top = [int(i) for i in probs.argsort()[::-1][:10]]
    assert shown["rows"][0]["id"] == top[0], f"{driver.name}: top token {shown['rows'][0]} is not llama.cpp's {top[0]}"
    assert len({r["id"] for r in shown["rows"][:10]} & set(top)) >= 9
    assert max(abs(r["prob"] - probs[r["id"]]) for r in shown["rows"][:10]) <= shown["bound"] + 5e-4
    uncached = "cannot keep the model between visits, so it loads it each time (98 MB)"
    assert (uncached in shown["status"]) == (not shown["keeps"]), shown        # said exactly where it is true
    assert ("once, then cached" in shown["button"]) == shown["keeps"], shown
    if driver.name == "webkit":      # WebKitGTK 2.50 has no origin-private storage (Safari's engine)
        assert not shown["keeps"] and uncached in shown["status"], shown
    # Served as GitHub Pages serves it (no headers): no service worker until the reader opts in, then the
    # site's own (deck-sw.js, its scope the site) and a cross-origin isolated page. Chromium and Firefox
    # then run the model on every core of this machine; WebKitGTK gives WebAssembly no shared memory
    # there: one thread, and the status line says why.
    before, after = shown["before"], shown["after"]
    assert before["workers"] == [] and not before["isolated"], before
    assert after["workers"] == [site_url] and after["isolated"], after
    if driver.name == "webkit":
        assert after["threads"] == 1, after
        assert "1 thread: this browser does not let WebAssembly share memory" in shown["status"], shown["status"]
    else:
        cores = after["cores"]
        assert after["threads"] == min(8, cores if cores <= 4 else cores - 1) > 1, after
        assert f"WebAssembly, {after['threads']} threads)" in shown["status"], shown["status"]
    no_raw_errors(driver)


def test_the_present_page_navigates(driver, built_site, site_url):
    deck = page_with(built_site, "sampling").strip("/")
    driver.goto(f"{site_url}present/{deck}/")
    assert driver.wait("() => window.Reveal && Reveal.isReady() && Reveal.getIndices().h === 0"), driver.name
    driver.press("ArrowRight")
    assert driver.wait("() => Reveal.getIndices().h === 1 && location.hash === '#/' + Reveal.getCurrentSlide().id"), \
        driver.js("() => [location.hash, Reveal.getIndices()]")
    driver.press("ArrowLeft")
    assert driver.wait("() => Reveal.getIndices().h === 0")
    driver.goto(f"{site_url}present/{deck}/#/3")               # a shared link to slide 3
    assert driver.wait("() => window.Reveal && Reveal.isReady() && Reveal.getIndices().h === 3"), driver.name
    no_raw_errors(driver)


# Chromium, where the storage can be taken away: as in WebKit, and as in a private window that refuses it.
NO_STORAGE = {
    "absent": "delete StorageManager.prototype.getDirectory;",
    "refused": "StorageManager.prototype.getDirectory = () => Promise.reject("
               "new DOMException('The operation is insecure.', 'SecurityError'));",
}


@pytest.mark.parametrize("how", NO_STORAGE)
def test_without_the_browsers_storage_the_model_loads_uncached_and_says_so(browser, built_site, site_url, llama, how):
    context = browser.new_context()
    try:
        page = context.new_page()
        errors, shards = [], []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("request", lambda req: "/assets/live/" in req.url and shards.append(req.url))
        page.add_init_script(NO_STORAGE[how])
        driver = browsers.ChromiumDriver(page)
        driver.goto(site_url + live_url(built_site))
        shown = load_live_model(driver)
        assert "cannot keep the model between visits, so it loads it each time (98 MB)" in shown["status"], shown
        assert shown["rows"][0]["id"] == int(llama[1].argmax())
        assert len(set(shards)) == len(list((built_site / "assets" / "live").glob("*.gguf")))   # every shard, fetched
        assert ("each visit" in shown["button"]) == (how == "absent")      # refused: only known once tried
        no_raw_errors(driver)
        assert not errors, errors
    finally:
        context.close()
