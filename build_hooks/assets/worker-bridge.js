// The page's one Python worker (deck-worker.mjs: Pyodide and the demos package), shared by every
// widget. One message shape, as in quarto-live: the page posts {id, type, payload}; the worker
// answers {id, result} or {id, error}, and may send {id, progress, stage} before that.
// A request that runs past its time limit (an endless loop in code a reader edited) ends the
// worker; every pending request then fails with a message saying so, and a fresh worker starts.
// widgets.js (the widgets) and live.js (the live model's sampler) both talk to Python through it.
(function () {
  "use strict";

  const SCRIPT = document.currentScript;
  const BASE = new URL(".", SCRIPT ? SCRIPT.src : location.href);   // assets/deck/, at any page depth
  const CALL_TIME_LIMIT = 120000;     // ms for a request (a 5 MB corpus trains in seconds)

  const bridge = {
    worker: null, ready: null, state: "idle", nextId: 1, pending: new Map(), boots: 0,

    start() {
      if (this.ready) return this.ready;
      this.setState("loading", "Loading Python (Pyodide, about 6 MB)…");
      this.ready = this.spawn().then(
        (info) => { this.setState("ready", `Live: Python ${info.version} in your browser.`); return true; },
        (err) => {
          this.setState("error", `Live demo unavailable (${err.message}). The figures show the static preview.`);
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

    async call(type, payload, options) {
      await this.start();
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

    // Whoever shows the worker's state (widgets.js: every widget's status line) listens here.
    listeners: new Set(),
    setState(state, message) {
      this.state = state;
      for (const listener of this.listeners) listener(state, message);
    },
  };

  window.deckBridge = bridge;
})();
