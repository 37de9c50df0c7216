// The `demo live` widget (fences/live.py renders it): any prompt, the live model's next-token table
// at T = 1 and after the deck's sampler, and a seeded step-by-step "Generate". It runs on the shared
// engine of live.js (loaded just before this file) and borrows the page's Pyodide worker (worker-bridge.js) for the
// sampler (demos/live.py). Strings are only ever set with textContent, never as HTML.
(function () {
  "use strict";

  const { engine, OptIn, python, needed } = window.deckLive;
  const { el, percent, hue } = window.deckDemos;
  const INF_STOP = 5.05;                    // the temperature slider's last stop means infinity

  // ------------------------------------------------------------------ the `live` widget

  class LiveWidget {
    constructor(root) {
      this.root = root;
      this.data = JSON.parse(root.querySelector("script.demo-data").textContent);
      this.status = root.querySelector(".demo-status");
      this.optin = new OptIn(root);
      this.optin.onLive = () => this.refresh();
      this.optin.show = ((show) => () => { show.call(this.optin); this.syncState(); })(this.optin.show);
      this.syncState();
      this.busy = false; this.again = false;
      root.addEventListener("input", (ev) => {
        if (ev.target.name === "prompt") { clearTimeout(this.typing); this.typing = setTimeout(() => this.refresh(), 250); }
        else if (["temperature", "top_k", "top_p"].includes(ev.target.name)) this.refresh();
      });
      root.addEventListener("click", (ev) => {
        if (ev.target.name === "generate") this.generate();
      });
    }

    syncState() {
      const s = engine.state;
      this.root.dataset.state = s === "off" ? "static" : s;
      const controls = this.root.querySelector(".demo-live-controls");   // they run the real model
      if (controls) controls.disabled = s !== "live";
      const msg = this.root.querySelector(".demo-live-msg");     // the status line says it already
      if (msg && s !== "off") msg.textContent = "";
      if (this.status) {
        this.status.textContent = s === "off" ? "Static: the build's numbers for this prompt. Load the real model to type your own."
          : engine.message;
      }
    }

    control(name) { return this.root.querySelector(`[name="${name}"]`); }
    settings() {
      const t = Number(this.control("temperature").value);
      return { temperature: t >= INF_STOP ? "inf" : t, top_k: Number(this.control("top_k").value),
               top_p: Number(this.control("top_p").value) };
    }

    // Coalesce: one computation in flight; the latest prompt and settings run when it returns.
    async refresh() {
      if (engine.state !== "live") return;
      if (this.busy) { this.again = true; return; }
      this.busy = true; this.root.dataset.busy = "true";
      try {
        const prompt = this.control("prompt").value;
        this.dist = await engine.distribution(prompt);
        this.prompt = prompt;
        await this.draw();
        this.root.querySelector(".demo-live-gen").replaceChildren(el("span", { class: "snap-prompt" }, prompt));
        this.say("");
      } catch (err) {
        this.say(`Error: ${window.deckBridge.plain(err)}`);
      }
      this.busy = false;
      if (this.again) { this.again = false; return this.refresh(); }
      delete this.root.dataset.busy;
      this.root.dispatchEvent(new CustomEvent("live-redraw"));
    }

    say(text) { const box = this.root.querySelector(".demo-live-error"); box.hidden = !text; box.textContent = text; }

    // The table: T = 1 straight from the engine (shown at once), then after sampling from Python.
    async draw() {
      const top = this.data.top;
      const ids = this.dist.ids.slice(0, top), probs = this.dist.probs.slice(0, top);
      const labels = await engine.labels(ids);
      const body = this.root.querySelector(".demo-live-table tbody");
      const rows = ids.map((id, k) => {
        const tr = el("tr", { class: "demo-live-row", "data-token-id": String(id), "data-prob": String(probs[k]) });
        const bar = el("span", { class: "snap-bar", style: `--snap-p: ${(100 * probs[k]).toFixed(2)}; --snap-hue: ${hue(probs[k])}` });
        const p = el("td", { class: "snap-prob" }); p.append(bar, el("span", { class: "snap-num" }, percent(probs[k])));
        tr.append(el("td", {}, String(k + 1)), el("td", {}, ""), el("td", { class: "snap-id" }, String(id)), p,
                  el("td", { class: "demo-live-after snap-num" }, "…"));
        tr.children[1].append(el("code", { class: "snap-token" }, labels[k]));
        return tr;
      });
      const rest = Math.max(0, 1 - probs.reduce((a, b) => a + b, 0));
      const others = this.dist.ids.length - ids.length;
      const tr = el("tr", { class: "snap-rest demo-live-rest", "data-prob": String(rest) });
      tr.append(el("td", {}, ""), el("td", {}, `all other tokens (${others.toLocaleString()})`), el("td", {}, ""),
                el("td", { class: "snap-num" }, percent(rest)), el("td", { class: "demo-live-after snap-num" }, "…"));
      body.replaceChildren(...rows, tr);
      this.root.dispatchEvent(new CustomEvent("live-distribution"));    // the model's T = 1 numbers are shown
      const out = await python("live_rows", { ids: this.dist.ids, probs: this.dist.probs, ...this.settings(), top });
      out.rows.forEach((r, k) => {
        rows[k].dataset.kept = String(r.kept);
        rows[k].dataset.after = String(r.after);
        rows[k].lastChild.textContent = r.kept ? percent(r.after) : "cut";
      });
      tr.lastChild.textContent = percent(out.rest_after);
      tr.dataset.after = String(out.rest_after);
      this.root.querySelector(".demo-live-kept").textContent =
        `${out.kept.toLocaleString()} of ${this.dist.ids.length.toLocaleString()} tokens can be drawn with these settings.`;
    }

    // Seeded, one token at a time: each coloured by the probability the model gave it.
    async generate() {
      if (engine.state !== "live" || this.generating) return;
      this.generating = true; this.root.dataset.busy = "true";
      const button = this.control("generate"); button.disabled = true;
      delete this.root.querySelector(".demo-live-gen").dataset.tokenIds;   // set again once this run is complete
      try {
        const prompt = this.control("prompt").value;
        const seed = Number(this.control("seed").value) || 0;
        const n = Number(this.control("length").value) || 20;
        const top = needed(this.settings());
        let dist = await engine.distribution(prompt, top);
        const line = this.root.querySelector(".demo-live-gen");
        line.replaceChildren(el("span", { class: "snap-prompt" }, prompt));
        const ids = [];
        for (let step = 0; step < n; step++) {
          const pick = await python("live_draw", { ids: dist.ids, probs: dist.probs, ...this.settings(), seed, step });
          ids.push(pick.id);
          line.append(await this.token(pick));
          if (step + 1 < n) dist = await engine.extend(pick.id, top);
        }
        line.dataset.tokenIds = JSON.stringify(ids);
        this.say("");
      } catch (err) {
        this.say(`Error: ${window.deckBridge.plain(err)}`);
      }
      button.disabled = false; this.generating = false; delete this.root.dataset.busy;
      this.root.dispatchEvent(new CustomEvent("live-generated"));
    }

    // The completion snapshot's token (snapshots.css/js): hover, focus or click shows the top 5.
    async token(pick) {
      const [text, ...alts] = await engine.labels([pick.id, ...pick.top.map((a) => a.id)]);
      const tok = el("button", { type: "button", class: "snap-tok" + (pick.prob < 0.2 ? " snap-unsure" : ""),
        style: `--snap-hue: ${hue(pick.prob)}`, "aria-expanded": "false", "data-token-id": String(pick.id),
        "data-prob": String(pick.prob), "aria-label": `${text}: probability ${percent(pick.prob)}` });
      tok.append(document.createTextNode(text.replace(/␣/g, " ").replace(/↵/g, "\n")));
      const tip = el("span", { class: "snap-tip", role: "tooltip" });
      tip.append(el("span", { class: "snap-tip-p" }, `p = ${percent(pick.prob)}`), el("span", { class: "snap-tip-h" }, "top 5 at this step"));
      pick.top.forEach((a, k) => {
        const row = el("span", { class: "snap-alt" + (a.id === pick.id ? " snap-chosen" : "") });
        row.append(el("code", { class: "snap-token" }, alts[k]), document.createTextNode(" "), el("span", { class: "snap-num" }, percent(a.prob)));
        tip.append(row);
      });
      tok.append(tip);
      return tok;
    }
  }

  function init() {
    for (const root of document.querySelectorAll('.demo[data-demo="live"]')) {
      if (!root.dataset.liveBound) { root.dataset.liveBound = "1"; new LiveWidget(root); }
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
