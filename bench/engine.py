"""The live model's engine measured bare, for bench/live.py: threads, native llama.cpp, the widget's Generate.

- `serve_isolated(site)`: the built site on 127.0.0.1 WITH the COOP/COEP headers that make a page
  crossOriginIsolated (GitHub Pages sends none: there the site's own service worker adds them).
  Isolated, wllama 2.3.7 can run its multi-thread build.
- `engine_tokens_per_s(page, base, model_url, threads, n)`: wllama alone on a blank page (no deck
  code): load the model with `threads`, greedy-decode n tokens (decode one, take the argmax).
- `native_tokens_per_s(n, threads)`: the same loop in llama-cpp-python with the same thread count.
- `widget_generate(page, widget, n)`: the widget's Generate at T = 1 over the whole vocabulary, as a
  reader presses it: the tokens/s it shows (data-tokens-per-s).
"""

from __future__ import annotations

import functools
import json
import threading
import time

from build_hooks import localhost

PROMPT = "The cat sat on the"
THREADS_HTML = """<!doctype html><meta charset="utf-8"><title>bare wllama, threads</title>
<script type="module">
window.greedy = async (modelUrl, threads, n) => {
  const { Wllama } = await import("./assets/vendor/wllama/index.js");
  const base = new URL("assets/vendor/wllama/", location.href).href;
  const w = new Wllama({"single-thread/wllama.wasm": base + "single-thread/wllama.wasm",
                        "multi-thread/wllama.wasm": base + "multi-thread/wllama.wasm"},
                       {suppressNativeLog: true, allowOffline: true});
  await w.loadModelFromUrl(modelUrl, {n_ctx: 1024, n_threads: threads});
  const runs = [];
  for (let r = 0; r < 2; r++) {
    await w.kvClear();
    await w.decode(await w.tokenize(__PROMPT__, false), {});
    let next = (await w.getLogits(1))[0].token;
    const t0 = performance.now();
    for (let i = 1; i < n; i++) { await w.decode([next], {}); next = (await w.getLogits(1))[0].token; }
    runs.push((n - 1) / ((performance.now() - t0) / 1000));
  }
  const out = { perS: Math.max(...runs), threads: w.getNumThreads(), multi: w.isMultithread(),
                isolated: self.crossOriginIsolated };
  await w.exit();
  return out;
};
window.benchReady = true;
</script>""".replace("__PROMPT__", json.dumps(PROMPT))
THREADS_PAGE = "bench-live-threads.html"


class IsolatedHandler(localhost.QuietHandler):
    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()


def serve_isolated(directory):
    handler = functools.partial(IsolatedHandler, directory=str(directory))
    server = localhost.QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def engine_tokens_per_s(context, base: str, model_url: str, threads: int, n: int) -> dict:
    """{perS, threads, multi, isolated}: the best of two greedy runs of n tokens, wllama alone."""
    page = context.new_page()
    page.goto(base + THREADS_PAGE)
    page.wait_for_function("window.benchReady === true")
    out = page.evaluate("([u, t, n]) => window.greedy(u, t, n)", [model_url, threads, n])
    page.close()
    return out


def native_tokens_per_s(n: int, threads: int = 1) -> float:
    """llama-cpp-python with `threads`: the same greedy loop (eval one token, take the argmax), best of two."""
    import llama_cpp
    import numpy as np

    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    llm = loader.load(embedded_path(), n_ctx=1024, n_threads=threads)

    def argmax():
        logits = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(llm.n_vocab(),))))

    runs = []
    for _ in range(2):
        llm.reset()
        llm.eval(llm.tokenize(PROMPT.encode(), add_bos=False))
        nxt, t0 = argmax(), time.perf_counter()
        for _ in range(n - 1):
            llm.eval([nxt])
            nxt = argmax()
        runs.append((n - 1) / (time.perf_counter() - t0))
    return max(runs)


def widget_generate(page, widget, n: int) -> float:
    """Press Generate at T = 1, no cut (the whole vocabulary), n tokens: the tokens/s the widget shows."""
    for name, value in (("temperature", 1), ("top_k", 0), ("top_p", 1), ("min_p", 0), ("length", n)):
        widget.locator(f'[name="{name}"]').evaluate("(el, v) => { if (el) el.value = v; }", str(value))
    widget.locator('button[name="generate"]').click()
    page.wait_for_function("el => !el.dataset.busy && el.querySelector('.demo-live-speed').dataset.tokensPerS",
                           arg=widget.element_handle(), timeout=300_000)
    return float(widget.locator(".demo-live-speed").get_attribute("data-tokens-per-s"))
