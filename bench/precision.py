"""How far the browser's numbers are from llama.cpp's, on prompts nobody chose for the deck.

    .venv/bin/python bench/precision.py [--seed 0] [--prompts 200] [--site site/]

The live widget (llama.cpp compiled to WebAssembly by wllama 2.3.7, in headless Chromium) and the
build's llama-cpp-python run the same GGUF with other arithmetic (SIMD width, accumulation order,
attention kernel). For each prompt: the browser's 10 most likely next tokens, and for each of them
the difference between its probability in the browser and in llama.cpp; the prompt's figure is
the largest of the ten. Prompts: Coriolanus (slides/corpus/coriolanus.txt, public domain) cut at
seeded random points, 3 to 40 words each, plus the quantization study's prompts.

Writes bench/live_precision.json (median, 95th percentile, maximum, and every prompt's figure):
the live widget's precision line is generated from it (build_hooks/fences/live.py), and
tests/test_precision_browser.py checks the stated maximum on fresh prompts (another seed).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "slides" / "corpus" / "coriolanus.txt"
OUT = ROOT / "bench" / "live_precision.json"
COMMAND = "python bench/precision.py --seed {seed} --prompts {n}"
# The browser's distribution for a prompt, its 10 most likely tokens, as the widget computes it.
TOP10 = """async (prompt) => {
  const d = await window.deckLive.engine.distribution(prompt, 10);
  return { ids: Array.from(d.ids), probs: Array.from(d.probs) };
}"""


def corpus_prompts(seed: int, n: int) -> list[str]:
    """n passages of Coriolanus, 3 to 40 words each, starting at seeded random words (the text as
    it is: speakers' names, verse breaks, mid-sentence ends). Different seeds give other cuts.

    Example:
    >>> a, b = corpus_prompts(0, 3), corpus_prompts(1, 3)
    >>> len(a), a == corpus_prompts(0, 3), set(a) & set(b)
    (3, True, set())
    """
    words = CORPUS.read_text(encoding="utf-8").split(" ")
    rng = random.Random(f"precision-{seed}")
    out = []
    while len(out) < n:
        start, length = rng.randrange(len(words) - 40), rng.randint(3, 40)
        text = " ".join(words[start:start + length]).strip()
        if text and text not in out:
            out.append(text)
    return out


def quantization_prompts() -> list[str]:
    """The prompts of the deck's quantization study (slides/snapshots/quant_study-*.json)."""
    out = []
    for path in sorted((ROOT / "slides" / "snapshots").glob("quant_study-*.json")):
        out += [p for p in json.loads(path.read_text())["params"].get("prompts", []) if p not in out]
    return out


def native_model():
    """llama-cpp-python on the embedded GGUF, one thread, the build's settings."""
    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path

    return loader.load(embedded_path(), n_ctx=512, n_threads=1)


def native_probs(llm, prompt: str):
    """llama.cpp's next-token probabilities after `prompt` (a fresh context)."""
    import llama_cpp
    import numpy as np

    llm.reset()
    llm.eval(llm.tokenize(prompt.encode(), add_bos=False))
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).astype(float)
    probs = np.exp(logits - logits.max())
    return probs / probs.sum()


def difference(browser: dict, native) -> dict:
    """The largest top-10 difference, and whether the top token differs (with llama.cpp's own gap there)."""
    diff = max(abs(p - float(native[i])) for i, p in zip(browser["ids"], browser["probs"]))
    best = int(native.argmax())
    gap = float(native[best] - native[browser["ids"][0]])
    return {"diff": diff, "top1_differs": browser["ids"][0] != best, "gap": gap}


def measure(page, llm, prompts: list[str]) -> list[dict]:
    return [difference(page.evaluate(TOP10, p), native_probs(llm, p)) for p in prompts]


def summary(rows: list[dict]) -> dict:
    diffs = sorted(r["diff"] for r in rows)
    flips = [r["gap"] for r in rows if r["top1_differs"]]
    return {"prompts": len(diffs), "median": statistics.median(diffs),
            "p95": diffs[min(len(diffs) - 1, math.ceil(0.95 * len(diffs)) - 1)], "max": diffs[-1],
            "top1_differs": len(flips), "largest_gap_where_top1_differs": max(flips, default=0.0)}


def live_page(pw, site: Path):
    """A headless Chromium on the built site's live widget, model loaded: (browser, page, server)."""
    from bench.browser import page_with
    from build_hooks import localhost

    server, base = localhost.serve(site)
    browser = localhost.launch(pw)
    page = browser.new_page()
    page.goto(base + page_with(site, "live"))
    page.locator('.demo[data-demo="live"] button[name="load"]').first.click()
    page.wait_for_function("() => self.crossOriginIsolated", timeout=300_000)    # opting in reloads the page once
    widget = page.locator('.demo[data-demo="live"]').first
    page.wait_for_function("el => el.dataset.state === 'live'", arg=widget.element_handle(), timeout=300_000)
    page.wait_for_function("el => !el.dataset.busy", arg=widget.element_handle(), timeout=300_000)
    return browser, page, server


def main() -> None:
    from playwright.sync_api import sync_playwright

    from bench.browser import build_site

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prompts", type=int, default=200, help="how many Coriolanus cuts (plus the quantization prompts)")
    ap.add_argument("--site", default=str(ROOT / "site"))
    args = ap.parse_args()
    site = Path(args.site)
    if not (site / "index.html").exists():
        print(f"building the site (no {site}/index.html)...", flush=True)
        build_site(site)
    prompts = corpus_prompts(args.seed, args.prompts) + quantization_prompts()
    llm = native_model()
    with sync_playwright() as pw:
        browser, page, server = live_page(pw, site)
        try:
            rows = measure(page, llm, prompts)
        finally:
            browser.close()
            server.shutdown()
    out = {"command": COMMAND.format(seed=args.seed, n=args.prompts), "seed": args.seed,
           "corpus": CORPUS.relative_to(ROOT).as_posix(), "corpus_cuts": args.prompts,
           "other_prompts": f"the quantization study's {len(quantization_prompts())} "
                            "(slides/snapshots/quant_study-*.json)",
           "engine": "wllama 2.3.7 in Chromium",
           "reference": "llama-cpp-python, 1 thread", "measure": "largest |p_browser - p_llama.cpp| over the "
           "browser's 10 most likely next tokens, per prompt", **summary(rows),
           "per_prompt": [round(r["diff"], 5) for r in rows]}
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{out['prompts']} prompts: median {out['median']:.4f}, 95th percentile {out['p95']:.4f}, "
          f"max {out['max']:.4f}; top-1 differs on {out['top1_differs']} (llama.cpp's own gap there at most "
          f"{out['largest_gap_where_top1_differs']:.4f}) -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
