// Live demos: wake up the static `demo` widgets with Python running in a Web Worker.
//
// Every widget (<div class="demo" data-demo="NAME" data-state="static">) arrives with a static
// render made at build time. Nothing is fetched until a reader touches a widget (or, in present
// mode, the slide before a widget's slide is shown); then ONE module worker per page loads Pyodide and the demos package,
// every widget shares it, and data-state goes loading -> ready (or error: the static render stays).
// Every request names its widget (payload.widget): the worker keeps each widget's state apart.
// Model and reader strings are only ever set with textContent, never as HTML.
import { bridge } from "./worker-bridge.js";
import { fixed, label, percent, hue } from "./vocabulary.js";   // the deck's one rule for each

export { bridge, percent, hue };
export const INF_STOP = 5.05;              // the temperature slider's last stop means infinity

// ------------------------------------------------------------------ the shared worker

// worker-bridge.js owns the worker; every widget shows its state.
bridge.listeners.add((state, message) => { for (const widget of widgets) widget.setState(state, message); });

// ------------------------------------------------------------------ DOM helpers (text only)

export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Redraw bars in place when the tokens are the same ones (a slider moved): only numbers, widths
// and colours change, so the browser re-lays out as little as possible.
export function drawBars(list, rows) {
  const old = list.children;
  const same = old.length === rows.length && rows.every((r, i) => old[i].dataset.id === String(r.id));
  if (!same) {
    list.replaceChildren(...rows.map((r) => {
      const li = el("li", { class: "demo-bar", "data-id": String(r.id) });
      const track = el("span", { class: "demo-track" });
      track.append(el("span", { class: "demo-fill" }));
      li.append(el("span", { class: "demo-label" }, r.label), track, el("span", { class: "demo-num" }));
      return li;
    }));
  }
  rows.forEach((r, i) => {
    const li = old[i];
    li.dataset.kept = String(r.kept !== false);
    li.style.setProperty("--p", fixed(r.prob, 4));
    li.style.setProperty("--hue", String(hue(r.prob)));
    li.lastChild.textContent = r.kept === false ? `cut (${percent(r.tempered)})` : percent(r.prob);
  });
}

// ------------------------------------------------------------------ one widget

export class Widget {
  constructor(root, key) {
    this.root = root;
    this.key = key;            // this widget's id in every request to the worker
    this.kind = root.dataset.demo;
    const data = root.querySelector("script.demo-data");
    this.data = data ? JSON.parse(data.textContent) : {};
    this.status = root.querySelector(".demo-status");
    this.busy = false;
    this.again = false;
    this.bindOutputs();
    this.touched = false;      // the reader used this widget (before Python was ready, maybe)
    const wake = () => { this.touched = true; return bridge.start(); };
    // Not on pointerdown: waking changes the status line, and a button that moves between a press
    // and its release gets no click (the click goes to what holds both points): a reader's first
    // press of "llama.cpp's defaults" or "Sample 8" would be lost.
    for (const type of ["keydown", "input", "change", "click"]) {
      root.addEventListener(type, wake, { passive: true });
    }
    root.addEventListener("input", (event) => this.onInput(event));   // sliders, fields, select
    root.addEventListener("click", (event) => this.onClick(event));
    // A control moved before this module ran (modules run once the page is parsed: a slow phone, a
    // long page) or restored by the browser on a reload (Firefox keeps form values) no longer matches
    // the build's render beside it: that counts as a touch, and Python redraws with it once ready.
    if (this.movedEarly()) wake();
  }

  movedEarly() {
    return [...this.root.querySelectorAll("input, textarea, select")].some((c) =>
      c.tagName === "SELECT" ? [...c.options].some((o) => o.selected !== o.defaultSelected)
        : c.type === "checkbox" || c.type === "radio" ? c.checked !== c.defaultChecked
          : c.value !== c.defaultValue);
  }

  control(name) { return this.root.querySelector(`[name="${name}"]`); }
  value(name) { const c = this.control(name); return c ? c.value : undefined; }
  number(name) { return Number(this.value(name)); }

  temperature() {
    const t = this.number("temperature");
    return t >= INF_STOP ? "inf" : t;
  }

  // Each range input's <output> shows its value (∞ at the temperature slider's last stop).
  bindOutputs() {
    for (const input of this.root.querySelectorAll('input[type="range"]')) {
      const out = input.parentElement.querySelector("output");
      if (!out) continue;
      const show = () => {
        const v = Number(input.value);
        out.textContent = input.name === "temperature" && v >= INF_STOP ? "∞"
          : (input.name === "top_k" || input.name === "min_p") && v === 0 ? "off" : String(v);
      };
      input.addEventListener("input", show);
      show();
    }
  }

  setState(state, message) {
    this.root.dataset.state = state;
    if (this.status) this.status.textContent = message;
    // The first time Python is ready, redraw the widgets the reader touched (the others still
    // show their build-time render of the same settings). Not after a restart: that would run a
    // runaway edit again.
    if (state === "ready" && bridge.boots === 1 && this.touched) this.schedule();
  }

  setStatus(message) { if (this.status) this.status.textContent = message; }

  // Ask the worker, on behalf of this widget: {id, type, payload: {widget, ...}}.
  ask(type, payload, options) { return bridge.call(type, { widget: this.key, ...payload }, options); }

  onInput(event) {
    const name = event.target.name;
    // a big text waits for its button; the tokenizer's textarea retokenizes as you type
    if (!name || (event.target.tagName === "TEXTAREA" && this.kind !== "tokenizer")) return;
    if (!(this.kind === "sampling" && name === "seed")) this.schedule();   // the seed only affects "sample"
  }

  onClick(event) {
    const name = event.target.name;
    if (event.target.tagName !== "BUTTON") return;
    if (name === "cancel" && this.job) { bridge.cancel(this.job); return; }
    const own = this[`click_${name}`];      // a button of a widget's own (sampling-widget.js: sample, draw, preset)
    if (own) own.call(this, event);
    else this.schedule();
  }

  // Coalesce: one request in flight per widget; the latest settings run when it returns.
  schedule() {
    if (bridge.state !== "ready") return;     // setState("ready") redraws with current settings
    if (this.busy) { this.again = true; return; }
    this.run(() => this.update());
  }

  // data-busy is on while Python works for this widget (tests and benchmarks wait on it).
  async run(task) {
    this.busy = true;
    this.root.dataset.busy = "true";
    try { await task(); } catch (err) { this.showError(err); }
    this.busy = false;
    if (this.again) { this.again = false; this.schedule(); }
    if (!this.busy) delete this.root.dataset.busy;
  }

  async update() {
    const t0 = performance.now();
    try {
      await this[`update_${this.kind}`]();
      this.announce();
      this.root.dispatchEvent(new CustomEvent("demo-redraw", { detail: { ms: performance.now() - t0 } }));
    } catch (err) {
      this.showError(err);
    }
  }

  // The status line is a live region (role="status"): say what the result is now, so a reader
  // who moved a slider with the keyboard hears it without leaving the control.
  announce() {
    // the token bars only: the "all other tokens" row is not one token
    const kept = this.root.querySelectorAll('.demo-output .demo-bar[data-kept="true"]:not(.demo-rest)');
    const all = this.root.querySelectorAll(".demo-output .demo-bar:not(.demo-rest)");
    const best = this.root.querySelector('.demo-beams tr[data-kind="beam"]');
    const count = this.root.querySelector(".demo-count");
    let text = "";
    if (kept.length) {
      const top = kept[0];
      text = `${kept.length} of the ${all.length} most likely tokens kept; first: ${top.querySelector(".demo-label").textContent} ` +
             `${top.querySelector(".demo-num").textContent}.`;
    } else if (best) {
      text = `best beam: ${best.querySelector(".demo-beam-text").textContent}, ${best.lastChild.textContent}.`;
    } else if (count) {
      text = `${count.textContent}.`;
    }
    if (text && this.kind !== "ngram") this.setStatus(`Live: ${text}`);   // ngram says its own
  }

  showError(err) {
    const box = this.root.querySelector(".demo-error");
    if (box) { box.hidden = false; box.textContent = bridge.plain(err); }
    else this.setStatus(`Error: ${bridge.plain(err)}`);
  }

  async update_ngram() {
    const payload = {
      widget: this.key, corpus: this.value("corpus"), n: this.number("n"), level: this.value("level"),
      prompt: this.value("prompt") || "", length: this.number("length") || 60,
      temperature: this.temperature(), seed: this.number("seed") || 0,
    };
    const progress = this.root.querySelector(".demo-progress");
    const cancel = this.control("cancel");
    const onProgress = (p) => {
      progress.hidden = false; cancel.hidden = false; progress.value = p;
      this.setStatus(`Training on ${payload.corpus.length.toLocaleString("en")} characters… ${Math.round(p * 100)}%`);
    };
    try {
      await bridge.start();
      const promise = bridge.send("ngram", payload, { onProgress });
      this.job = promise.id;
      const out = await promise;
      this.root.querySelector(".demo-text").textContent = out.text;
      this.root.querySelector(".demo-ctx").textContent = out.context;
      drawBars(this.root.querySelector(".demo-bars"), out.next);
      this.setStatus(`Live: ${out.size.toLocaleString("en")} distinct ${payload.n}-grams.`);
    } catch (err) {
      this.setStatus(err.message === "cancelled" ? "Training cancelled." : `Error: ${bridge.plain(err)}`);
    } finally {
      progress.hidden = true; cancel.hidden = true; this.job = null;
    }
  }

  async update_tokenizer() {
    const tokens = await this.ask("tokenize", { text: this.value("text") });
    const box = this.root.querySelector(".demo-tokens");
    box.dataset.tokenIds = JSON.stringify(tokens.map((t) => t.id));
    box.replaceChildren(...tokens.map((t, k) => {
      const span = el("span", { class: "demo-token", "data-c": String(k % 6) });
      span.append(el("span", { class: "demo-piece" }, t.label), el("span", { class: "demo-id" }, String(t.id)));
      return span;
    }));
    const count = this.root.querySelector(".demo-count");
    if (count) count.textContent = `${tokens.length} tokens`;
  }

  async update_beam() {
    const kwargs = { snapshot: this.data.snapshot, width: this.number("width"),
                     depth: this.number("depth"), seed: this.number("seed") || 0 };
    const result = await this.ask("call", { fn: "beam_rows", kwargs });
    const rows = [...result.beams.map((b) => ["beam", b]), ["greedy", result.greedy], ["sampled", result.sampled]];
    this.root.querySelector(".demo-beams tbody").replaceChildren(...rows.map(([kind, r]) => {
      const tr = el("tr", { "data-kind": kind });
      const shown = label(r.text);
      tr.append(el("th", { scope: "row" }, kind), el("td", { class: "demo-beam-text" }, shown),
        el("td", { class: "demo-num" }, fixed(r.logprob, 2)), el("td", { class: "demo-num" }, percent(r.prob)));
      return tr;
    }));
  }
}

// ------------------------------------------------------------------ start

export const widgets = [];

function init() {
  // `live` widgets belong to live.js (they only borrow this Python worker for the sampler).
  // data-live="off": a widget the build could not make live (say, a tokenizer type the browser
  // tokenizer does not implement) keeps its static render and its own status line.
  for (const root of document.querySelectorAll('.demo[data-demo]:not([data-demo="live"]):not([data-live="off"])')) {
    if (!root.dataset.bound) { root.dataset.bound = "1"; widgets.push(new Widget(root, `w${widgets.length}`)); }
  }
  // A widget's results scroll inside it once they outgrow their room (widgets.css, present.css):
  // a region that scrolls must be reachable with the keyboard, so it becomes a named tab stop
  // exactly while it scrolls (every widget: the live one's too).
  const scrolling = typeof ResizeObserver === "function" && new ResizeObserver((entries) => {
    for (const entry of entries) {
      const target = entry.target.closest(".demo-output");
      const scrolls = target.scrollHeight > target.clientHeight + 1;
      if (scrolls === target.hasAttribute("tabindex")) continue;
      if (scrolls) {
        target.setAttribute("tabindex", "0"); target.setAttribute("role", "region");
        target.setAttribute("aria-label", "Results (scroll for more)");
      } else {
        for (const a of ["tabindex", "role", "aria-label"]) target.removeAttribute(a);
      }
    }
  });
  for (const out of document.querySelectorAll(".demo .demo-output")) {
    if (scrolling && !out.dataset.watched) {
      out.dataset.watched = "1"; scrolling.observe(out);
      for (const child of out.children) scrolling.observe(child);    // content grows inside a fixed box
    }
  }
}

// Present mode: present.js sends `deck-warmup` from the slide shown and from the next one, so
// Python starts one slide ahead and a widget is ready when its slide appears.
document.addEventListener("deck-warmup", (event) => {
  if (event.target.querySelector && event.target.querySelector(".demo[data-demo]")) bridge.start();
});

// The page's window surface (README, "The page's scripts"): the preflight (check.js) runs every
// widget in its frame of the talk, tests ask the bridge, and live.js (a classic script) starts
// Python through it. sampling-widget.js adds the sampling and code widgets' methods.
window.deckDemos = { bridge, widgets };
init();            // a module runs once the document is parsed: every widget is there
