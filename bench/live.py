"""Benchmark the live model (llama.cpp in WebAssembly, in headless Chromium) against llama.cpp native.

    .venv/bin/python bench/live.py [--site site/] [--tokens 48]

Prints, all measured in this one run on this machine:
  1. greedy tokens/s: the browser engine (wllama, 1 thread) against llama-cpp-python with 1 thread,
     same GGUF, same prompt, same number of tokens; goal: ratio >= 0.2.
     The widget's own Generate at T = 1 over the whole vocabulary (the deck's sampler in Python for
     every token, the distribution crossing once per token) against the engine's bare greedy
     decoding in the same page, runs alternating; goal: ratio >= 0.8.
     Threads (bench/engine.py): wllama alone on a page served WITH COOP/COEP headers (isolated), on
     1 thread and on all of this machine's, each against llama-cpp-python with as many threads;
     goal: all threads in the browser >= 0.3x llama-cpp-python on 1 thread.
  2. opt-in to the first distribution with the model cached (click "Load the real model" ->
     the model's T = 1 table drawn) against a blank page that only loads the engine as the widget
     runs it (the same wasm build, threads, context and batch size) and the same cached model and
     evaluates the prompt once; goal: ratio <= 1.1
  3. bytes fetched by the page before the reader opts in (expected: zero of the engine or the model)
  4. peak memory of the browser while the model loads and runs (all Chromium processes, RSS)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import engine  # noqa: E402
from bench.browser import build_site, page_with  # noqa: E402
from build_hooks import localhost  # noqa: E402

PROMPT = "The cat sat on the"
BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare wllama</title>
<script type="module">
window.bench = async (modelUrl, threads) => {
  const t0 = performance.now();
  const { Wllama } = await import("./assets/vendor/wllama/index.js");
  const base = new URL("assets/vendor/wllama/", location.href).href;
  const w = new Wllama({"single-thread/wllama.wasm": base + "single-thread/wllama.wasm",
                        "multi-thread/wllama.wasm": base + "multi-thread/wllama.wasm"},
                       {suppressNativeLog: true, allowOffline: true});
  await w.loadModelFromUrl(modelUrl, {n_ctx: 1024, n_batch: 512, n_threads: threads, seed: 0});
  await w.decode(await w.tokenize(__PROMPT__, false), {});
  await w.getLogits(10);
  return performance.now() - t0;
};
window.benchReady = true;
</script>""".replace("__PROMPT__", json.dumps(PROMPT))
ENGINE_GREEDY = """async (n) => {
  const w = window.deckLive.engine.wllama;
  await w.kvClear();
  await w.decode(await w.tokenize(__PROMPT__, false), {});
  let next = (await w.getLogits(1))[0].token;
  const ids = [next];
  const t0 = performance.now();
  for (let i = 1; i < n; i++) {
    await w.decode([next], {});
    next = (await w.getLogits(1))[0].token;
    ids.push(next);
  }
  return { ms: performance.now() - t0, ids };
}""".replace("__PROMPT__", json.dumps(PROMPT))


class PeakMemory:
    """Samples the summed RSS of Chromium's processes every 50 ms (a tab = renderer + workers + GPU/utility)."""

    def __init__(self, root_pid: int):
        self.root, self.peak, self.running = psutil.Process(root_pid), 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def total(self) -> int:
        procs = [self.root] + self.root.children(recursive=True)
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.total())
            time.sleep(0.05)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def chromium_pid(before: set[int]) -> int:
    new = [p for p in psutil.process_iter(["pid", "name", "ppid"]) if p.pid not in before
           and "chrom" in (p.info["name"] or "") and p.parent() and "chrom" not in (p.parent().name() or "")]
    return new[0].pid


def opt_in_ms(context, url: str) -> float:
    page = context.new_page()
    page.goto(url)
    widget = page.locator('.demo[data-demo="live"]').first
    page.evaluate("""() => { window.__t = null; document.querySelector('.demo[data-demo="live"]')
        .addEventListener('live-distribution', () => { window.__t = window.__t ?? performance.now(); }); }""")
    t0 = page.evaluate("performance.now()")
    widget.locator('button[name="load"]').click()
    page.wait_for_function("window.__t !== null", timeout=180_000)
    ms = page.evaluate("window.__t") - t0
    page.wait_for_function("el => !el.dataset.busy", arg=widget.element_handle(), timeout=180_000)
    page.close()
    return ms


def bare_ms(context, base: str, model_url: str, threads: int) -> float:
    page = context.new_page()
    page.goto(base + "bench-live-bare.html")
    page.wait_for_function("window.benchReady === true")
    ms = page.evaluate("([u, n]) => window.bench(u, n)", [model_url, threads])
    page.close()
    return ms


def thread_pairs(browser, site: Path, tokens: int, runs: int) -> dict:
    """{threads: (wllama alone on an isolated page, llama-cpp-python)} for 1 and all threads,
    alternating browser and native runs; medians of the browser's tokens/s."""
    (site / engine.THREADS_PAGE).write_text(engine.THREADS_HTML)
    server, base = engine.serve_isolated(site)
    context = browser.new_context()
    out = {}
    try:
        page = context.new_page()
        page.goto(base + page_with(site, "live"))
        model_url = base + "assets/" + page.evaluate("JSON.parse(document.querySelector('script.demo-live-config')"
                                                     ".textContent).model")
        page.close()
        for n in sorted({1, os.cpu_count() or 1}):
            pairs = [(engine.engine_tokens_per_s(context, base, model_url, n, tokens),
                      engine.native_tokens_per_s(tokens, n)) for _ in range(runs)]
            best = sorted(pairs, key=lambda p: p[0]["perS"])[len(pairs) // 2][0]
            out[n] = (best, statistics.median(p[1] for p in pairs))
    finally:
        context.close()
        server.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--tokens", type=int, default=48)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    site = Path(args.site)
    if not (site / "index.html").exists():
        print(f"building the site (no {site}/index.html)...", flush=True)
        build_site(site)
    (site / "bench-live-bare.html").write_text(BARE_HTML)
    from playwright.sync_api import sync_playwright

    server, base = localhost.serve(site)
    url = base + page_with(site, "live")
    try:
        before_pids = {p.pid for p in psutil.process_iter()}
        with sync_playwright() as pw:
            browser = localhost.launch(pw)
            memory = PeakMemory(chromium_pid(before_pids))
            context = browser.new_context()
            page = context.new_page()
            sizes, urls = [], []
            page.on("requestfinished", lambda r: (urls.append(r.url), sizes.append(r.sizes()["responseBodySize"])))
            page.goto(url)
            page.wait_for_load_state("networkidle")
            before = list(zip(urls, sizes))
            engine_bytes = sum(s for u, s in before if "/assets/live/" in u or "/assets/vendor/wllama/" in u)
            widget = page.locator('.demo[data-demo="live"]').first
            baseline = memory.total()
            t0 = time.perf_counter()
            widget.locator('button[name="load"]').click()
            page.wait_for_function("() => self.crossOriginIsolated", timeout=300_000)   # the opt-in's one reload
            page.wait_for_function("el => el.dataset.state === 'live'", arg=widget.element_handle(), timeout=300_000)
            first_load = time.perf_counter() - t0
            page.wait_for_function("el => !el.dataset.busy", arg=widget.element_handle(), timeout=300_000)
            # alternate browser and native runs: a shared machine's load then weighs on both alike
            live, natives, widget_runs = [], [], []
            for _ in range(args.runs):
                live.append(page.evaluate(ENGINE_GREEDY, args.tokens))
                natives.append(engine.native_tokens_per_s(args.tokens))
                widget_runs.append(engine.widget_generate(page, widget, args.tokens))
            live_tps = statistics.median((args.tokens - 1) / (r["ms"] / 1000) for r in live)
            native = statistics.median(natives)
            widget_tps = statistics.median(widget_runs)
            engine_runs = [(args.tokens - 1) / (r["ms"] / 1000) for r in live]
            widget_ratio = statistics.median(w / e for w, e in zip(widget_runs, engine_runs))
            peak = memory.stop()          # one tab: loaded, generated (before the cached-load pairs below)
            model_url = base + "assets/" + page.evaluate("window.deckLive.engine.config.model")
            widget_threads = page.evaluate("window.deckLive.engine.threads")      # the bare engine runs as many
            page.close()
            pairs = [(opt_in_ms(context, url), bare_ms(context, base, model_url, widget_threads))
                     for _ in range(args.runs)]
            threads = thread_pairs(browser, site, args.tokens, args.runs)
            browser.close()
    finally:
        server.shutdown()
        (site / "bench-live-bare.html").unlink(missing_ok=True)
        (site / engine.THREADS_PAGE).unlink(missing_ok=True)
    opt, bare = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    print("Live model in Chromium (wllama 2.3.7; medians of one run of this script)")
    print(f"  greedy       browser engine {live_tps:.1f} tokens/s  vs llama-cpp-python (1 thread) {native:.1f} tokens/s"
          f"  ratio {live_tps / native:.2f}  (goal >= 0.2)")
    print(f"  generate     the widget's Generate (T = 1, whole vocabulary, deck's sampler in Python) "
          f"{widget_tps:.1f} tokens/s  vs the engine's bare greedy decoding {live_tps:.1f}  ratio "
          f"{widget_ratio:.2f} (median of the runs' ratios; goal >= 0.8)")
    for n, (browser_run, native_n) in threads.items():
        how = (f"{browser_run['threads']} thread{'s' if browser_run['threads'] > 1 else ''}"
               + (", multi-thread build" if browser_run["multi"] else "")
               + ("" if browser_run["isolated"] else ", NOT isolated"))
        print(f"  threads {n}    wllama alone ({how}) {browser_run['perS']:.1f} tokens/s  vs llama-cpp-python "
              f"({n} thread{'s' if n > 1 else ''}) {native_n:.1f}  ratio {browser_run['perS'] / native_n:.2f}")
    top = threads[max(threads)][0]["perS"]
    print(f"               all threads in the browser vs llama-cpp-python on 1 thread: ratio "
          f"{top / threads[1][1]:.2f}  (goal >= 0.3)")
    as_widget = f"{widget_threads} thread{'s' if widget_threads > 1 else ''}, as the widget"
    print(f"  opt-in       click -> first distribution, model cached {opt / 1000:.2f} s  vs bare engine load + one "
          f"eval ({as_widget}) {bare / 1000:.2f} s  ratio {opt / bare:.2f}  (goal <= 1.1); first load incl. download "
          f"{first_load:.1f} s")
    print(f"  before       {sum(s for _, s in before) / 1024:.0f} KiB in {len(before)} requests before opt-in; "
          f"engine + model bytes: {engine_bytes} (goal 0)")
    print(f"  memory       peak {peak / 2**20:.0f} MiB for all of Chromium's processes (RSS), "
          f"{(peak - baseline) / 2**20:.0f} MiB more than the same page before opt-in: what loading and running the "
          "model costs a phone on top of the page")


if __name__ == "__main__":
    main()
