// The `demo live` widget's explorations of the real model (loaded after live-widget.js):
//   - branch at any generated token: its top-5 alternatives, under the settings the text was
//     generated with, are buttons; choosing one keeps the text before it, appends that token and
//     generates on from there with the same settings and seed; Back returns to the previous path;
//   - score a continuation the reader types: the model's probability of each of its tokens
//     after the prompt, and their product (demos/score.py);
//   - draw 1,000 times: how often each token comes up against its probability (demos/draws.py);
//   - the llama.cpp's defaults preset, and each slider's value shown beside it.
// The numbers come from the shared engine (live.js) and the deck's Python (the page's worker).
// Model and reader strings are only ever set with textContent, never as HTML.
(function () {
  "use strict";

  const { engine, python, needed } = window.deckLive;
  const { el, percent } = window.deckDemos;
  const INF_STOP = 5.05;                    // the temperature slider's last stop means infinity
  const N_CTX = 1024;                       // live.js's context
  const spaced = (label) => label.replace(/␣/g, " ").replace(/↵/g, "\\n");   // a token as text, for a sentence

  // A prompt in words for a caption (as live-widget.js's): long ones keep their start and end.
  function quoted(text) {
    const p = text.replace(/\s+/g, " ");
    return p.length <= 60 ? `“${p}”` : `“${p.slice(0, 28)} … ${p.slice(-24)}”`;
  }

  function described(s) {
    const t = s.temperature === "inf" ? "∞" : String(s.temperature);
    return `T = ${t}, top-k ${s.top_k || "off"}, top-p ${s.top_p}, min-p ${s.min_p || "off"}`;
  }

  // ------------------------------------------------------------------ the engine, on token ids

  async function tokenize(text, bos) {
    let tokens = await engine.wllama.tokenize(text, false);
    if (bos && engine.addBos && engine.bos >= 0) tokens = [engine.bos, ...tokens];
    return tokens;
  }

  // The model's distribution after exactly these tokens (a generated text is ids, not a string:
  // tokenizing its text again can give other tokens). Call inside engine.run.
  async function evaluate(tokens, top = -1) {
    if (tokens.length > N_CTX - 8) {
      throw new Error(`this text is ${tokens.length.toLocaleString("en")} tokens, over the model's context here ` +
        `(${N_CTX} tokens): shorten the prompt`);
    }
    await engine.read(tokens);
    return engine.logits(top);
  }

  // ------------------------------------------------------------------ one widget

  class Explorer {
    constructor(widget) {
      this.widget = widget;
      this.root = widget.root;
      this.line = this.root.querySelector(".demo-live-gen");
      this.paths = [];                        // the stack of paths: the last one is shown
      this.bindOutputs();
      this.root.addEventListener("click", (ev) => this.click(ev), true);
      this.root.addEventListener("keydown", (ev) => {
        if (ev.key === "Escape" && !this.part(".demo-live-alts").hidden) { ev.preventDefault(); this.closeAlts(true); }
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
      else if (target.name === "back") this.back();
      else if (target.classList.contains("demo-live-alt")) this.choose(target);
      else if (target.classList.contains("snap-tok") && this.line.contains(target)) {
        ev.stopPropagation();                 // the alternatives panel, not the pinned tooltip (snapshots.js)
        this.openAlts(target);
      }
    }

    settings() {
      const s = this.widget.settings();
      const t = Number(this.widget.control("temperature").value);
      return { ...s, temperature: t >= INF_STOP ? "inf" : t, min_p: Number(this.widget.control("min_p").value),
               seed: Number(this.widget.control("seed").value) || 0,
               length: Number(this.widget.control("length").value) || 20 };
    }

    busy() { return this.widget.generating || this.working; }

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
      this.closeAlts(false);
      if (!ids || !this.asked) { this.paths = []; this.showPath(); return; }
      this.paths = [{ prompt: this.asked.prompt, settings: this.asked, ids: JSON.parse(ids), nodes: this.copy(),
                      label: "as generated" }];
      this.showPath();
      const out = this.line.closest(".demo-output");    // a region that scrolls: the newest text stays in view
      if (out && out.scrollHeight > out.clientHeight) out.scrollTop = out.scrollHeight;
    }

    copy() { return [...this.line.childNodes].map((n) => n.cloneNode(true)); }

    showPath() {
      const box = this.part(".demo-live-branch"), path = this.paths[this.paths.length - 1];
      box.hidden = !path;
      if (!path) return;
      const n = this.paths.length;
      this.line.dataset.path = String(n);
      this.part(".demo-live-path").textContent = n === 1
        ? `Path 1: as generated after ${quoted(path.prompt)} (${described(path.settings)}, seed ${path.settings.seed}). `
          + "Choose a token to see what else the model could have said there."
        : `Branch ${n}: ${path.label} (from path ${n - 1}; ${described(path.settings)}, seed ${path.settings.seed}).`;
      this.part('button[name="back"]').hidden = n === 1;
    }

    // The top 5 at token k of the path shown, from the distribution at that position under the
    // path's own settings (the model's probability, then after sampling).
    async openAlts(tok) {
      const path = this.paths[this.paths.length - 1];
      if (!path || this.busy() || this.line.dataset.tokenIds === undefined) return;
      const k = [...this.line.querySelectorAll(".snap-tok")].indexOf(tok);
      const alts = this.part(".demo-live-alts");
      if (this.opener) this.opener.setAttribute("aria-expanded", "false");
      this.opener = tok;
      tok.setAttribute("aria-expanded", "true");
      alts.hidden = false;
      alts.setAttribute("aria-label", `Alternatives for token ${k + 1}`);
      alts.replaceChildren(el("p", {}, `Token ${k + 1}: computing its alternatives…`));
      this.working = true;
      try {
        const prefix = [...(await engine.run(() => tokenize(path.prompt, true))), ...path.ids.slice(0, k)];
        const dist = await engine.run(() => evaluate(prefix, needed(path.settings)));
        const out = await python("live_rows", { ...this.sampler(path.settings), top: 5 }, null, dist);
        const labels = await engine.labels(out.rows.map((r) => r.id));
        const taken = path.ids[k];
        const head = el("p", {}, `Token ${k + 1} of branch ${this.paths.length}: the model's top 5 there `
          + `(${described(path.settings)}; "cut": these settings never draw it). Continue with:`);
        const buttons = out.rows.map((r, j) => {
          // the visible text is part of the accessible name: "Continue with ' kitten' (12.3%)"
          const token = `'${spaced(labels[j])}'`, p = r.kept ? percent(r.after) : `cut; ${percent(r.prob)} at T = 1`;
          const b = el("button", { type: "button", class: "demo-live-alt", "data-token-id": String(r.id),
            "data-prob": String(r.prob), "data-after": String(r.after), "data-at": String(k),
            "aria-label": `Continue with ${token} (${p})` + (r.id === taken ? ", the token this path took" : "") });
          b.append(el("code", { class: "snap-token" }, token), document.createTextNode(` (${p})`));
          if (r.id === taken) { b.disabled = true; b.classList.add("snap-chosen"); }
          return b;
        });
        this.top5 = Array.from(dist.ids.slice(0, 5), (id, j) => ({ id, prob: dist.probs[j] }));
        alts.replaceChildren(head, ...buttons);
        alts.scrollIntoView({ block: "nearest" });
        const first = buttons.find((b) => !b.disabled);
        if (first) first.focus();
      } catch (err) {
        alts.replaceChildren(el("p", { class: "demo-error" }, `No alternatives: ${window.deckBridge.plain(err)}.`));
      }
      this.working = false;
    }

    closeAlts(focus) {
      const alts = this.part(".demo-live-alts");
      alts.hidden = true; alts.replaceChildren();
      if (this.opener) this.opener.setAttribute("aria-expanded", "false");
      if (focus && this.opener && this.opener.isConnected) this.opener.focus();
    }

    sampler(s) { return { temperature: s.temperature, top_k: s.top_k, top_p: s.top_p, min_p: s.min_p }; }

    // Keep the text before token k, put the chosen token there and generate on, same settings.
    async choose(button) {
      if (this.busy()) return;
      const path = this.paths[this.paths.length - 1];
      const k = Number(button.dataset.at), id = Number(button.dataset.tokenId);
      const [label] = await engine.labels([id]);
      const next = { prompt: path.prompt, settings: path.settings, ids: [...path.ids.slice(0, k), id],
                     label: `'${spaced(label)}' at token ${k + 1}` };
      this.closeAlts(false);
      const keep = [...this.line.childNodes].filter((n) => !n.classList || !n.classList.contains("snap-tok")
        || [...this.line.querySelectorAll(".snap-tok")].indexOf(n) < k);
      this.line.replaceChildren(...keep);
      delete this.line.dataset.tokenIds;
      this.paths.push(next);
      this.showPath();
      this.working = true;
      const generate = this.widget.control("generate"); generate.disabled = true;
      this.root.dataset.branching = "true";
      try {
        const pick = { id, prob: Number(button.dataset.prob), top: this.top5 };
        this.line.append(await this.widget.token(pick));
        await this.generateOn(next, k + 1);
        this.line.dataset.tokenIds = JSON.stringify(next.ids);
        next.nodes = this.copy();
        this.widget.say("");
      } catch (err) {
        this.widget.say(`Error: ${window.deckBridge.plain(err)}`);
      }
      generate.disabled = false; this.working = false; delete this.root.dataset.branching;
      // the focus on the line naming the path shown (a token's focus would open its tooltip over Back)
      this.part(".demo-live-path").focus();
      this.root.dispatchEvent(new CustomEvent("live-branched"));
    }

    // Steps `from` .. length-1 of the path with live-generate.js's Generate: the path's tokens so
    // far are read, not drawn, and step s draws from its own stream (seed, s), as Generate does.
    async generateOn(path, from) {
      const s = path.settings, n = s.length - from, shown = [];
      if (n <= 0) return;
      const onToken = (pick) => {
        const slot = el("span", { class: "demo-live-slot" });       // keeps the order while labels load
        this.line.append(slot);
        shown.push(this.widget.token(pick).then((tok) => slot.replaceWith(tok)));
      };
      const run = await window.deckLive.generate({ prompt: path.prompt, prefix: [...path.ids], n, settings: this.sampler(s),
                                                   seed: s.seed, onToken });
      await Promise.all(shown);
      path.ids.push(...run.ids);
    }

    back() {
      if (this.busy() || this.paths.length < 2) return;
      const left = this.paths.pop();
      const path = this.paths[this.paths.length - 1];
      this.closeAlts(false);
      this.line.replaceChildren(...path.nodes.map((n) => n.cloneNode(true)));
      this.line.dataset.tokenIds = JSON.stringify(path.ids);
      this.showPath();
      const at = left.ids.findIndex((id, j) => id !== path.ids[j]);
      const toks = this.line.querySelectorAll(".snap-tok");
      (toks[at] || this.part('button[name="generate"]')).focus();
      this.root.dispatchEvent(new CustomEvent("live-branched"));
    }

    // ---------------------------------------------------------------- score a continuation

    async score() {
      if (engine.state !== "live" || this.busy()) return;
      const prompt = this.widget.control("prompt").value, continuation = this.widget.control("continuation").value;
      const table = this.part(".demo-live-score"), total = this.part(".demo-live-score-total");
      table.hidden = false; total.hidden = false;
      table.setAttribute("aria-busy", "true");
      table.querySelector("caption").textContent = `Scoring ${quoted(continuation)} after ${quoted(prompt)}…`;
      this.working = true;
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
        table.querySelector("caption").textContent = `The model's probability of ${quoted(continuation)} after `
          + `${quoted(prompt)}, token by token (T = 1, no cuts)`;
        total.textContent = out.logprob === null
          ? `P = 0: the model gives one of these tokens no probability at all.`
          : `P = ${small(out.prob)} (log-prob ${out.logprob.toFixed(3)}, ${out.bits.toFixed(1)} bits): the product `
            + `of the ${tokens.length} token${tokens.length > 1 ? "s'" : "'s"} probabilities. Each is the browser's `
            + "llama.cpp, within about 0.036 of the build's (see below): a product of small numbers can be off by a "
            + "factor (measured: 0.83 to 1.10 on the tests' two continuations).";
      } catch (err) {
        table.querySelector("tbody").replaceChildren();
        delete table.dataset.prob;
        table.querySelector("caption").textContent = `No score for ${quoted(continuation)} after ${quoted(prompt)}: `
          + `${window.deckBridge.plain(err)}.`;
        total.textContent = "";
      }
      table.setAttribute("aria-busy", "false");
      this.working = false;
      this.root.dispatchEvent(new CustomEvent("live-scored"));
    }

    // ---------------------------------------------------------------- 1,000 draws

    async draws() {
      if (engine.state !== "live" || this.busy()) return;
      const s = this.settings(), prompt = this.widget.control("prompt").value, n = 1000;
      const table = this.part(".demo-live-draws");
      table.hidden = false;
      table.setAttribute("aria-busy", "true");
      table.querySelector("caption").textContent = `Drawing ${n.toLocaleString("en")} times after ${quoted(prompt)}…`;
      this.working = true;
      try {
        const dist = await engine.distribution(prompt, needed(s));
        const out = await python("live_many", { ...this.sampler(s), n, seed: s.seed, top: 20 }, null, dist);
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
        table.querySelector("caption").textContent = `${n.toLocaleString("en")} draws after ${quoted(prompt)} `
          + `(${described(s)}, seed ${s.seed}): each token's share of the draws against its probability`;
      } catch (err) {
        table.querySelector("tbody").replaceChildren();
        delete table.dataset.n;
        table.querySelector("caption").textContent = `No draws after ${quoted(prompt)}: ${window.deckBridge.plain(err)}.`;
      }
      table.setAttribute("aria-busy", "false");
      this.working = false;
      this.root.dispatchEvent(new CustomEvent("live-drawn"));
    }
  }

  // A probability that can be tiny (a long continuation's): percent down to 0.1%, then powers of ten.
  function small(p) {
    return p >= 0.001 ? percent(p) : p > 0 ? p.toExponential(2).replace(/e([+-])(\d+)/, (_, s, d) => ` × 10^${s === "-" ? "−" : ""}${d}`) : "0";
  }

  function init() {
    for (const widget of (window.deckLive.widgets || [])) {
      if (!widget.explorer) widget.explorer = new Explorer(widget);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
