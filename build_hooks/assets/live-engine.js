// The live model's engine: llama.cpp compiled to WebAssembly (wllama, MIT) runs the deck's own GGUF
// in the reader's browser. Opt-in and shared: ONE engine per page, for every widget on it (and for
// the whole-talk present page). Nothing of it is fetched until the reader presses "Load the real
// model" (or opens the page with ?live=1). Inference runs in wllama's own Web Worker; the model's
// shards come from this site and are cached in the browser (OPFS), so a second visit fetches none.
//
// The numbers: the engine gives the model's probability for EVERY token of the vocabulary; the
// deck's one definition of sampling (demos/sampling.py, through demos/live.py) runs in the Pyodide
// worker (live.js's python()). No sampler is written in JavaScript. Model and reader strings are
// only ever set with textContent, never as HTML.
import { bridge } from "./worker-bridge.js";
import * as threads from "./threads.js";
import { preview } from "./preview.js";
import { pieceLabel, pieceText } from "./vocabulary.js";
import { glueLogits } from "./live-glue.js";

const ASSETS = new URL("../", import.meta.url);   // the site's assets/
const N_CTX = 1024;
const PROMPT_MAX = N_CTX - 64;       // room left for Generate's tokens after the prompt
const CHUNK = 64;                    // prompt tokens read per step: progress and supersede between steps
// Starting the model takes a second or two once its bytes are here (longer on a slow phone). Past
// this, the reader is told in words instead of watching "98 of 98 MB" forever: Firefox has been
// seen to stall there, rarely, with no error to catch (storage or threads; the cause is not known).
const STALL_MS = 60_000;
export const modelKey = (model) => new URL(model, ASSETS).href;    // a model's first shard, as an absolute URL
// wllama keeps the model in the origin-private file system (OPFS). Safari's engine (WebKit) has
// none, nor do private windows in some browsers: there the model loads uncached, every visit.
export const canKeep = () => !!(navigator.storage && typeof navigator.storage.getDirectory === "function");
const plain = (err) => bridge.plain(err);

// ------------------------------------------------------------------ the shared engine

export const engine = {
  state: "off", message: "", config: null, wllama: null, loading: null, queue: Promise.resolve(),
  held: [], ctx: 0,                       // the tokens in llama.cpp's context, and that context's name
  pieces: new Map(), views: new Set(), progress: 0,

  set(state, message, progress) {
    this.state = state; this.message = message;
    if (progress !== undefined) this.progress = progress;
    for (const view of this.views) view.show();
  },

  // Why the model cannot run here, in words (null if it can).
  obstacle() {
    const c = this.config;
    if (!c) return "This page has no live model.";
    if (c.status !== "ready") return c.message;
    if (typeof WebAssembly !== "object") return "This browser cannot run WebAssembly, so the real model cannot run here: the numbers shown are the build's.";
    if (typeof Worker !== "function") return "This browser cannot start a Web Worker, so the real model cannot run here.";
    return null;
  },

  load() {
    if (this.loading) return this.loading;
    // A preview in the speaker view (mirror.js) shows the audience window's widgets: no model here.
    if (preview) return (this.loading = new Promise(() => {}));
    const why = this.obstacle();
    if (why) { this.set("unavailable", why); return Promise.reject(new Error(why)); }
    const mb = Math.round(this.config.bytes / 1e6);
    this.set("loading", `Loading the real model (${mb} MB)…`, 0);
    this.loading = this.start(mb).then(
      () => { remember(this.config.model);
              this.set("live", `Live: ${this.config.name} runs in your browser (llama.cpp, WebAssembly, ${threads.said(this.threads)}).`
                + (this.cached ? "" : ` ${this.uncached(mb)}`), 1); },
      (err) => {
        console.error("live model:", err);      // the details, for whoever opens the console
        const why = /memory|allocat/i.test(String(err.message || err))
          ? "this browser could not give it the memory it needs, about 0.5 GB; close other tabs and try again"
          : plain(err);
        this.set("error", `The real model did not load (${why}). The numbers shown are the build's.`);
        this.loading = null;
        throw err;
      });
    this.loading.catch(() => {});
    return this.loading;
  },

  async start(mb) {
    const base = new URL(this.config.engine, ASSETS);
    const { Wllama } = await import(new URL("index.js", base).href);
    const quiet = { debug() {}, log() {}, warn() {}, error: (...a) => console.error(...a) };
    this.wllama = new Wllama({
      "single-thread/wllama.wasm": new URL("single-thread/wllama.wasm", base).href,
      "multi-thread/wllama.wasm": new URL("multi-thread/wllama.wasm", base).href,
    }, { suppressNativeLog: true, logger: quiet, allowOffline: true, parallelDownloads: 3 });
    // Threads need a cross-origin isolated page (threads.js: the site's service worker, after opt-in).
    this.threads = threads.wanted();
    const url = new URL(this.config.model, ASSETS).href;
    let stalled = null;
    const progressCallback = ({ loaded, total }) => {
      const p = total ? loaded / total : 0;
      this.set("loading", `Loading the real model: ${Math.round(loaded / 1e6)} of ${mb} MB…`
        + (this.cached ? "" : ` ${this.uncached(mb)}`), p);
      if (p >= 1 && !stalled) stalled = setTimeout(() => this.set("loading", `The model is downloaded but has not `
        + `started after ${STALL_MS / 1000} s. This browser may be stuck: reload the page to try again.`), STALL_MS);
    };
    try {
      await this.wllama.loadModel(await this.files(url, progressCallback), {
        n_ctx: N_CTX, n_batch: 512, n_threads: this.threads, seed: 0,
      });
    } finally {
      clearTimeout(stalled);
    }
    this.threads = this.wllama.getNumThreads();     // what wllama runs on (1 if its threads build cannot start)
    this.addBos = this.wllama.mustAddBosToken();
    this.bos = this.wllama.getBOS();
    if (this.cached) setTimeout(() => this.forgetOldModels().catch(() => {}), 5000);   // housekeeping, later
  },

  // The model's shards as Blobs: from the browser's cache (downloaded into it the first time), or,
  // where the browser has no such storage or it fails (full, refused), straight from the site.
  async files(url, progressCallback) {
    this.cached = canKeep();
    if (this.cached) {
      try {
        const model = await this.wllama.modelManager.getModelOrDownload(url, { progressCallback });
        return await model.open();
      } catch (err) {
        console.warn("live model: the browser's storage failed; loading without it:", err);
        this.cached = false;
      }
    }
    const shard = url.match(/-(\d{5})-of-(\d{5})\.gguf$/);
    const urls = shard ? Array.from({ length: Number(shard[2]) },
      (_, k) => url.replace(/-\d{5}-of-/, `-${String(k + 1).padStart(5, "0")}-of-`)) : [url];
    const loaded = urls.map(() => 0);
    const total = this.config.bytes;
    return Promise.all(urls.map(async (u, k) => {
      const response = await fetch(u);
      if (!response.ok) throw new Error(`download failed: HTTP ${response.status} for ${u}`);
      const reader = response.body.getReader(), parts = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        loaded[k] += value.byteLength;
        progressCallback({ loaded: loaded.reduce((a, b) => a + b, 0), total });
      }
      return new Blob(parts);
    }));
  },

  uncached(mb) {
    return `This browser cannot keep the model between visits, so it loads it each time (${mb} MB).`;
  },

  // Shard names carry the model's SHA-256: a rebuilt deck with another model leaves the old
  // shards in the browser's cache. Drop those (this site's assets/live/ only: other sites on
  // the same origin, e.g. other GitHub Pages projects, keep theirs).
  async forgetOldModels() {
    const folder = new URL("live/", ASSETS).href;
    const current = modelKey(this.config.model).replace(/-\d{5}-of-(\d{5})\.gguf$/, "");
    await this.wllama.cacheManager.deleteMany((entry) => {
      const url = entry.metadata.originalURL || "";
      return url.startsWith(folder) && !url.startsWith(current + "-");
    });
  },

  // One engine call at a time (llama.cpp has one context): calls wait their turn.
  run(task) {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  },

  // The model's next-token distribution after `prompt`: {ids, probs, n}, most likely first; the
  // whole vocabulary unless `top` (> 0) asks for the first `top` tokens only. The prompt is read
  // CHUNK tokens at a time: `progress(read, total)` after each chunk, and `stale()` is asked
  // before each: once a newer prompt has superseded this one, it stops with a "superseded" error
  // (err.superseded), so the newest prompt's numbers come first, however long the old one was.
  distribution(prompt, top = -1, { stale = () => false, progress = null } = {}) {
    const superseded = () => Object.assign(new Error("superseded by a newer prompt"), { superseded: true });
    return this.run(async () => {
      if (stale()) throw superseded();
      let tokens = await this.wllama.tokenize(prompt, false);
      if (this.addBos && this.bos >= 0) tokens = [this.bos, ...tokens];
      if (!tokens.length) throw new Error("type a prompt first");
      if (tokens.length > PROMPT_MAX) {
        throw new Error(`this prompt is ${tokens.length.toLocaleString("en")} tokens, over the ${PROMPT_MAX} the ` +
          `model's context (${N_CTX} tokens here) leaves for a prompt: shorten it by ` +
          `${(tokens.length - PROMPT_MAX).toLocaleString("en")} tokens`);
      }
      await this.read(tokens, {
        before: (at) => { if (at && stale()) throw superseded(); },
        after: (read) => progress && progress(read, tokens.length),
      });
      return { ...(await this.logits(top)), n: tokens.length, ctx: this.ctx, tokens: this.held };
    });
  },

  // Read `tokens` into a fresh context, CHUNK at a time, and give that context a new name (ctx).
  // Call inside run(). before(at) may throw to stop; after(read) reports progress.
  async read(tokens, { before = () => {}, after = () => {} } = {}) {
    await this.wllama.kvClear();
    this.held = [];
    this.ctx += 1;                         // whatever held the old context no longer has it
    for (let at = 0; at < tokens.length; at += CHUNK) {
      before(at);
      await this.wllama.decode(tokens.slice(at, at + CHUNK), { skipLogits: at + CHUNK < tokens.length });
      after(Math.min(at + CHUNK, tokens.length));
    }
    this.held = tokens.slice();
  },

  // Append one token to the context `from` (a distribution this engine gave) holds, and return the
  // next distribution.
  extend(id, top = -1, from = null) {
    return this.extendAll([id], top, from);
  },

  // Append several tokens at once (a generation's prefix) and return the distribution after them.
  // Each call is its own turn, so another widget may have read its own prompt since `from` was
  // computed (a reader typing while Generate runs): then `from`'s tokens are read again first, and
  // a generation never continues from someone else's text. Without `from`: the current context.
  extendAll(ids, top = -1, from = null) {
    return this.run(async () => {
      if (from && from.ctx !== this.ctx) {
        await this.read([...from.tokens, ...ids]);
      } else {
        for (let at = 0; at < ids.length; at += CHUNK) {
          await this.wllama.decode(ids.slice(at, at + CHUNK), { skipLogits: at + CHUNK < ids.length });
        }
        this.held = this.held.concat(ids);
        this.ctx += 1;
      }
      return { ...(await this.logits(top)), ctx: this.ctx, tokens: this.held };
    });
  },

  // The distribution as two typed arrays (most likely first): they cross to the Python worker
  // once, as they are (python() below), and every draw from them names them by a key. wllama's
  // getLogits() would wrap each of the 49,152 tokens in an object first: its answer is read
  // directly (glueLogits below; its action, or getLogits(), where that is missing).
  // `ranked` and `total` spare Python two passes over all 49,152 numbers per token (demos/quick.py):
  // wllama sorts by logit, so the probabilities come most likely first (checked here all the
  // same, in the pass that sums them).
  async logits(top = -1) {
    const w = this.wllama;
    let dist = await glueLogits(w, top);
    if (!dist && w.proxy && typeof w.proxy.wllamaAction === "function") {
      const out = await w.proxy.wllamaAction("get_logits", { _name: "glog_req", top_k: top });
      dist = { ids: Int32Array.from(out.tokens), probs: Float32Array.from(out.probs) };
    } else if (!dist) {
      const all = await w.getLogits(top);
      dist = { ids: Int32Array.from(all, (t) => t.token), probs: Float32Array.from(all, (t) => t.p) };
    }
    const p = dist.probs;
    let total = 0, ranked = true;
    for (let i = 0; i < p.length; i++) {
      total += p[i];
      if (i && p[i] > p[i - 1]) ranked = false;
    }
    return { ...dist, ranked, total };
  },

  // Tokens as the deck shows them (vocabulary.js): labels(ids) for tables and chips, texts(ids)
  // for running text; bytes that are not whole UTF-8 characters read as hex in both.
  async labels(ids) {
    return (await this.piecesOf(ids)).map((bytes) => pieceLabel(bytes));
  },
  async texts(ids) {
    return (await this.piecesOf(ids)).map((bytes) => pieceText(bytes));
  },
  async piecesOf(ids) {
    const missing = [...new Set(ids.filter((id) => !this.pieces.has(id)))];
    if (missing.length) {
      await this.run(async () => {
        for (const id of missing) this.pieces.set(id, await this.wllama.detokenize([id]));
      });
    }
    return ids.map((id) => this.pieces.get(id));
  },
};

// ------------------------------------------------------------------ a presenter's opt-in, remembered

// Once this browser has loaded this model (on any page of the site), present mode loads it again
// ahead of the first slide that needs it: present.js sends `deck-warmup` from the slide after the
// one shown, so the widget is live when its slide appears, and the model comes from the browser's
// cache. Only this model (its shards' names carry its SHA-256): a rebuilt deck with another model
// waits for a click again. A reader who never opted in fetches nothing; the reading view has no
// warm-up at all. Forget it: clear the site's data in the browser.
const REMEMBER = "deck-live-model";
function remember(model) {
  try { localStorage.setItem(REMEMBER, modelKey(model)); } catch (err) { /* private mode: no memory */ }
}
export function remembered() {
  try { return !!engine.config && localStorage.getItem(REMEMBER) === modelKey(engine.config.model); }
  catch (err) { return false; }
}
