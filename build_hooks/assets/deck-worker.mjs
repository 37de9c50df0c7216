// The live demos' Python: ONE module Web Worker per page runs Pyodide and the `demos` package.
//
// Protocol (quarto-live style): the page posts {id, type, payload}; the worker answers
// {id, result} or {id, error}, and may send {id, progress, stage} (progress 0..1) before a long
// answer (booting Pyodide, training on a big corpus). `id` is unique per request; every request
// a widget makes names that widget in payload.widget, and everything the worker remembers for a
// widget (its trained n-gram model) is keyed by it. One widget's requests run one after another,
// in the order sent; different widgets' requests interleave freely (training yields between slices).
//   init                         load Pyodide and the demos wheel (by name, from our own lock file)
//   call      {widget, fn, kwargs, arrays}   demos.web.<fn>(**kwargs), JSON in and out; arrays (optional):
//                                the live model's distribution {ids: Int32Array, probs: Float32Array,
//                                ranked, total} (what the page found reading them), kept
//                                under kwargs.dist for this and later calls (one crossing, no JSON)
//   ngram     {widget, corpus, n, level, prompt, length, temperature, seed}
//                                train this widget's model (in slices: progress, cancellable),
//                                unless it was trained on the same corpus, n and level; then generate
//   tokenize  {widget, text}     the model's tokenizer; its vocabulary is fetched on first use
//   cancel    {target}           stop request `target` (while it trains, or before it starts)
// Python code ships as real .py files in the wheel: nothing here is Python source.

const PYODIDE = new URL("../vendor/pyodide/", import.meta.url);
const VOCAB = new URL("../demos/vocab.txt", import.meta.url);

let booting = null;       // the init promise: Pyodide loads once per worker
let page = null;          // a demos.web.Page (a PyProxy): the Python side's per-widget memory
let toPy = null;          // pyodide.toPy: a typed array becomes a Python memoryview (one copy)
let vocabLoaded = null;   // the promise of the shared vocabulary, fetched once
const trained = new Map();   // widget id -> what its n-gram model was trained on (corpus, n, level)
const queues = new Map();    // widget id -> the promise of its latest request
const cancelled = new Set();

function call(fn, kwargs) {
  return JSON.parse(page.call(fn, JSON.stringify(kwargs)));
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
    page = pyodide.pyimport("demos.web").Page();
    toPy = (array) => pyodide.toPy(array);
  } catch (err) {
    throw new Error(`the demos package did not load (${problems.join("; ") || err.message})`);
  }
  return pyodide.version;
}

// A distribution of the live model, kept by Python for the draws that follow (demos/web.py), with
// what the page found reading it (ranked: most likely first; total: the probabilities' sum).
function hold(key, { ids, probs, ranked, total }) {
  const [i, p] = [toPy(ids), toPy(probs)];
  try {
    page.live_hold(key, i, p, ranked, total);
  } finally {
    i.destroy(); p.destroy();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function stopIfCancelled(id) {
  if (cancelled.delete(id)) throw new Error("cancelled");
}

async function ngram(id, p) {
  const widget = p.widget;
  const key = JSON.stringify([p.corpus, p.n, p.level]);
  if (trained.get(widget) !== key) {
    trained.delete(widget);
    let done = call("ngram_start", { widget, text: p.corpus, n: p.n, level: p.level });
    while (done < 1) {
      postMessage({ id, progress: done });
      await tick();                      // let a "cancel" (or another widget's request) in
      stopIfCancelled(id);
      done = call("ngram_step", { widget });
    }
    trained.set(widget, key);
  }
  return call("ngram_output", { widget, prompt: p.prompt, length: p.length, temperature: p.temperature, seed: p.seed });
}

async function tokenize(p) {
  vocabLoaded = vocabLoaded || fetch(VOCAB).then(async (response) => {
    if (!response.ok) throw new Error(`the vocabulary could not be fetched (HTTP ${response.status})`);
    page.tokenizer_load(await response.text());    // a direct call: the text is not wrapped in JSON
  });
  vocabLoaded.catch(() => { vocabLoaded = null; });   // a failed fetch is tried again next time
  await vocabLoaded;
  return call("tokenize", { text: p.text });
}

async function handle({ id, type, payload }) {
  const report = (progress, stage) => postMessage({ id, progress, stage });
  if (type === "init") {
    booting = booting || boot(report);
    return { version: await booting };
  }
  if (!page) await (booting = booting || boot(() => {}));
  stopIfCancelled(id);
  if (type === "call") {
    if (payload.arrays) hold(payload.kwargs.dist, payload.arrays);
    return call(payload.fn, payload.kwargs);
  }
  if (type === "ngram") return ngram(id, payload);
  if (type === "tokenize") return tokenize(payload);
  throw new Error(`unknown message type ${type}`);
}

// One widget's requests in the order sent: each waits for that widget's previous one to settle.
function queued(message) {
  const widget = message.payload && message.payload.widget;
  if (widget === undefined) return handle(message);
  const previous = queues.get(widget) || Promise.resolve();
  const mine = previous.catch(() => {}).then(() => handle(message));
  queues.set(widget, mine);
  mine.catch(() => {}).then(() => { if (queues.get(widget) === mine) queues.delete(widget); });
  return mine;
}

self.onmessage = async (event) => {
  const { id, type, payload } = event.data;
  if (type === "cancel") {
    cancelled.add(payload.target);
    return;
  }
  try {
    postMessage({ id, result: await queued(event.data) });
  } catch (err) {
    // Python errors arrive as PythonError: keep the last line, the one that says what happened.
    const text = String((err && err.message) || err).trim().split("\n").filter(Boolean);
    postMessage({ id, error: text.slice(-1)[0] || "error" });
  }
};
