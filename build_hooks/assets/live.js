// The live model on the page: the reader's opt-in (the Load button and its panel, on any widget),
// the deck's sampler in Python for the engine's numbers (python()), the `sampling` widget's live
// mode, and a presenter's warm-up. The engine itself: live-engine.js; the `demo live` widget:
// live-widget.js; Generate: live-generate.js. Model and reader strings are only ever set with
// textContent, never as HTML.
import { bridge, widgets } from "./widgets.js";
import * as threads from "./threads.js";
import { preview } from "./preview.js";
import { engine, canKeep, remembered } from "./live-engine.js";

// How many of the most likely tokens one exact draw needs (-1: all). Only a transfer size:
// Python still applies the whole sampler to what it gets. The top 5 are shown on hover;
// T = 0 takes the first token and top-k keeps the first k, so neither needs more than that.
export function needed({ temperature, top_k }) {
  if (temperature === 0) return 5;
  return top_k > 0 ? Math.max(top_k, 5) : -1;
}

// The deck's sampler, in Python (demos/live.py via the page's Pyodide worker, worker-bridge.js).
// `latest` (optional) names a stream of requests where only the newest counts: the bridge drops
// an older one still waiting for Python (it fails with "superseded") instead of computing it.
// `dist` (optional): an engine distribution the call works on. Its arrays cross to the worker
// with the first call that needs them (one message, copied as typed arrays, no JSON); later
// calls name it by its key. A worker that no longer holds it (restarted, or it made room) says
// so, and the arrays go again.
let distKeys = 0;
export async function python(fn, kwargs, latest, dist) {
  const ask = (send) => {
    const payload = { fn, kwargs: dist ? { ...kwargs, dist: dist.key } : kwargs };
    if (latest) payload.latest = latest;
    if (send) payload.arrays = { ids: dist.ids, probs: dist.probs, ranked: dist.ranked, total: dist.total };
    return bridge.call("call", payload);
  };
  if (!dist) return ask(false);
  const fresh = !dist.key;
  if (fresh) dist.key = `d${++distKeys}`;
  try {
    return await ask(fresh);
  } catch (err) {
    if (!/no longer held/.test(String(err.message))) throw err;
    return ask(true);
  }
}

// ------------------------------------------------------------------ threads (threads.js)

// The reader's opt-in (Load, or ?live=1): the first time, the page may reload once to become
// cross-origin isolated (threads.js), and the model loads right after that reload; otherwise here.
export function optIn() {
  if (engine.loading || engine.obstacle() || preview) {
    return engine.load();
  }
  engine.set("loading", "Getting threads ready for the model: the page reloads once…", 0);
  return threads.prepare().then((reloading) => (reloading ? new Promise(() => {}) : engine.load()));
}

// ------------------------------------------------------------------ the opt-in panel (any widget)

export class OptIn {
  constructor(root) {
    this.root = root;
    this.button = root.querySelector('button[name="load"]');
    this.bar = root.querySelector(".demo-live-progress");
    this.msg = root.querySelector(".demo-live-msg");
    if (this.button) this.button.addEventListener("click", () => optIn().catch(() => {}));
    if (this.button && engine.config && engine.config.bytes && !canKeep()) {     // "once, then cached" is untrue here
      this.button.textContent = `Load the real model: ${Math.round(engine.config.bytes / 1e6)} MB, each visit `
        + "(this browser cannot keep it)";
    }
    engine.views.add(this);
    this.show();
  }

  show() {
    const s = engine.state;
    this.root.dataset.liveState = s;
    if (this.button) {
      this.button.hidden = s === "live" || s === "unavailable" || (s === "off" && !!engine.obstacle());
      this.button.disabled = s === "loading";
    }
    if (this.bar) { this.bar.hidden = s !== "loading"; this.bar.value = engine.progress; }
    if (this.msg) this.msg.textContent = s === "off" ? (engine.obstacle() || "") : engine.message;
    if (s === "live") {      // controls that only make sense with the real model (an editable prompt)
      for (const node of this.root.querySelectorAll(".demo-live-only, .demo-live-only [hidden]")) node.hidden = false;
    }
    if (s === "live" && this.onLive && !this.woke) { this.woke = true; this.onLive(); }
  }
}

// ------------------------------------------------------------------ the sampling widget, live

// Once the model is live, a `sampling` widget shows the true distribution over the whole
// vocabulary for its (editable) prompt; widgets.js asks us through deckLive.samplingRows().
export async function samplingRows(widget, { temperature, top_k, top_p, min_p = 0 }) {
  const prompt = widget.root.querySelector('[name="prompt"]').value;
  if (!widget.live || widget.live.prompt !== prompt) widget.live = { prompt, dist: await engine.distribution(prompt) };
  const dist = widget.live.dist;      // a slider moved: same prompt, same distribution
  const top = widget.data.candidates.length;
  const out = await python("live_rows", { temperature, top_k, top_p, top, min_p }, null, dist);
  const labels = await engine.labels(out.rows.map((r) => r.id));
  return {
    rows: out.rows.map((r, k) => ({ id: r.id, label: labels[k], kept: r.kept, prob: r.after, tempered: r.prob })),
    rest: out.rest, rest_after: out.rest_after, dist,
    entropy: out.entropy, entropy_after: out.entropy_after, removed: out.removed,   // sampling-widget.js's numbers line
  };
}

// n seeded draws from the live distribution (each its own random stream: seed, draw number).
export async function samplingDraws(widget, { temperature, top_k, top_p, n, seed, min_p = 0 }) {
  const prompt = widget.root.querySelector('[name="prompt"]').value;
  const dist = await engine.distribution(prompt, needed({ temperature, top_k }));
  const draws = [];
  for (let step = 0; step < n; step++) {
    draws.push(await python("live_draw", { temperature, top_k, top_p, seed, step, min_p }, null, dist));
  }
  const labels = await engine.labels(draws.map((d) => d.id));
  return draws.map((d, k) => ({ label: labels[k], u: d.u }));
}

// A Pyodide widget (sampling) with an opt-in panel: once live, redraw it from the real model,
// and let the reader edit its prompt.
function wakeOnLive(root) {
  const optin = new OptIn(root);
  const widget = () => widgets.find((w) => w.root === root);
  const redraw = () => {
    const w = widget();
    if (!w) return;
    w.touched = true;
    bridge.start().then(() => w.schedule(), () => {});
  };
  // A `demo live` widget on the page draws first: Python's boot would compete with it for the CPU.
  const first = document.querySelector('.demo[data-demo="live"]');
  const whenFirstShown = () => (first ? new Promise((resolve) => {
    first.addEventListener("live-distribution", resolve, { once: true });
    first.addEventListener("live-redraw", resolve, { once: true });
  }) : Promise.resolve());
  optin.onLive = () => whenFirstShown().then(redraw);
  const prompt = root.querySelector('textarea[name="prompt"]');
  let timer = null;
  if (prompt) prompt.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(redraw, 250); });
}

document.addEventListener("deck-warmup", (event) => {
  const slide = event.target;
  if (engine.state !== "off" || !slide.querySelector) return;
  if (!slide.querySelector('.demo[data-demo="live"], .demo-live-optin')) return;
  if (remembered() && !engine.obstacle()) engine.load().catch(() => {});
});

// ------------------------------------------------------------------ start

function init() {
  const holder = document.querySelector("script.demo-live-config");
  engine.config = holder ? JSON.parse(holder.textContent) : null;
  for (const root of document.querySelectorAll('.demo[data-demo]:not([data-demo="live"]) .demo-live-optin')) {
    const widget = root.closest(".demo");
    if (!widget.dataset.liveBound) { widget.dataset.liveBound = "1"; wakeOnLive(widget); }
  }
  // ?live=1 in the URL loads the model at once (a presenter's way to be ready before the talk), as
  // does the reload that made the page cross-origin isolated right after the reader pressed Load.
  const resumed = threads.resume();
  if ((resumed || /[?&]live=1\b/.test(location.search)) && engine.config) optIn().catch(() => {});
}

// The page's window surface (README, "The page's scripts"): tests and the preflight (check.js)
// ask the engine; live-widget.js adds `widgets`, live-generate.js `generate` and `speed`.
window.deckLive = { engine, OptIn, python, needed, samplingRows, samplingDraws };
init();            // a module runs once the document is parsed: every widget is there
