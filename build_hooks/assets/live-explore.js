// The `demo live` widget's explorations of the real model:
//   - branch at any generated token: live-branch.js's Brancher on the widget's generated text,
//     path 1 being each Generate's text under the settings it was generated with;
//   - score a continuation the reader types: the model's probability of each of its tokens
//     after the prompt, and their product (demos/score.py);
//   - draw 1,000 times: how often each token comes up against its probability (demos/draws.py);
//   - the llama.cpp's defaults preset, and each slider's value shown beside it.
// The numbers come from the shared engine (live.js) and the deck's Python (the page's worker).
// Model and reader strings are only ever set with textContent, never as HTML.
import { Brancher, described, evaluate, sampler, tokenize } from "./live-branch.js";
import { widgets } from "./live-widget.js";
import { excerpt } from "./vocabulary.js";
import { bridge, el, INF_STOP, percent } from "./widgets.js";

import { engine } from "./live-engine.js";
import { needed, python } from "./live.js";

// ------------------------------------------------------------------ one widget

class Explorer {
  constructor(widget) {
    this.widget = widget;
    this.root = widget.root;
    this.line = this.root.querySelector(".demo-live-gen");
    this.branches = new Brancher(this.root, this.line, {
      ready: () => true,
      busy: () => this.busy(),
      lock: (on) => { this.widget.control("generate").disabled = on; },
      say: (text) => this.widget.say(text),
      whose: "the model's",
      describe: (n, path) => (n === 1
        ? `Path 1: as generated after ${excerpt(path.prompt)} (${described(path.settings)}, seed ${path.settings.seed}). `
          + "Choose a token to see what else the model could have said there."
        : `Branch ${n}: ${path.label} (from path ${n - 1}; ${described(path.settings)}, seed ${path.settings.seed}).`),
    });
    this.bindOutputs();
    this.root.addEventListener("click", (ev) => this.click(ev), true);
    this.root.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && ev.target.name === "continuation") { ev.preventDefault(); this.score(); }
    });
    this.root.addEventListener("live-generated", () => this.generated());
  }

  part(selector) { return this.root.querySelector(selector); }

  click(ev) {
    const target = ev.target.closest("button");
    if (!target || !this.root.contains(target)) return;
    if (target.name === "generate") this.asked = { ...this.settings(), prompt: this.widget.control("prompt").value };      // what the text is generated with
    else if (target.name === "preset") this.preset(target);
    else if (target.name === "score") this.score();
    else if (target.name === "draws") this.draws();
  }

  settings() {
    const s = this.widget.settings();
    const t = Number(this.widget.control("temperature").value);
    return { ...s, temperature: t >= INF_STOP ? "inf" : t, min_p: Number(this.widget.control("min_p").value),
             seed: Number(this.widget.control("seed").value) || 0,
             length: Number(this.widget.control("length").value) || 20 };
  }

  busy() { return this.widget.generating || !!this.scoring || !!this.drawing || this.branches.working; }

  // ---------------------------------------------------------------- sliders and the preset

  // Each slider's <output> shows its value ("off" for a cut at 0, ∞ at the temperature's last
  // stop), as in widgets.js's widgets; one listener for the four sliders and the preset's moves.
  bindOutputs() {
    const show = (input) => {
      const out = input.type === "range" && input.parentElement.querySelector("output");
      if (!out) return;
      const v = Number(input.value), off = v === 0 && ["top_k", "min_p"].includes(input.name);
      out.textContent = input.name === "temperature" && v >= INF_STOP ? "∞" : off ? "off" : String(v);
    };
    this.root.addEventListener("input", (ev) => show(ev.target));
    this.root.querySelectorAll('input[type="range"]').forEach(show);
  }

  // llama.cpp's defaults: every slider set, then one redraw (the widget takes the newest request).
  preset(button) {
    const values = JSON.parse(button.dataset.preset);
    for (const [name, value] of Object.entries(values)) {
      const input = this.widget.control(name);
      input.value = String(value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  // ---------------------------------------------------------------- branching

  // A new text from Generate: it is path 1, and the branches start again from it.
  generated() {
    const ids = this.line.dataset.tokenIds;
    this.branches.start(ids && this.asked ? { prompt: this.asked.prompt, settings: this.asked, ids: JSON.parse(ids),
                                              label: "as generated" } : null);
    const out = this.line.closest(".demo-output");    // a region that scrolls: the newest text stays in view
    if (out && out.scrollHeight > out.clientHeight) out.scrollTop = out.scrollHeight;
  }

  // ---------------------------------------------------------------- score a continuation

  // Score and Draw never drop a click: the engine takes one call at a time (engine.run), so they
  // may run while Generate or a branch is going (those re-read their own text if the context moved).
  // A click while the same table is being computed asks again once it is done, with what the
  // fields hold then: the newest continuation is the one shown.
  async score() { return this.again("scoring", () => this.scoreOnce()); }
  async draws() { return this.again("drawing", () => this.drawsOnce()); }

  async again(flag, task) {
    if (engine.state !== "live") return;
    if (this[flag]) { this[flag] = "again"; return; }
    do {
      this[flag] = true;
      await task();
    } while (this[flag] === "again");
    this[flag] = false;
  }

  async scoreOnce() {
    const prompt = this.widget.control("prompt").value, continuation = this.widget.control("continuation").value;
    const table = this.part(".demo-live-score"), total = this.part(".demo-live-score-total");
    table.hidden = false; total.hidden = false;
    table.setAttribute("aria-busy", "true");
    table.querySelector("caption").textContent = `Scoring ${excerpt(continuation)} after ${excerpt(prompt)}…`;
    try {
      const { tokens, probs } = await engine.run(async () => {
        const context = await tokenize(prompt, true), tokens = await tokenize(continuation, false);
        if (!context.length) throw new Error("type a prompt first");
        if (!tokens.length) throw new Error("type a continuation first");
        let dist = await evaluate(context, -1);
        const probs = [];
        for (let k = 0; k < tokens.length; k++) {
          const at = dist.ids.indexOf(tokens[k]);
          probs.push(at >= 0 ? dist.probs[at] : 0);
          if (k + 1 < tokens.length) {
            await engine.wllama.decode([tokens[k]], {});
            engine.held = engine.held.concat(tokens[k]);
            engine.ctx += 1;
            dist = await engine.logits(-1);
          }
        }
        return { tokens, probs };
      });
      const out = await python("live_score", { probs });
      const labels = await engine.labels(tokens);
      table.querySelector("tbody").replaceChildren(...out.rows.map((r, k) => {
        const tr = el("tr", { "data-token-id": String(tokens[k]), "data-prob": String(r.prob),
                              "data-running": String(r.running) });
        tr.append(el("td", {}, String(k + 1)), el("td", {}), el("td", { class: "snap-id" }, String(tokens[k])),
                  el("td", { class: "snap-num" }, small(r.prob)), el("td", { class: "snap-num" }, small(r.running)),
                  el("td", { class: "snap-num" }, r.logprob === null ? "−∞" : r.logprob.toFixed(3)));
        tr.children[1].append(el("code", { class: "snap-token" }, labels[k]));
        return tr;
      }));
      table.dataset.prompt = prompt; table.dataset.continuation = continuation;
      table.dataset.prob = String(out.prob);
      table.querySelector("caption").textContent = `The model's probability of ${excerpt(continuation)} after `
        + `${excerpt(prompt)}, token by token (T = 1, no cuts)`;
      total.textContent = out.logprob === null
        ? `P = 0: the model gives one of these tokens no probability at all.`
        : `P = ${small(out.prob)} (log-prob ${out.logprob.toFixed(3)}, ${out.bits.toFixed(1)} bits): the product `
          + `of the ${tokens.length} token${tokens.length > 1 ? "s'" : "'s"} probabilities, each from the browser's `
          + "llama.cpp (its precision is stated below): a product of several can be off by a factor.";
    } catch (err) {
      table.querySelector("tbody").replaceChildren();
      delete table.dataset.prob;
      table.querySelector("caption").textContent = `No score for ${excerpt(continuation)} after ${excerpt(prompt)}: `
        + `${bridge.plain(err)}.`;
      total.textContent = "";
    }
    table.setAttribute("aria-busy", "false");
    this.root.dispatchEvent(new CustomEvent("live-scored"));
  }

  // ---------------------------------------------------------------- 1,000 draws

  async drawsOnce() {
    const s = this.settings(), prompt = this.widget.control("prompt").value, n = 1000;
    const table = this.part(".demo-live-draws");
    table.hidden = false;
    table.setAttribute("aria-busy", "true");
    table.querySelector("caption").textContent = `Drawing ${n.toLocaleString("en")} times after ${excerpt(prompt)}…`;
    try {
      const dist = await engine.distribution(prompt, needed(s));
      const out = await python("live_many", { ...sampler(s), n, seed: s.seed, top: 20 }, null, dist);
      const labels = await engine.labels(out.rows.map((r) => r.id));
      const row = (label, prob, count, attrs) => {
        const tr = el("tr", { ...attrs, "data-prob": String(prob), "data-count": String(count) });
        tr.append(el("td", {}), el("td", { class: "snap-num" }, percent(prob)),
                  el("td", { class: "snap-num" }, count.toLocaleString("en")), el("td", { class: "snap-num" }, percent(count / n)));
        tr.firstChild.append(label);
        return tr;
      };
      const rows = out.rows.map((r, k) => row(el("code", { class: "snap-token" }, labels[k]), r.prob, r.count,
                                             { "data-token-id": String(r.id) }));
      if (out.rest.tokens) {
        rows.push(row(`the other ${out.rest.tokens.toLocaleString("en")} kept tokens`, out.rest.prob, out.rest.count,
                      { class: "snap-rest", "data-rest": "true" }));
      }
      table.querySelector("tbody").replaceChildren(...rows);
      Object.assign(table.dataset, { prompt, n: String(n), seed: String(s.seed), kept: String(out.kept) });
      table.querySelector("caption").textContent = `${n.toLocaleString("en")} draws after ${excerpt(prompt)} `
        + `(${described(s)}, seed ${s.seed}): each token's share of the draws against its probability`;
    } catch (err) {
      table.querySelector("tbody").replaceChildren();
      delete table.dataset.n;
      table.querySelector("caption").textContent = `No draws after ${excerpt(prompt)}: ${bridge.plain(err)}.`;
    }
    table.setAttribute("aria-busy", "false");
    this.root.dispatchEvent(new CustomEvent("live-drawn"));
  }
}

// A probability that can be tiny (a long continuation's): percent down to 0.1%, then powers of ten.
function small(p) {
  return p >= 0.001 ? percent(p) : p > 0 ? p.toExponential(2).replace(/e([+-])(\d+)/, (_, s, d) => ` × 10^${s === "-" ? "−" : ""}${d}`) : "0";
}

// live-widget.js, imported above, has bound every `demo live` widget of the page by now.
for (const widget of widgets) new Explorer(widget);
