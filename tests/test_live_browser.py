"""The live model in a real Chromium: llama.cpp (wllama) running the build's GGUF from the built site.

One browser context is shared by the module (loading the model is heavy on 2 cores): it loads
once, then the cached second load, the faithfulness bounds and the typed prompts reuse it. Every
request to another origin is aborted AND counted: the test fails if one was even attempted.
References nobody here wrote: llama-cpp-python's own logits (the build snapshots and a greedy run).
"""

import json
import math
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from demos import sampling
from helpers import LOAD, ROOT, isolated, live_url, warmed, watch_warmups

MODEL_FILES = re.compile(r"/assets/live/|/assets/vendor/wllama/")
SNAPSHOTS = ROOT / "slides" / "snapshots"


def deck_prompts() -> list[dict]:
    """The `next_tokens` snapshots the deck shows (llama-cpp-python at build time)."""
    out = {}
    for path in sorted(SNAPSHOTS.glob("next_tokens-*.json")):
        data = json.loads(path.read_text())["data"]
        if data["prompt"] not in out or len(data["top"]) > len(out[data["prompt"]]["top"]):
            out[data["prompt"]] = data
    assert out, "no next_tokens snapshot in slides/snapshots/"
    return list(out.values())


def guarded_context(browser, offsite: list):
    """A browser context where every request off 127.0.0.1 is recorded and aborted."""
    context = browser.new_context()

    def block(route):
        offsite.append(route.request.url)
        route.abort()

    context.route(lambda url: urlparse(url).hostname not in ("127.0.0.1", None), block)
    return context


@pytest.fixture(scope="module")
def live(browser, built_site, site_url):
    """A page that opted in: (page, widget, requests before opt-in, states seen)."""
    offsite, errors = [], []
    context = guarded_context(browser, offsite)
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    urls = []
    page.context.on("request", lambda req: urls.append(req.url))
    # the widget's states, in every document (opting in reloads the page once: threads.js)
    page.add_init_script("""document.addEventListener("DOMContentLoaded", () => { window.__states = [];
        const el = document.querySelector('.demo[data-demo="live"]');
        new MutationObserver(() => window.__states.push(el.dataset.state)).observe(el, {attributes: true}); });""")
    # One thread (?threads=1): these tests are about the numbers, and many of them on 2 busy cores;
    # threads have their own tests (test_threads_browser.py).
    page.goto(site_url + live_url(built_site) + "?threads=1")
    page.wait_for_load_state("networkidle")             # all the page fetches by itself, before any click
    before = list(urls)
    widget = page.locator('.demo[data-demo="live"]').first
    static = rows(widget)
    inert = controls_enabled(widget)
    widget.locator('button[name="load"]').click()
    isolated(page)
    page.wait_for_function("el => ['live', 'error', 'unavailable'].includes(el.dataset.state)",
                           arg=widget.element_handle(), timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    settle(page, widget)
    yield {"page": page, "widget": widget, "before": before, "static": static, "context": context, "inert": inert}
    context.close()
    assert not offsite, f"requests tried to leave 127.0.0.1: {offsite}"
    assert not errors, f"page errors: {errors}"


def controls_enabled(widget) -> dict:
    """Whether each control that runs the model (prompt, sliders, numbers, Generate) can be used."""
    return widget.locator(".demo-live-controls :is(input, textarea, button)").evaluate_all(
        "cs => Object.fromEntries(cs.map(c => [c.name, !c.disabled && !c.closest('fieldset:disabled')]))")


def settle(page, widget):
    """Wait until the table shows the live model's numbers after sampling (Python done)."""
    page.wait_for_function("el => { const rest = el.querySelector('.demo-live-rest');"    # (no rows after an error)
                           " return !el.dataset.busy && !!rest && rest.dataset.after !== undefined; }",
                           arg=widget.element_handle(), timeout=LOAD)


def rows(widget) -> list[dict]:
    return widget.locator("tr.demo-live-row").evaluate_all(
        "rs => rs.map(r => ({id: Number(r.dataset.tokenId), prob: Number(r.dataset.prob),"
        " after: r.dataset.after === undefined ? null : Number(r.dataset.after), kept: r.dataset.kept}))")


def ask(page, widget, prompt: str, **settings):
    """Type a prompt (and move sliders) as a reader does, then wait for the new table."""
    for name, value in settings.items():
        widget.locator(f'[name="{name}"]').evaluate(
            "(el, v) => { el.value = v; }", str(value))
    # (after an error the table has no rows, so no rest row either)
    widget.evaluate("el => { const r = el.querySelector('.demo-live-rest'); if (r) r.removeAttribute('data-after'); }")
    widget.locator('textarea[name="prompt"]').fill(prompt)
    settle(page, widget)


# ------------------------------------------------------------------ before and during opt-in


def test_nothing_of_the_engine_or_model_is_fetched_before_opt_in(live):
    assert not [u for u in live["before"] if MODEL_FILES.search(u)]
    static = live["static"]                       # the build's numbers, with the model's ids
    snap = next(s for s in deck_prompts() if s["prompt"] == "The cat sat on the")
    assert [r["id"] for r in static] == [t["id"] for t in snap["top"][:len(static)]]
    assert all(abs(r["prob"] - t["prob"]) < 1e-6 for r, t in zip(static, snap["top"]))


def test_the_controls_that_run_the_model_are_disabled_until_it_is_live(live):
    before, after = live["inert"], controls_enabled(live["widget"])
    assert {"prompt", "temperature", "top_k", "top_p", "seed", "length", "generate"} <= set(before)
    assert not any(before.values()), before            # never silently inert: disabled, and the status says why
    assert all(after.values()), after


def test_opt_in_goes_loading_then_live(live):
    states = live["page"].evaluate("window.__states")
    assert "loading" in states and states[-1] == "live", states
    assert live["page"].locator(".demo-live-progress").first.is_hidden()      # shown while loading only
    status = live["widget"].locator(".demo-status").text_content()
    assert "runs in your browser" in status and "1 thread)" in status      # as ?threads=1 asked
    # the model's readable name as the slides give it, from the GGUF's metadata (not its file name)
    from build_hooks.model import choice

    name = choice.describe(choice.locate(choice.choose({})))["display_name"]
    assert status.startswith(f"Live: {name} runs in your browser"), (status, name)


# ------------------------------------------------------------------ faithfulness to llama.cpp at build time


@pytest.mark.parametrize("snap", deck_prompts(), ids=lambda s: s["prompt"])
def test_live_matches_the_build_snapshot(live, snap):
    ask(live["page"], live["widget"], snap["prompt"], temperature=1, top_k=0, top_p=1)
    got = rows(live["widget"])
    ref = {t["id"]: t["prob"] for t in snap["top"][:10]}
    assert got[0]["id"] == snap["top"][0]["id"], "the live top-1 differs from the build's"
    assert len({r["id"] for r in got[:10]} & set(ref)) >= 9
    diffs = [abs(r["prob"] - ref[r["id"]]) for r in got[:10] if r["id"] in ref]
    print(f"{snap['prompt']!r}: max top-10 difference {max(diffs):.4f}")
    assert max(diffs) <= 0.03
    note = live["widget"].locator(".demo-precision").text_content()            # one line, its own
    assert "arithmetic precision" in note and "measured" in note
    claimed = claimed_bound(live["widget"])
    assert max(diffs) <= claimed + 5e-4, f"the widget claims at most {claimed}; measured {max(diffs):.4f}: update it"


def every_deck_prompt() -> list[str]:
    """Every prompt the deck's snapshots were computed from (next tokens, completions, beams, the
    quantization study): the faithfulness bounds hold for each, not only for the first."""
    prompts = {}
    for path in sorted(SNAPSHOTS.glob("*.json")):
        if path.name == "manifest.json":
            continue
        params = json.loads(path.read_text()).get("params", {})
        for text in [params.get("prompt"), params.get("text"), *(params.get("prompts") or [])]:
            if isinstance(text, str) and text:
                prompts[text] = None
    assert len(prompts) >= 5, prompts
    return list(prompts)


@pytest.fixture(scope="module")
def native():
    """llama-cpp-python on the embedded GGUF (one thread, the build's settings): the reference."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    return llama_cpp, loader.load(embedded_path(), n_ctx=512, n_threads=1)


def native_probs(native, tokens):
    """llama.cpp's next-token probabilities after evaluating `tokens` (appended to the context)."""
    import numpy as np

    llama_cpp, llm = native
    llm.eval(tokens)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).astype(float)
    probs = np.exp(logits - logits.max())
    return probs / probs.sum()


def claimed_bound(widget) -> float:
    """The largest top-10 difference the widget's precision line admits to."""
    return float(re.search(r"at most ([\d.]+)", widget.locator(".demo-precision").text_content()).group(1))


@pytest.mark.parametrize("prompt", every_deck_prompt())
def test_every_deck_prompt_is_within_the_precision_the_widget_states(live, native, prompt):
    """The live top 10 for each prompt behind the deck's snapshots: 9 of llama.cpp's top 10, no
    probability further off than the widget says, and a different top-1 only where llama.cpp's
    own two candidates are closer than that (a near tie the browser's arithmetic can flip)."""
    import numpy as np

    native[1].reset()
    probs = native_probs(native, native[1].tokenize(prompt.encode(), add_bos=False))
    top = np.argsort(-probs)[:10]
    ask(live["page"], live["widget"], prompt, temperature=1, top_k=0, top_p=1)
    got, bound = rows(live["widget"]), claimed_bound(live["widget"])
    assert len({r["id"] for r in got[:10]} & {int(i) for i in top}) >= 9
    diff = max(abs(r["prob"] - probs[r["id"]]) for r in got[:10])
    print(f"{prompt[:40]!r}: max top-10 difference {diff:.4f}")
    assert diff <= bound + 5e-4, f"the widget claims at most {bound}; measured {diff:.4f}: update it"
    assert got[0]["id"] == int(top[0]) or probs[top[0]] - probs[got[0]["id"]] <= bound     # a near tie


@pytest.mark.parametrize("prompt", every_deck_prompt())
def test_greedy_20_tokens_follow_llama_cpp_python(live, native, prompt):
    """Greedy, 20 tokens: llama.cpp's tokens up to a step where llama.cpp's two best candidates are
    within the precision the widget states (there the browser may take the other one: after
    "The capital of France is", step 14 is '1' 0.362 vs '2' 0.299 natively, and the browser takes '2')."""
    llm = native[1]
    llm.reset()
    want, chances = [], []
    probs = native_probs(native, llm.tokenize(prompt.encode(), add_bos=False))
    for _ in range(20):
        want.append(int(probs.argmax()))
        chances.append(probs)
        probs = native_probs(native, [want[-1]])
    page, widget = live["page"], live["widget"]
    ask(page, widget, prompt, temperature=0, top_k=0, top_p=1, length=20)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => el.querySelector('.demo-live-gen').dataset.tokenIds", arg=widget.element_handle(),
                           timeout=LOAD)
    got = json.loads(widget.locator(".demo-live-gen").get_attribute("data-token-ids"))
    tokens = widget.locator(".demo-live-gen .snap-tok")
    assert len(got) == 20 and tokens.count() == 20 and tokens.first.locator(".snap-alt").count() == 5   # top 5
    assert float(tokens.first.get_attribute("data-prob")) > 0
    if got != want:
        k = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
        gap = chances[k][want[k]] - chances[k][got[k]]
        print(f"{prompt[:40]!r}: greedy takes another path at step {k} (llama.cpp's two candidates {gap:.4f} apart)")
        # near ties only: on bench/live_precision.json's 208 prompts the top token differed only where
        # llama.cpp's two best were within 0.039, under the bound the widget states
        assert gap <= claimed_bound(widget), f"step {k}: the browser picked a token {gap:.4f} below llama.cpp's"


# ------------------------------------------------------------------ any prompt, the rest shown, the deck's sampler


@pytest.mark.parametrize("prompt", ["Ünïcödé 日本語 😀 and", "def f(x):\n    return", "a " * 300])
def test_any_prompt_gives_a_distribution_with_the_rest_shown(live, prompt):
    ask(live["page"], live["widget"], prompt, temperature=1, top_k=0, top_p=1)
    got = rows(live["widget"])
    rest = float(live["widget"].locator(".demo-live-rest").get_attribute("data-prob"))
    shown = sum(r["prob"] for r in got)
    assert len(got) == 10 and all(0 < r["prob"] <= 1 for r in got)
    assert shown <= 1 + 1e-6 and abs(shown + rest - 1) < 1e-4
    assert "all other tokens" in live["widget"].locator(".demo-live-rest").text_content()


def test_after_sampling_is_demos_sampling_on_the_model_probabilities(live):
    ask(live["page"], live["widget"], "The cat sat on the", temperature=0.5, top_k=3, top_p=1)
    got = rows(live["widget"])
    want = sampling.distribution([math.log(r["prob"]) for r in got[:3]], temperature=0.5)
    assert [r["kept"] for r in got] == ["true"] * 3 + ["false"] * 7
    assert all(abs(r["after"] - p) < 1e-6 for r, (_, p) in zip(got, want))


def test_empty_prompt_is_said_in_words(live):
    live["widget"].locator('textarea[name="prompt"]').fill("")
    live["page"].wait_for_function("el => !el.querySelector('.demo-live-error').hidden",
                                   arg=live["widget"].element_handle())
    assert "type a prompt" in live["widget"].locator(".demo-live-error").text_content()


# ------------------------------------------------------------------ cache, offline, failures


def test_second_load_comes_from_the_cache_with_the_model_url_blocked(live, built_site, site_url):
    page = live["context"].new_page()
    tried = []

    def block(route):
        tried.append(route.request.url)
        route.abort()

    page.route(re.compile(r".*/assets/live/(?!Old-).*"), block)
    # a browser without JSPI or Memory64 (wllama 2.x needs neither, and never reaches for a CDN)
    page.add_init_script("delete WebAssembly.Suspending; delete WebAssembly.promising;")
    page.goto(site_url + live_url(built_site))
    # an older build's model in the cache (another SHA-256 in its name): dropped after this load
    cached = """async (old) => {
        const { Wllama } = await import(new URL("../assets/vendor/wllama/index.js", location.href).href);
        const cache = new Wllama({"single-thread/wllama.wasm": "x"}).cacheManager;
        const urls = async () => (await cache.list()).map((e) => e.metadata.originalURL);
        if (old) await cache.download(old);
        // wllama writes the metadata file unawaited: wait until the list shows it (at most 300 frames)
        for (let n = 0; old && n < 300 && !(await urls()).includes(old); n++) await new Promise(requestAnimationFrame);
        return urls();
    }"""
    old = site_url + "assets/live/Old-000000000000-00001-of-00001.gguf"
    page.route(old, lambda route: route.fulfill(status=200, body=b"GGUF", content_type="application/octet-stream"))
    assert old in page.evaluate(cached, old)
    widget = page.locator('.demo[data-demo="live"]').first
    widget.locator('button[name="load"]').click()
    isolated(page)                       # the one reload that opting in makes (threads.js)
    page.wait_for_function("el => ['live', 'error'].includes(el.dataset.state)", arg=widget.element_handle(),
                           timeout=LOAD)
    assert widget.get_attribute("data-state") == "live", widget.locator(".demo-status").text_content()
    assert not tried, f"the cached model was fetched again: {tried}"
    # the clean-up runs a few seconds after the load: poll the cache's list until it is gone (30 s at most)
    left = page.evaluate(f"""async (old) => {{
        for (const end = performance.now() + 30000; ; await new Promise((r) => setTimeout(r, 250))) {{
            const left = await ({cached})('');
            if (!left.includes(old) || performance.now() > end) return left;
        }} }}""", old)
    assert old not in left and len([u for u in left if "/assets/live/" in u]) == len(list(
        (built_site / "assets" / "live").glob("*.gguf")))
    page.close()


def failing_page(browser, built_site, site_url, offsite, setup):
    """A fresh context (empty cache) with `setup(page)` applied; returns (context, page, widget, static)."""
    context = guarded_context(browser, offsite)
    page = context.new_page()
    setup(page)
    page.goto(site_url + live_url(built_site))
    widget = page.locator('.demo[data-demo="live"]').first
    return context, page, widget, widget.locator("table.demo-live-table").inner_html()


def load_fails(page, widget, static) -> str:
    """Press Load where the model cannot load: the widget ends in its error state with the build's table
    untouched; returns what its status line says."""
    widget.locator('button[name="load"]').click()
    isolated(page)                       # the one reload that opting in makes (threads.js)
    page.wait_for_function("el => ['live', 'error'].includes(el.dataset.state)", arg=widget.element_handle(),
                           timeout=LOAD)
    assert widget.get_attribute("data-state") == "error"
    assert widget.locator("table.demo-live-table").inner_html() == static
    return widget.locator(".demo-status").text_content()


@pytest.mark.parametrize("how", ["blocked", "truncated"])
def test_a_blocked_or_truncated_model_is_said_and_the_static_render_stays(browser, built_site, site_url, how):
    shards = sorted((built_site / "assets" / "live").glob("*.gguf"))

    def setup(page):
        if how == "blocked":
            page.route(re.compile(r".*/assets/live/.*"), lambda route: route.abort())
        else:   # every shard cut to half: a download interrupted and served as if complete
            def half(route):
                name = route.request.url.rsplit("/", 1)[-1]
                body = next(p for p in shards if p.name == name).read_bytes()
                route.fulfill(status=200, body=body[: len(body) // 2], content_type="application/octet-stream")
            page.route(re.compile(r".*/assets/live/.*\.gguf"), half)

    offsite = []
    context, page, widget, static = failing_page(browser, built_site, site_url, offsite, setup)
    try:
        assert "did not load" in load_fails(page, widget, static)
        assert not any(controls_enabled(widget).values())
        if how == "blocked":          # the Pyodide demos on the page keep working
            sampling_widget = page.locator('.demo[data-demo="sampling"]').first
            sampling_widget.locator('[name="top_k"]').evaluate(
                "el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})); }")
            page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy "
                                   "&& el.querySelectorAll('.demo-bar[data-kept=true]').length === 3",
                                   arg=sampling_widget.element_handle(), timeout=LOAD)
    finally:
        context.close()
    assert not offsite


def test_without_webassembly_the_widget_says_so(browser, built_site, site_url):
    offsite = []
    context, _, widget, static = failing_page(browser, built_site, site_url, offsite,
                                              lambda p: p.add_init_script("delete globalThis.WebAssembly;"))
    try:
        assert widget.locator('button[name="load"]').is_hidden()
        assert "cannot run WebAssembly" in widget.locator(".demo-live-msg").text_content()
        assert widget.locator("table.demo-live-table").inner_html() == static
    finally:
        context.close()
    assert not offsite


# Chromium's own words when a tab cannot reserve a wasm instance's memory, thrown inside wllama's
# worker: its code is built from a Blob, so the patch rides on the Blob's text.
NO_MEMORY = """(() => {
    const patch = "for (const f of ['instantiate', 'instantiateStreaming']) "
        + "WebAssembly[f] = () => Promise.reject("
        + "new RangeError('WebAssembly.instantiate(): Out of memory: "
        + "Cannot allocate Wasm memory for new instance'));\\n";
    const Original = Blob;
    globalThis.Blob = class extends Original {
        constructor(parts, options) {
            const js = options && /javascript/.test(options.type || "") && parts.every((p) => typeof p === "string");
            super(js ? [patch, ...parts] : parts, options);
        }
    };
})();"""


def test_not_enough_memory_is_said_in_words_and_the_static_render_stays(browser, built_site, site_url):
    offsite = []
    context, page, widget, static = failing_page(browser, built_site, site_url, offsite,
                                                 lambda p: p.add_init_script(NO_MEMORY))
    try:
        status = load_fails(page, widget, static)
        assert "could not give it the memory it needs" in status, status
        assert widget.locator('button[name="load"]').is_visible()          # try again after closing tabs
    finally:
        context.close()
    assert not offsite


def test_no_file_in_the_site_is_over_50_mb(built_site):
    big = [(p, p.stat().st_size) for p in built_site.rglob("*") if p.is_file() and p.stat().st_size >= 50_000_000]
    assert not big, big
    assert len(list((built_site / "assets" / "live").glob("*-0000?-of-0000?.gguf"))) >= 2


# ------------------------------------------------------------------ the sampling widget: real numbers, then live


def test_sampling_static_render_shows_real_probabilities_and_the_rest(built_site):
    html = (built_site / live_url(built_site) / "index.html").read_text(encoding="utf-8")
    widget = html[html.index('data-demo="sampling"'):]
    snap = next(s for s in deck_prompts() if s["prompt"] == "The cat sat on the")
    first = re.search(r'<span class="demo-num">([\d.]+)%</span>', widget).group(1)
    assert float(first) == round(100 * snap["top"][0]["prob"], 1)          # 7.3 %, not renormalized among 20
    rest = re.search(r'class="demo-bar demo-rest" data-prob="([\d.]+)"', widget).group(1)
    top = len(re.findall(r'class="demo-bar" data-kept', widget[:widget.index("demo-rest")]))
    assert abs(float(rest) - (1 - sum(t["prob"] for t in snap["top"][:top]))) < 1e-5
    assert "all other tokens" in widget[:widget.index("demo-draws")]


def test_sampling_widget_shares_the_live_model_and_takes_any_prompt(live):
    page, widget = live["page"], live["page"].locator('.demo[data-demo="sampling"]').first
    assert widget.get_attribute("data-live-state") == "live"          # one engine for the whole page
    prompt = widget.locator('textarea[name="prompt"]')
    assert prompt.is_visible()
    before = widget.locator(".demo-bars").first.text_content()
    prompt.fill("Paris is the capital of")
    page.wait_for_function("([el, b]) => !el.dataset.busy && el.querySelector('.demo-bars').textContent !== b",
                           arg=[widget.element_handle(), before], timeout=LOAD)
    assert "France" in widget.locator(".demo-bars").first.text_content()
    rest = widget.locator(".demo-rest")
    assert "all other tokens" in rest.text_content() and 0 < float(rest.get_attribute("data-prob")) < 1
    # the caption gives the live numbers, not the build's, and the status counts tokens, not the rest row
    note = widget.locator(".demo-note").text_content()
    shown = f"all other tokens {100 * float(rest.get_attribute('data-prob')):.1f}%"
    assert note.startswith("Live: ") and shown in note, note
    assert int(re.search(r"whole vocabulary of ([\d,]+) tokens", note).group(1).replace(",", "")) > 1000, note
    status = widget.locator(".demo-status").text_content()
    assert re.search(r"\b(\d+) of the 20 most likely tokens kept", status), status


def test_present_page_preloads_the_model_with_live_1(live, site_url):
    page = live["context"].new_page()          # the model is in this context's cache from the first load
    page.goto(site_url + "present/?live=1")
    page.wait_for_function("window.deckLive && ['live', 'error'].includes(window.deckLive.engine.state)", timeout=LOAD)
    assert page.evaluate("window.deckLive.engine.state") == "live"
    widget = page.locator('.demo[data-demo="live"]').first
    assert widget.get_attribute("data-state") == "live"       # the slide is ready before it is shown
    page.close()


def warm_present_page(built_site: Path) -> tuple[str, int]:
    """A deck's own present page with a live opt-in, and the index of the slide two before the first
    slide holding one (so the warm-up starts on the next slide change, not at load)."""
    for html in sorted((built_site / "present").glob("*/index.html")):
        slides = html.read_text(encoding="utf-8").split('<section class="slide"')[1:]
        first = next((k for k, s in enumerate(slides) if "demo-live-optin" in s), None)
        if first is not None and first >= 2:
            return f"present/{html.parent.name}/", first - 2
    pytest.fail("no deck's present page has a live opt-in on its third slide or later")


def open_two_slides_before(context, site_url: str, built_site: Path):
    url, index = warm_present_page(built_site)
    page = context.new_page()
    urls = []
    page.on("request", lambda req: urls.append(req.url))
    watch_warmups(page)
    page.goto(f"{site_url}{url}#/{index}")
    page.wait_for_function("window.Reveal && Reveal.isReady() && window.deckLive", timeout=LOAD)
    warmed(page)                        # present mode has decided what to load for this slide and the next
    return page, urls


def test_present_mode_loads_the_model_ahead_for_a_presenter_who_loaded_it_once(live, built_site, site_url):
    page, _ = open_two_slides_before(live["context"], site_url, built_site)      # opted in on the reading page
    assert page.evaluate("window.deckLive.engine.state") == "off"      # no live slide is near yet
    page.evaluate("Reveal.next()")                                     # the next slide holds the opt-in
    page.wait_for_function("['live', 'error'].includes(window.deckLive.engine.state)", timeout=LOAD)
    assert page.evaluate("window.deckLive.engine.state") == "live"    # without a click
    page.close()


def test_present_mode_loads_nothing_for_a_reader_who_never_opted_in(browser, built_site, site_url):
    offsite = []
    context = guarded_context(browser, offsite)
    try:
        page, urls = open_two_slides_before(context, site_url, built_site)
        page.evaluate("Reveal.next()")
        page.evaluate("Reveal.next()")                                 # the live slide itself
        warmed(page)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.deckLive.engine.state") == "off"
        assert not [u for u in urls if MODEL_FILES.search(u)]
    finally:
        context.close()
    assert not offsite


def test_every_live_control_has_a_visible_label(live):
    problems = live["widget"].evaluate("""root => [...root.querySelectorAll('input, select, textarea, button')]
        .filter(c => !c.hidden && c.offsetParent !== null).filter(c => {
            const label = c.tagName === 'BUTTON' ? (c.getAttribute('aria-label') || c.textContent)
                                                 : (c.labels && c.labels[0] && c.labels[0].textContent);
            return !label || !label.trim() || c.tabIndex < 0;
        }).map(c => c.name || c.className)""")
    assert problems == []


def test_axe_finds_no_serious_violation_in_the_live_widget_once_live(live):
    from helpers import axe  # axe-core 4 from npm, WCAG 2.1 A/AA, serious or critical

    page, widget = live["page"], live["widget"]
    ask(page, widget, "The cat sat on the", temperature=1, top_k=0, top_p=1, length=3)
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelectorAll('.demo-live-gen .snap-tok').length === 3",
                           arg=widget.element_handle(), timeout=LOAD)
    assert axe(page, '.demo[data-demo="live"]') == []
