// The `demo live` widget (fences/live.py renders it): any prompt, the live model's next-token table
// at T = 1 and after the deck's sampler, and a seeded step-by-step "Generate". It runs on the shared
// engine of live.js and borrows the page's Pyodide worker (worker-bridge.js) for the sampler
// (demos/live.py). Strings are only ever set with textContent, never as HTML.
// live-branch.js and live-explore.js build on `widgets` and `token` below.
import { bridge, el, INF_STOP, percent } from "./widgets.js";
import { excerpt } from "./vocabulary.js";
import { tableRow, tokenButton } from "./snapshots.js";

import { engine } from "./live-engine.js";
import { OptIn, python } from "./live.js";
import { generate, speed } from "./live-generate.js";

const EVERY_MS = 100;      // Generate's redraws: at most ten a second

// ------------------------------------------------------------------ the `live` widget

class LiveWidget {
  constructor(root, key) {
    this.root = root;
    this.key = key;                         // names this widget's stream of sampler requests
    this.data = JSON.parse(root.querySelector("script.demo-data").textContent);
    this.status = root.querySelector(".demo-status");
    this.optin = new OptIn(root);
    this.optin.onLive = () => this.refresh();
    this.optin.show = ((show) => () => { show.call(this.optin); this.syncState(); })(this.optin.show);
    this.syncState();
    this.busy = false;
    root.addEventListener("input", (ev) => {
      if (ev.target.name === "prompt") {
        if (engine.state === "live") this.pending(ev.target.value);     // at once: these rows are not this prompt's
        clearTimeout(this.typing); this.typing = setTimeout(() => this.refresh(), 250);
      }
      else if (["temperature", "top_k", "top_p", "min_p"].includes(ev.target.name)) this.refresh();
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
             top_p: Number(this.control("top_p").value), min_p: Number(this.control("min_p").value) };
  }

  // The table always says which prompt its numbers belong to (data-prompt, and its caption in
  // words); while another prompt is computed it is aria-busy, dimmed (data-stale) and says so.
  // The newest prompt wins: every call takes a ticket, and a computation whose ticket is no
  // longer the newest stops between the engine's chunks (or is skipped in the Python worker).
  async refresh() {
    if (engine.state !== "live") return;
    this.ticket = (this.ticket || 0) + 1;
    if (this.wake) this.wake();            // a computation waiting on Python: give way now
    this.pending(this.control("prompt").value);
    if (this.busy) return;                 // the computation running sees the new ticket and gives way
    this.busy = true; this.root.dataset.busy = "true";
    while (this.done !== this.ticket) {
      const ticket = this.ticket, prompt = this.control("prompt").value;
      const stale = () => ticket !== this.ticket;
      try {
        const dist = prompt === this.prompt && this.dist ? this.dist     // a slider moved: the same distribution
          : await engine.distribution(prompt, -1, { stale, progress: (n, total) => this.pending(prompt, n, total) });
        if (stale()) continue;
        this.dist = dist; this.prompt = prompt;
        await this.draw(prompt, stale);
        if (stale()) continue;
        this.root.querySelector(".demo-live-gen").replaceChildren(el("span", { class: "snap-prompt" }, prompt));
        this.say("");
      } catch (err) {
        if (err.superseded || err.message === "superseded" || stale()) continue;
        this.failed(prompt, err);
      }
      this.done = ticket;
    }
    this.busy = false;
    delete this.root.dataset.busy;
    this.table().setAttribute("aria-busy", "false");
    this.syncState();
    this.root.dispatchEvent(new CustomEvent("live-redraw"));
  }

  table() { return this.root.querySelector(".demo-live-table"); }
  caption(text) { this.root.querySelector(".demo-live-caption").textContent = text; }

  // A new prompt is being computed: busy, and the rows of another prompt marked as such.
  pending(prompt, read, total) {
    const table = this.table();
    table.setAttribute("aria-busy", "true");
    const shown = table.dataset.prompt;
    if (shown === prompt && !table.dataset.error) return;    // a slider moved: the same prompt's numbers
    table.dataset.stale = "true";
    const progress = total ? `: ${read.toLocaleString("en")} of ${total.toLocaleString("en")} tokens read` : "";
    this.caption(`Reading ${excerpt(prompt)}${progress}… The rows below are for the previous prompt.`);
    const computing = `Computing the next token after ${excerpt(prompt)}…`;
    if (this.status && this.status.textContent !== computing && !read) this.status.textContent = computing;
  }

  // No numbers for this prompt (over the context, say): no old rows left standing either.
  failed(prompt, err) {
    const table = this.table();
    table.dataset.prompt = prompt; table.dataset.error = "true"; delete table.dataset.stale;
    table.querySelector("tbody").replaceChildren();
    this.caption(`No numbers for ${excerpt(prompt)}: ${bridge.plain(err)}.`);
    this.say(`Error: ${bridge.plain(err)}`);
  }

  say(text) { const box = this.root.querySelector(".demo-live-error"); box.hidden = !text; box.textContent = text; }

  // The table: T = 1 straight from the engine (shown at once), then after sampling from Python,
  // which also gives both columns' "all other tokens" (one source, one rounding: percent()).
  async draw(prompt, stale = () => false) {
    const top = this.data.top;
    const ids = Array.from(this.dist.ids.subarray(0, top)), probs = Array.from(this.dist.probs.subarray(0, top));
    const labels = await engine.labels(ids);
    const body = this.root.querySelector(".demo-live-table tbody");
    const rows = ids.map((id, k) => tableRow(k + 1, { id, label: labels[k], prob: probs[k] }, "…"));
    const others = this.dist.ids.length - ids.length;
    const tr = el("tr", { class: "snap-rest demo-live-rest" });
    tr.append(el("td", {}, ""), el("td", {}, `all other tokens (${others.toLocaleString("en")})`), el("td", {}, ""),
              el("td", { class: "snap-num" }, "…"), el("td", { class: "demo-live-after snap-num" }, "…"));
    body.replaceChildren(...rows, tr);
    const table = this.table();
    table.dataset.prompt = prompt;
    delete table.dataset.stale; delete table.dataset.error;
    this.caption(`Next token after ${excerpt(prompt)}`);
    this.root.dispatchEvent(new CustomEvent("live-distribution"));    // the model's T = 1 numbers are shown
    // Python may still be starting: a newer prompt does not wait for it (wake), and the bridge
    // drops this request if it has not started by then.
    const asked = python("live_rows", { ...this.settings(), top }, `live-rows:${this.key}`, this.dist);
    asked.catch(() => {});
    const out = await Promise.race([asked, new Promise((resolve) => { this.wake = () => resolve(null); })]);
    if (out === null || stale()) return;
    tr.dataset.prob = String(out.rest);
    tr.children[3].textContent = percent(out.rest);
    out.rows.forEach((r, k) => {
      rows[k].dataset.kept = String(r.kept);
      rows[k].dataset.after = String(r.after);
      rows[k].lastChild.textContent = r.kept ? percent(r.after) : "cut";
    });
    tr.lastChild.textContent = percent(out.rest_after);
    tr.dataset.after = String(out.rest_after);
    this.root.querySelector(".demo-live-kept").textContent =
      `${out.kept.toLocaleString("en")} of ${this.dist.ids.length.toLocaleString("en")} tokens can be drawn with these settings.`;
  }

  // Seeded, one token at a time (live-generate.js): each coloured by the probability the model
  // gave it, drawn as soon as it is picked; then the reader's own speed (data-tokens-per-s).
  async generate() {
    if (engine.state !== "live" || this.generating) return;
    this.generating = true; this.root.dataset.busy = "true";
    const button = this.control("generate"); button.disabled = true;
    const line = this.root.querySelector(".demo-live-gen");
    delete line.dataset.tokenIds;                   // set again once this run is complete
    const rate = this.root.querySelector(".demo-live-speed");
    rate.textContent = ""; delete rate.dataset.tokensPerS;
    try {
      const prompt = this.control("prompt").value;
      line.replaceChildren(el("span", { class: "snap-prompt" }, prompt));
      // Tokens reach the page in batches, every EVERY_MS at most (and a frame's time, where the screen
      // is slower): a reader still watches the text grow, ten steps a second, and the page lays out
      // and paints a third as often as once a token. Each redraw takes a core from ggml's threads,
      // which wait for each other at every step: on a 2-core laptop one redraw a token cost a
      // quarter of the model's speed (bench/live.py, "generate").
      const shown = [], due = [];
      const flush = () => { line.append(...due.splice(0)); this.keepInView(); };
      const onToken = (pick) => {
        const slot = el("span", { class: "demo-live-slot" });      // keeps the order while labels load
        if (!due.length) setTimeout(() => requestAnimationFrame(flush), EVERY_MS);
        due.push(slot);
        shown.push(token(pick).then((tok) => {
          if (slot.isConnected) slot.replaceWith(tok); else due[due.indexOf(slot)] = tok;
        }));
      };
      const run = await generate({ prompt, n: Number(this.control("length").value) || 20, settings: this.settings(),
                                   seed: Number(this.control("seed").value) || 0, onToken });
      await Promise.all(shown);
      flush();
      line.dataset.tokenIds = JSON.stringify(run.ids);
      const { perS, text } = speed(run);
      rate.dataset.tokensPerS = perS.toFixed(2);
      rate.textContent = `${text}, for ${excerpt(prompt)}.`;
      this.keepInView();
      this.say("");
    } catch (err) {
      this.say(`Error: ${bridge.plain(err)}`);
    }
    button.disabled = false; this.generating = false; delete this.root.dataset.busy;
    this.root.dispatchEvent(new CustomEvent("live-generated"));
  }

  // A results region that scrolls: keep the newest token (and the speed under it) in view.
  keepInView() {
    const out = this.root.querySelector(".demo-output");
    if (out && out.scrollHeight > out.clientHeight) out.scrollTop = out.scrollHeight;
  }
}

// A drawn token as the completion snapshot shows one (snapshots.js draws both): hover, focus or
// click shows its top 5. Generate's text and a branch's (live-branch.js) are made of these.
export async function token(pick) {
  const ids = [pick.id, ...pick.top.map((a) => a.id)];
  const [text, ...texts] = await engine.texts(ids);
  return tokenButton({ id: pick.id, text, prob: pick.prob, top: pick.top.map((a, k) => ({ ...a, text: texts[k] })) });
}

// The page's `demo live` widgets: live-explore.js adds to each.
export const widgets = [];

for (const root of document.querySelectorAll('.demo[data-demo="live"]')) {   // the page is parsed: all are there
  if (root.dataset.liveBound) continue;
  root.dataset.liveBound = "1";
  widgets.push(new LiveWidget(root, `live${widgets.length + 1}`));
}
