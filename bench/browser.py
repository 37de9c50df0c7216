"""Benchmark the live demos in headless Chromium, all in one run, against the built site.

    .venv/bin/python bench/browser.py [--site site/] [--runs 3]

Prints:
  1. widget ready time (first interaction -> data-state="ready") against a bare page that only
     runs loadPyodide() in a module worker, same server, same files; goal: ratio <= 1.1
  2. control-to-redraw latency of the sampling widget (input event -> bars redrawn), p50 / p95;
     goal: p95 <= 30 ms
  3. word-trigram training on a 1 MB corpus in Pyodide (the widget's own worker call) against
     CPython (demos.ngram here); goal: Pyodide <= 1.5 s
  4. bytes fetched by the sampling page before the first interaction (no Pyodide byte expected)

Figures are noisy on a shared machine: runs alternate widget/bare and the medians are compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_hooks import localhost  # noqa: E402  (after the sys.path line: runs as a plain script)

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare loadPyodide</title>
<script>
window.bench = () => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const w = new Worker(new URL("bare-worker.mjs", location.href), {type: "module"});
  w.onmessage = (e) => e.data.ok ? resolve(performance.now() - t0) : reject(new Error(e.data.error));
  w.postMessage("go");
});
</script>"""
BARE_WORKER = """self.onmessage = async () => {
  try {
    const base = new URL("assets/vendor/pyodide/", self.location.href);
    const { loadPyodide } = await import(new URL("pyodide.mjs", base).href);
    const py = await loadPyodide({ indexURL: base.href });
    py.runPython("1 + 1");
    postMessage({ ok: true });
  } catch (err) { postMessage({ ok: false, error: String(err) }); }
};"""


def ready_widget(browser, url: str, demo: str, control: str, settle_ms: int):
    """A fresh page at `url` whose `demo` widget was woken (pointerdown on `control`) and is ready."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.locator(f'.demo[data-demo="{demo}"] {control}').dispatch_event("pointerdown")
    page.wait_for_function(f"document.querySelector('.demo[data-demo=\"{demo}\"]').dataset.state === 'ready'",
                           timeout=180_000)
    page.wait_for_timeout(settle_ms)   # let the widget's own first redraw finish
    return context, page


def build_site(dest: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(dest)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"strict build failed:\n{result.stdout}{result.stderr}")


def page_with(site: Path, kind: str) -> str:
    for html in sorted(site.rglob("index.html")):
        rel = html.relative_to(site).parent.as_posix()
        if not rel.startswith("present") and f'data-demo="{kind}"' in html.read_text(encoding="utf-8"):
            return "" if rel == "." else rel + "/"
    sys.exit(f"no page of the site has a `demo {kind}` widget")


def one_mb_corpus() -> str:
    text = (ROOT / "slides" / "corpus" / "coriolanus.txt").read_text(encoding="utf-8")
    return (text * (1_000_000 // len(text) + 1))[:1_000_000]


def widget_ready_ms(browser, url: str) -> float:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        ms = page.evaluate("""() => new Promise((resolve) => {
            const w = document.querySelector('.demo[data-demo="sampling"]');
            const t0 = performance.now();
            new MutationObserver(() => { if (w.dataset.state === 'ready' || w.dataset.state === 'error')
                resolve(w.dataset.state === 'ready' ? performance.now() - t0 : -1); })
              .observe(w, {attributes: true, attributeFilter: ['data-state']});
            w.querySelector('input[name="top_k"]').dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
        })""")
        if ms < 0:
            sys.exit("the widget reported data-state=error: " + page.locator(".demo-status").first.text_content())
        return ms
    finally:
        context.close()


def bare_ready_ms(browser, url: str) -> float:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "bench-bare.html")
        return page.evaluate("window.bench()")
    finally:
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "site", help="a built site (default: site/; built if absent)")
    ap.add_argument("--runs", type=int, default=3, help="ready-time runs of each page (alternating)")
    ap.add_argument("--moves", type=int, default=60, help="slider moves for the latency figure")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from demos.ngram import NGram

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "deck"
        if (args.site / "index.html").exists():
            shutil.copytree(args.site, site)
        else:
            print(f"building the site (no {args.site}/index.html)...", flush=True)
            build_site(site)
        (site / "bench-bare.html").write_text(BARE_HTML)
        (site / "bare-worker.mjs").write_text(BARE_WORKER)
        server, base = localhost.serve(root)
        base += "deck/"
        sampling_url = base + page_with(site, "sampling")
        ngram_url = base + page_with(site, "ngram")

        with sync_playwright() as pw:
            browser = localhost.launch(pw)

            # 4. bytes before the first interaction (fresh context: nothing cached)
            context = browser.new_context()
            page = context.new_page()
            sizes, pyodide_bytes = [], []

            def finished(req):
                n = req.sizes()["responseBodySize"]
                sizes.append(n)
                if "/vendor/pyodide/" in req.url or req.url.endswith(".wasm"):
                    pyodide_bytes.append(n)

            page.on("requestfinished", finished)
            page.goto(sampling_url)
            page.wait_for_load_state("networkidle")
            before_bytes, before_requests = sum(sizes), len(sizes)
            context.close()

            # 1. ready time: widget vs bare, alternating
            widget_ms, bare_ms = [], []
            for _ in range(args.runs):
                widget_ms.append(widget_ready_ms(browser, sampling_url))
                bare_ms.append(bare_ready_ms(browser, base))

            # 2. control-to-redraw latency, 3. training in Pyodide (same page, one worker)
            context, page = ready_widget(browser, sampling_url, "sampling", 'input[name="top_k"]', settle_ms=300)
            latencies = page.evaluate("""async (moves) => {
                const w = document.querySelector('.demo[data-demo="sampling"]');
                const input = w.querySelector('input[name="temperature"]');
                const out = [];
                for (let i = 0; i < moves; i++) {
                  const done = new Promise((r) => w.addEventListener('demo-redraw', r, {once: true}));
                  const t0 = performance.now();
                  input.value = String((i % 40) / 10 + 0.1);
                  input.dispatchEvent(new Event('input', {bubbles: true}));
                  await done;
                  const dom = performance.now() - t0;                                // bars updated
                  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));  // frame drawn
                  out.push([dom, performance.now() - t0]);
                }
                return out;
            }""", args.moves)
            context.close()

            corpus = one_mb_corpus()
            context, page = ready_widget(browser, ngram_url, "ngram", 'select[name="level"]', settle_ms=1000)
            pyodide_train = []
            for _ in range(3):
                pyodide_train.append(page.evaluate("""async (corpus) => {
                    const b = window.deckDemos.bridge;
                    const t0 = performance.now();
                    const text = corpus + ' '.repeat(Math.floor(Math.random() * 9));
                    await b.call('ngram', {widget: 'bench', corpus: text, n: 3, level: 'word', prompt: '', length: 1,
                                           temperature: 1, seed: 0});
                    return (performance.now() - t0) / 1000;
                }""", corpus))
            context.close()
            browser.close()
        server.shutdown()

    cpython_train = []
    for _ in range(3):
        t = time.perf_counter()
        NGram(3, "word").train(corpus)
        cpython_train.append(time.perf_counter() - t)

    w, b = statistics.median(widget_ms), statistics.median(bare_ms)
    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    dom = [d for d, _ in latencies]
    painted = [p for _, p in latencies]
    p50, p95 = pct(dom, 0.5), pct(dom, 0.95)
    pt, ct = statistics.median(pyodide_train), statistics.median(cpython_train)

    def verdict(ok):
        return "ok" if ok else "MISSED"

    print("Live demos in Chromium (medians; one run of this script)")
    print(f"  ready time   widget {w / 1000:.2f} s  vs bare loadPyodide (module worker) {b / 1000:.2f} s"
          f"  ratio {w / b:.2f}  (goal <= 1.1: {verdict(w / b <= 1.1)})  runs: "
          + ", ".join(f"{x / 1000:.2f}/{y / 1000:.2f}" for x, y in zip(widget_ms, bare_ms)))
    print(f"  redraw       input event -> bars updated: p50 {p50:.1f} ms  p95 {p95:.1f} ms over {len(dom)} slider moves"
          f"  (goal p95 <= 30 ms: {verdict(p95 <= 30)});  -> next frame drawn: p50 {pct(painted, 0.5):.1f} ms"
          f"  p95 {pct(painted, 0.95):.1f} ms")
    print(f"  training     word trigrams on 1 MB: Pyodide {pt:.2f} s  CPython {ct:.2f} s  ratio {pt / ct:.1f}x"
          f"  (goal Pyodide <= 1.5 s: {verdict(pt <= 1.5)})")
    print(f"  first load   {before_bytes / 1024:.0f} KiB in {before_requests} requests before any interaction;"
          f" Pyodide bytes: {sum(pyodide_bytes)}")


if __name__ == "__main__":
    main()
