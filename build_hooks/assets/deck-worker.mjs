// The live demos' Python: ONE module Web Worker per page runs Pyodide and the `demos` package.
//
// Protocol (quarto-live style): the page posts {id, type, payload}; the worker answers
// {id, result} or {id, error}, and may send {id, progress, stage} (progress 0..1) before a long
// answer (booting Pyodide, training on a big corpus).
//   init                         load Pyodide and the demos wheel (by name, from our own lock file)
//   call      {fn, kwargs}       demos.web.<fn>(**kwargs), JSON in and out
//   ngram     {corpus, n, level, prompt, length, temperature, seed}
//                                train (in slices: progress, cancellable) then generate
//   tokenize  {text}             the model's tokenizer; its vocabulary is fetched on first use
//   cancel    {target}           stop the training of request `target`
// Python code ships as real .py files in the wheel: nothing here is Python source.

const PYODIDE = new URL("../vendor/pyodide/", import.meta.url);
const VOCAB = new URL("../demos/vocab.json", import.meta.url);

let booting = null;       // the init promise: Pyodide loads once per worker
let web = null;           // the demos.web module (a PyProxy)
let lastCorpus = null;    // what the current n-gram model was trained on: {corpus, n, level}
let vocabLoaded = false;
const cancelled = new Set();

function call(fn, kwargs) {
  return JSON.parse(web.call(fn, JSON.stringify(kwargs)));
}

// Boot in three visible steps; `report(fraction, stage)` tells the page where we are.
async function boot(report) {
  report(0.05, "the Pyodide loader");
  const { loadPyodide } = await import(new URL("pyodide.mjs", PYODIDE).href);
  report(0.15, "the Python runtime (about 6 MB)");
  const pyodide = await loadPyodide({
    indexURL: PYODIDE.href,
    lockFileURL: new URL("pyodide-lock.json", PYODIDE).href,
    stdout: () => {},
    stderr: () => {},
  });
  const problems = [];
  report(0.9, "the demos package");
  await pyodide.loadPackage("deck-demos", { messageCallback: () => {}, errorCallback: (m) => problems.push(m) });
  try {
    web = pyodide.pyimport("demos.web");
  } catch (err) {
    throw new Error(`the demos package did not load (${problems.join("; ") || err.message})`);
  }
  return pyodide.version;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function ngram(id, p) {
  const key = { corpus: p.corpus, n: p.n, level: p.level };
  const same = lastCorpus && lastCorpus.corpus === key.corpus && lastCorpus.n === key.n && lastCorpus.level === key.level;
  if (!same) {
    lastCorpus = null;
    let done = call("ngram_start", { text: p.corpus, n: p.n, level: p.level });
    while (done < 1) {
      postMessage({ id, progress: done });
      await tick();                      // let a "cancel" message in between two slices
      if (cancelled.has(id)) {
        cancelled.delete(id);
        throw new Error("cancelled");
      }
      done = call("ngram_step", {});
    }
    lastCorpus = key;
  }
  return call("ngram_output", { prompt: p.prompt, length: p.length, temperature: p.temperature, seed: p.seed });
}

async function tokenize(p) {
  if (!vocabLoaded) {
    const response = await fetch(VOCAB);
    if (!response.ok) throw new Error(`the vocabulary could not be fetched (HTTP ${response.status})`);
    call("tokenizer_load", { vocab_json: await response.text() });
    vocabLoaded = true;
  }
  return call("tokenize", { text: p.text });
}

async function handle({ id, type, payload }) {
  if (type === "cancel") {
    cancelled.add(payload.target);
    return true;
  }
  const report = (progress, stage) => postMessage({ id, progress, stage });
  if (type === "init") {
    booting = booting || boot(report);
    return { version: await booting };
  }
  if (!web) await (booting = booting || boot(() => {}));
  if (type === "call") return call(payload.fn, payload.kwargs);
  if (type === "ngram") return ngram(id, payload);
  if (type === "tokenize") return tokenize(payload);
  throw new Error(`unknown message type ${type}`);
}

self.onmessage = async (event) => {
  const { id } = event.data;
  try {
    postMessage({ id, result: await handle(event.data) });
  } catch (err) {
    // Python errors arrive as PythonError: keep the last line, the one that says what happened.
    const text = String((err && err.message) || err).trim().split("\n").filter(Boolean);
    postMessage({ id, error: text.slice(-1)[0] || "error" });
  }
};
