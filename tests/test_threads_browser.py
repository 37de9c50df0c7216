"""Threads for the live model on a host that sends no headers (GitHub Pages), in a real Chromium.

conftest's server is a plain static one, as Pages is: no COOP/COEP headers. So:
- a reader who never opts in gets no service worker and no reload, however much they use the page;
- on opt-in the site's own service worker (deck-sw.js) is registered, the page reloads once and comes
  back cross-origin isolated, and wllama runs its multi-thread build on every core of this machine
  (2): the status line says "2 threads", and the model's top token is still llama.cpp's. The model's
  shards never pass through the service worker (Firefox cuts long responses that do); the page does;
- where the page stays unisolated after that reload (a browser that ignores the headers), it does not
  reload again: one thread, and the status line says why in words.
The speaker view under the headers: tests/test_presenter_live_browser.py (its room opts in with ?live=1).
Firefox and WebKitGTK: tests/test_engines_browser.py. A request off 127.0.0.1 or a page error fails.
"""

import pytest

from helpers import LOAD
from pages import isolated, live_url

WIDGET = '.demo[data-demo="live"]'
TERMINAL = f"""() => {{ const el = document.querySelector('{WIDGET}');
    return !!el && ['live', 'error', 'unavailable'].includes(el.dataset.state); }}"""
SETTLED = f"""() => {{ const el = document.querySelector('{WIDGET}'), rest = el && el.querySelector('.demo-live-rest');
    return !!rest && !el.dataset.busy && rest.dataset.after !== undefined; }}"""
STATE = """async () => ({isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency,
    workers: (await navigator.serviceWorker.getRegistrations()).map(r => r.scope),
    controlled: !!navigator.serviceWorker.controller, threads: window.deckLive.engine.threads || 0,
    multi: !!(window.deckLive.engine.wllama && window.deckLive.engine.wllama.isMultithread()),
    status: (document.querySelector('.demo[data-demo="live"] .demo-status') || {}).textContent})"""


def threads_for(cores: int) -> int:
    """The rule threads.js states: every core up to 4, one left for the page above that, at most 8."""
    return min(8, cores if cores <= 4 else cores - 1)


@pytest.fixture
def reader(page):
    """conftest's page (a fresh profile: no service worker, empty storage; it fails on page errors and on
    requests leaving 127.0.0.1), with what it fetched and how, and the documents it showed."""
    responses, documents = [], []
    page.on("response", lambda r: responses.append((r.url, r.from_service_worker)))
    page.on("framenavigated", lambda frame: frame == page.main_frame and documents.append(frame.url))
    return page, responses, documents


@pytest.fixture(scope="module")
def llama_top():
    """llama.cpp's own most likely token after a prompt (llama-cpp-python, the deck's loader)."""
    pytest.importorskip("llama_cpp")
    import numpy as np
    from llama_cpp import llama_get_logits_ith

    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    llm = loader.load(embedded_path())

    def top(prompt: str) -> list[int]:
        llm.reset()
        llm.eval(llm.tokenize(prompt.encode(), add_bos=False))
        logits = np.ctypeslib.as_array(llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),))
        return [int(i) for i in np.argsort(-logits)[:10]]

    yield top
    llm.close()


def table_ids(page) -> list[int]:
    return page.locator(f"{WIDGET} tr.demo-live-row").evaluate_all("rs => rs.map(r => Number(r.dataset.tokenId))")


def test_a_reader_who_never_opts_in_gets_no_service_worker_and_no_reload(reader, built_site, site_url):
    page, responses, documents = reader
    page.goto(site_url + live_url(built_site))
    sampling = page.locator('.demo[data-demo="sampling"]').first        # the page's Python, used as a reader does
    sampling.locator('[name="top_k"]').evaluate("el => { el.value = 3; el.dispatchEvent(new Event('input', "
                                                "{bubbles: true})); }")
    page.wait_for_function("el => el.dataset.state === 'ready' && !el.dataset.busy", arg=sampling.element_handle(),
                           timeout=LOAD)
    page.goto(site_url)                                                 # and another page of the site
    page.wait_for_load_state("load")
    state = page.evaluate("""async () => ({isolated: self.crossOriginIsolated,
        controlled: !!navigator.serviceWorker.controller,
        workers: (await navigator.serviceWorker.getRegistrations()).length})""")
    assert state == {"isolated": False, "controlled": False, "workers": 0}, state
    assert not [u for u, _ in responses if u.endswith("deck-sw.js")], "the service worker was fetched"
    assert len(documents) == 2, documents                   # the two pages opened, no reload


def test_opting_in_reloads_once_isolated_and_the_model_runs_on_every_core(reader, built_site, site_url, llama_top):
    page, responses, documents = reader
    page.goto(site_url + live_url(built_site))
    prompt = page.locator(f'{WIDGET} textarea[name="prompt"]').input_value()
    page.locator(f'{WIDGET} button[name="load"]').click()
    isolated(page)
    page.wait_for_function(TERMINAL, timeout=LOAD)
    page.wait_for_function(SETTLED, timeout=LOAD)      # the sampler's column: Python's worker runs isolated too
    state = page.evaluate(STATE)
    assert state["isolated"] and state["controlled"] and state["workers"] == [site_url], state
    want = threads_for(state["cores"])
    assert state["threads"] == want > 1 and state["multi"], state        # wllama's multi-thread build
    assert f"(llama.cpp, WebAssembly, {want} threads)." in state["status"], state["status"]
    assert len(documents) == 2 and documents[0] == documents[1], documents       # one reload, same page
    shards = [(u, sw) for u, sw in responses if u.endswith(".gguf")]
    assert shards and not any(sw for _, sw in shards), shards       # every shard straight from the network
    assert [sw for u, sw in responses if u == documents[1]][-1], "the reloaded page did not come through the worker"
    ids, top = table_ids(page), llama_top(prompt)
    assert ids[0] == top[0], f"on {want} threads the top token {ids[0]} is not llama.cpp's {top[0]}"
    assert len(set(ids[:10]) & set(top)) >= 9


def test_a_page_that_stays_unisolated_reloads_only_once_and_says_one_thread(reader, built_site, site_url):
    page, _, documents = reader
    # a browser that ignores the worker's headers, as far as the page can tell
    page.add_init_script("Object.defineProperty(window, 'crossOriginIsolated', {get: () => false});")
    page.goto(site_url + live_url(built_site))
    page.locator(f'{WIDGET} button[name="load"]').click()
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].type === 'reload'", timeout=LOAD)
    page.wait_for_function(TERMINAL, timeout=LOAD)
    state = page.evaluate(STATE)
    assert state["controlled"] and state["threads"] == 1 and not state["multi"], state
    assert "(llama.cpp, WebAssembly, 1 thread: this browser is not cross-origin isolated)." in state["status"], state
    assert len(documents) == 2, documents                   # one reload, never a second
