// The `sampling` and `code` widgets: their methods, added to widgets.js's Widget.
//
// The sampler's settings (temperature, top-k, top-p, min-p; the "llama.cpp's defaults" button sets
// all four), the bars, the numbers line (entropy, effective choices, the mass each cut removed),
// seeded draws and "Draw 1,000 times". Every number comes from Python (demos/spread.py and
// demos/live.py in the page's worker): nothing here samples or rounds a probability itself.
import { bridge, drawBars, el, hue, percent, Widget } from "./widgets.js";
import { fixed } from "./vocabulary.js";
import { engine } from "./live-engine.js";
import { python, samplingDraws, samplingRows } from "./live.js";

const MANY = 1000;          // "Draw 1,000 times"

const liveEngine = () => (engine.state === "live" ? { samplingRows, samplingDraws, python } : null);

Object.assign(Widget.prototype, {
  samplingArgs() {
    return { candidates: this.data.candidates, temperature: this.temperature(),
             top_k: this.number("top_k"), top_p: this.number("top_p"), min_p: this.number("min_p") || 0 };
  },

  // Without the live model, Python computes from every token the build held: the shown rows, then
  // those past them (data.beyond, in "all other tokens"), and the probability of all the rest.
  heldArgs() {
    const d = this.data;
    return { ...this.samplingArgs(), candidates: d.candidates.concat(d.beyond || []), rest: d.rest };
  },

  // "llama.cpp's defaults": every control its value, then one `input` each, as if the reader had
  // moved them (the outputs, the redraw and the speaker view's copy all follow).
  click_preset(event) {
    const preset = JSON.parse(event.target.dataset.preset);
    for (const [name, value] of Object.entries(preset)) {
      const control = this.control(name);
      if (!control) continue;
      control.value = String(value);
      control.dispatchEvent(new Event("input", { bubbles: true }));
    }
    this.setStatus(`Set to llama.cpp's defaults: ${Object.entries(preset).map(([k, v]) => `${k} ${v}`).join(", ")}.`);
  },

  click_sample() { if (!this.busy) this.run(() => this.sample()); },
  click_draw() { if (!this.busy) this.run(() => this.drawMany()); },

  // The model's real probabilities, never renormalized among the shown tokens: with the live
  // model (live.js) over the whole vocabulary, else over the build's top list plus "all other
  // tokens", saying so when the settings would need the tokens past the list (demos/live.py).
  async update_sampling() {
    const live = liveEngine();
    const args = this.samplingArgs();
    const out = live ? await live.samplingRows(this, args)
      : await this.ask("call", { fn: "sampling_view", kwargs:
          { ...this.heldArgs(), entropy: this.data.entropy, shown: args.candidates.length } });
    const list = this.root.querySelector(".demo-bars");
    this.labels = this.labels || [...list.querySelectorAll(".demo-label")].map((n) => n.textContent);   // the build's
    drawBars(list, out.rows.map((r, k) => (live ? r : { ...r, label: this.labels[k] })));
    const rest = this.root.querySelector(".demo-rest");
    const after = out.rest_after;
    rest.dataset.prob = String(out.rest);
    rest.style.setProperty("--p", fixed(after ?? out.rest, 4));
    rest.style.setProperty("--hue", String(hue(after ?? 0)));
    rest.lastChild.textContent = after === null ? "not computed" : percent(after);
    this.root.querySelector(".demo-inexact").hidden = live || out.exact;
    this.clearDraws();                      // counts belong to the settings they were drawn with
    const numbers = this.root.querySelector(".demo-numbers");
    if (live) {     // the build's caption gave the build's numbers: say what the bars show now
      const shown = out.rows.length, vocab = out.dist.ids.length;
      this.root.querySelector(".demo-note").textContent =
        `Live: the model's ${shown} most likely next tokens after this prompt, over its whole vocabulary of ` +
        `${vocab.toLocaleString("en")} tokens (${percent(1 - out.rest)} together; all other tokens ` +
        `${percent(out.rest)}). Green: likely, red: unlikely; grey bars are cut. Draws pick among every token ` +
        "the settings keep.";
      // the whole vocabulary's numbers, when the live rows carry them (demos/live.py rows())
      const known = out.entropy !== undefined && out.removed !== undefined;
      numbers.hidden = !known;
      if (known) {
        numbers.textContent = await this.ask("call", { fn: "sampling_numbers", kwargs:
          { entropy: out.entropy, entropy_after: out.entropy_after, removed: out.removed } });
      }
    } else {
      numbers.hidden = false;
      numbers.textContent = out.numbers;
    }
  },

  async sample() {
    await bridge.start();
    const more = { n: 8, seed: this.number("seed") || 0 };
    const live = liveEngine();
    const draws = live ? await live.samplingDraws(this, { ...this.samplingArgs(), ...more })
      : await this.ask("call", { fn: "shown_samples", kwargs: { ...this.heldArgs(), ...more } });
    const list = this.root.querySelector(".demo-draws");
    list.replaceChildren(...draws.map((d, k) => el("li", {}, `draw ${k + 1}: u = ${d.u.toFixed(3)} → ${d.label}`)));
    this.setStatus(`Live: sampled ${draws.map((d) => d.label).join(", ")}.`);
  },

  // 1,000 seeded draws with the one sampler (demos/sampling.py's frequencies, in the worker): each
  // bar gets a tick where its token's share of the draws lies, and its count beside the percentage.
  async drawMany() {
    await bridge.start();
    const seed = this.number("seed") || 0;
    const args = { ...this.samplingArgs(), n: MANY, seed };
    const live = liveEngine();
    let out;
    if (live) {
      const prompt = this.value("prompt");
      if (!this.live || this.live.prompt !== prompt) await this.update_sampling();
      const { candidates, ...settings } = args;       // demos/draws.py: the top kept tokens' counts, the rest pooled
      const many = await live.python("live_many", { ...settings, top: candidates.length }, null, this.live.dist);
      const byId = new Map(many.rows.map((r) => [String(r.id), r.count]));
      const counts = [...this.root.querySelectorAll(".demo-bars .demo-bar")].map((li) => byId.get(li.dataset.id) || 0);
      out = { counts, rest: many.n - counts.reduce((a, b) => a + b, 0), n: many.n };
    } else {
      out = await this.ask("call", { fn: "shown_draws", kwargs:
        { ...this.heldArgs(), n: MANY, seed, shown: args.candidates.length } });
    }
    const bars = [...this.root.querySelectorAll(".demo-bars .demo-bar")];
    bars.forEach((li, k) => this.markCount(li, out.counts[k], out.n));
    const rest = this.root.querySelector(".demo-rest");
    this.markCount(rest, out.rest, out.n);         // draws of the tokens past the shown rows
    const best = bars.reduce((a, b) => (Number(b.dataset.count) > Number(a.dataset.count) ? b : a), bars[0]);
    const box = this.root.querySelector(".demo-drawn");
    box.hidden = false;
    box.textContent = `${out.n.toLocaleString("en")} draws, seed ${seed}, with the settings above: the dark tick ` +
      `on each bar and the number after its percentage say how often that token came up. Most drawn: ` +
      `${best.querySelector(".demo-label").textContent}, ${Number(best.dataset.count).toLocaleString("en")} times.` +
      (live || out.exact ? "" : ` Not the model's draws: with these settings they pick among the build's ` +
        `${args.candidates.length + (this.data.beyond || []).length} most likely tokens only.`);
    this.setStatus(`Live: drew ${out.n.toLocaleString("en")} times; most drawn ${best.querySelector(".demo-label").textContent}.`);
  },

  markCount(li, count, n) {
    li.dataset.count = String(count);
    li.style.setProperty("--f", (count / n).toFixed(4));
    let tick = li.querySelector(".demo-freq");
    if (!tick) { tick = el("span", { class: "demo-freq", "aria-hidden": "true" }); li.querySelector(".demo-track").append(tick); }
    const num = li.querySelector(".demo-num");
    num.dataset.base = num.dataset.base || num.textContent;
    num.textContent = `${num.dataset.base} · ${count}`;
  },

  clearDraws() {
    for (const li of this.root.querySelectorAll(".demo-bar[data-count], .demo-rest")) {
      delete li.dataset.count;
      const tick = li.querySelector(".demo-freq");
      if (tick) tick.remove();
      const num = li.querySelector(".demo-num");
      delete num.dataset.base;
    }
    const box = this.root.querySelector(".demo-drawn");
    if (box) box.hidden = true;
  },

  async update_code() {
    const kwargs = { ...this.samplingArgs(), code: this.value("code") };
    const box = this.root.querySelector(".demo-error");
    let result;
    try {
      result = await this.ask("call", { fn: "run_code", kwargs }, { timeout: 5000 });   // a runaway edit is stopped
    } catch (err) {
      result = { error: err.message };
    }
    box.hidden = !result.error;
    box.textContent = result.error || "";
    if (result.rows) drawBars(this.root.querySelector(".demo-bars"), result.rows);
  },
});
