// The page's one Python worker (deck-worker.mjs: Pyodide and the demos package), shared by every
// widget. One message shape, as in quarto-live: the page posts {id, type, payload}; the worker
// answers {id, result} or {id, error}, and may send {id, progress, stage} before that.
// A request that runs past its time limit (an endless loop in code a reader edited) ends the
// worker; every pending request then fails with a message saying so, and a fresh worker starts.
// widgets.js (the widgets) and live.js (the live model's sampler) both talk to Python through it.
import { preview } from "./preview.js";

const BASE = new URL(".", import.meta.url);   // assets/deck/, at any page depth
const CALL_TIME_LIMIT = 120000;     // ms for a request (a 5 MB corpus trains in seconds)

export const bridge = {
  worker: null, ready: null, state: "idle", nextId: 1, pending: new Map(), boots: 0, newest: new Map(),

  start() {
    if (this.ready) return this.ready;
    // A preview in the speaker view (mirror.js) shows the audience window's widgets: no Python here.
    if (preview) return (this.ready = new Promise(() => {}));
    this.setState("loading", "Loading Python (Pyodide, about 6 MB)…");
    this.ready = this.spawn().then(
      (info) => { this.setState("ready", `Live: Python ${info.version} in your browser.`); return true; },
      (err) => {
        this.setState("error", `Live demo unavailable (${this.plain(err)}). The figures show the static preview.`);
        throw err;
      });
    this.ready.catch(() => {});
    return this.ready;
  },

  spawn() {
    this.boots += 1;
    try {
      this.worker = new Worker(new URL("deck-worker.mjs", BASE), { type: "module" });
    } catch (err) {
      return Promise.reject(new Error("this browser can't start a module worker"));
    }
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(new Error(event.message || "the Python worker failed to start"));
    };
    const onProgress = (p, stage) => this.setState("loading", `Loading Python: ${stage}… ${Math.round(p * 100)}%`);
    return this.send("init", {}, { timeout: CALL_TIME_LIMIT, onProgress });
  },

  receive({ id, result, error, progress, stage }) {
    const job = this.pending.get(id);
    if (!job) return;
    if (progress !== undefined) { if (job.onProgress) job.onProgress(progress, stage); return; }
    this.pending.delete(id);
    clearTimeout(job.timer);
    if (error !== undefined) job.reject(new Error(error)); else job.resolve(result);
  },

  failAll(err) {
    for (const job of this.pending.values()) { clearTimeout(job.timer); job.reject(err); }
    this.pending.clear();
  },

  send(type, payload, { timeout = CALL_TIME_LIMIT, onProgress = null } = {}) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.restart(id, timeout), timeout);
      this.pending.set(id, { resolve, reject, timer, onProgress });
    });
    promise.id = id;
    this.worker.postMessage({ id, type, payload });
    return promise;
  },

  // payload.latest (optional) names a stream where only the newest request counts: one that is
  // still waiting for Python to start when a newer one under the same name arrives is dropped
  // (it fails with "superseded") rather than computed for a prompt nobody looks at any more.
  async call(type, payload, options) {
    const key = payload && payload.latest;
    if (key) this.newest.set(key, payload);
    await this.start();
    if (key && this.newest.get(key) !== payload) throw new Error("superseded");
    return this.send(type, payload, options);
  },

  cancel(target) {
    if (this.worker) this.worker.postMessage({ id: this.nextId++, type: "cancel", payload: { target } });
  },

  // A request ran past its time limit (an endless loop in edited code): end the worker and
  // start a fresh one. Every pending request fails with a message saying so.
  restart(id, timeout) {
    const job = this.pending.get(id);
    if (!job) return;
    this.worker.terminate();
    this.failAll(new Error(`stopped after ${timeout / 1000} s (an endless loop?); Python restarted`));
    this.ready = null;
    this.start();
  },

  // A failure in words a reader understands. The deck's own messages ("stopped after 5 s", a
  // demo's ValueError) are sentences already and pass through; what the browser or an engine
  // throws ("undefined is not an object (evaluating ...)", "Failed to fetch") is replaced by what
  // it means for the reader. The original goes to the console.
  plain(err) {
    const text = String((err && err.message) || err || "");
    const python = text.match(/^(\w+(?:Error|Exception)): (.+)$/s);     // a Python exception's last line
    const native = (err && err.name && err.name !== "Error") || /^\w*Error: /.test(text)
      || /undefined is not|null is not|is not a function|is not defined|can't access property|Cannot read prop/i.test(text);
    if (python && python[1] === "ValueError") return python[2];
    if (!native && !python) return text;
    console.error("deck:", err);
    if (/memory|allocat/i.test(text)) return "this browser could not give it the memory it needs; close other tabs and try again";
    if (/fetch|network|load failed|download/i.test(text)) return "a file of this site could not be downloaded; check the connection and reload the page";
    if (/quota|storage|SecurityError/i.test(text)) return "this browser refused to store it (private window, or storage full)";
    return "this browser ran into a problem the page did not expect (details in the browser's console)";
  },

  // Whoever shows the worker's state (widgets.js: every widget's status line) listens here.
  listeners: new Set(),
  setState(state, message) {
    this.state = state;
    for (const listener of this.listeners) listener(state, message);
  },
};

// The page's window surface (README, "The page's scripts"): the preflight (check.js) starts Python
// in its frame of the talk through it, and tests ask it.
window.deckBridge = bridge;
