"""Run demos/tokenizers under Pyodide in headless Chromium: the browser's own Python, our code.

A throwaway folder served on 127.0.0.1 holds Pyodide (node_modules/pyodide) and the vocabulary
files; the page loads Pyodide, copies the repository's demos/ package into its file system and,
for each vocabulary, times `fetch(vocab) -> tokenizers.load(text) -> first ids` as the widget's
worker does. Used by tests/test_tokenizers.py (same ids as llama.cpp) and bench/tokenizer.py.

Example:
>>> with PyodideTokenizer(browser, tmp) as py:              # doctest: +SKIP
...     py.load(Path("ggml-vocab-llama-spm.gguf.vocab.txt"))
...     py.encode(["Hello world"])
[[15043, 3186]]
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from build_hooks import localhost

ROOT = Path(__file__).resolve().parents[1]
PAGE = """<!doctype html><meta charset="utf-8"><title>demos.tokenizers under Pyodide</title>
<script type="module">
import { loadPyodide } from "./pyodide/pyodide.mjs";
window.boot = async (files) => {
  const py = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
  for (const [path, source] of Object.entries(files)) {
    py.FS.mkdirTree(path.split("/").slice(0, -1).join("/"));
    py.FS.writeFile(path, source);
  }
  py.runPython("import sys; sys.path.insert(0, '/home/pyodide'); from demos import tokenizers");
  window.py = py;
  return py.runPython("import sys; sys.version.split()[0]");
};
// fetch -> load -> first ids, timed like the widget: the vocabulary's first use
window.loadVocab = async (url, probe) => {
  const t0 = performance.now();
  const text = await (await fetch(url)).text();
  const t1 = performance.now();
  window.tok = py.globals.get("tokenizers").load(text);
  const t2 = performance.now();
  const ids = window.tok.encode(probe).toJs();
  const t3 = performance.now();
  return { fetch_ms: t1 - t0, load_ms: t2 - t1, first_ids_ms: t3 - t0, n: ids.length };
};
// fresh: forget the word cache first, so a repeated run costs what a first one does
window.encode = (texts, fresh) => {
  if (fresh && window.tok.cache) window.tok.cache.clear();
  const t0 = performance.now();
  const out = texts.map((t) => window.tok.encode(t).toJs());
  return { ids: out, ms: performance.now() - t0 };
};
</script>"""


class PyodideTokenizer:
    """A Chromium page with Pyodide and demos.tokenizers, for one `with` block."""

    def __init__(self, browser, workdir: Path):
        self.browser, self.dir = browser, Path(workdir)

    def __enter__(self):
        pyodide = ROOT / "node_modules" / "pyodide"
        if not (pyodide / "pyodide.mjs").exists():
            raise FileNotFoundError(f"{pyodide} is missing: run `npm ci` (or `make deps`)")
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(pyodide, self.dir / "pyodide", dirs_exist_ok=True)
        (self.dir / "index.html").write_text(PAGE, encoding="utf-8")
        self.server, self.base = localhost.serve(self.dir)
        self.context = self.browser.new_context()
        self.page = self.context.new_page()
        self.page.goto(self.base + "index.html")
        files = {f"/home/pyodide/demos/{p.relative_to(ROOT / 'demos').as_posix()}": p.read_text(encoding="utf-8")
                 for p in sorted((ROOT / "demos").rglob("*.py")) if "__pycache__" not in p.parts}
        self.page.wait_for_function("typeof window.boot === 'function'")
        self.version = self.page.evaluate("files => window.boot(files)", files)
        return self

    def load(self, vocab_text_file: Path, probe: str = "Hello") -> dict:
        """Serve the vocabulary file and load it in the page; returns the timings (ms)."""
        name = f"vocab-{vocab_text_file.stem}.txt"
        target = self.dir / name
        if target.exists():
            target.unlink()
        os.link(vocab_text_file, target) if vocab_text_file.stat().st_dev == self.dir.stat().st_dev \
            else shutil.copy(vocab_text_file, target)
        return self.page.evaluate("([url, probe]) => window.loadVocab(url, probe)", [name, probe])

    def encode(self, texts: list[str]) -> list[list[int]]:
        return self.page.evaluate("texts => window.encode(texts)", texts)["ids"]

    def encode_timed(self, texts: list[str]) -> tuple[list[list[int]], float]:
        """(ids, milliseconds) of a cold run: the tokenizer's word cache is emptied first."""
        out = self.page.evaluate("texts => window.encode(texts, true)", texts)
        return out["ids"], out["ms"]

    def __exit__(self, *exc):
        self.context.close()
        self.server.shutdown()
