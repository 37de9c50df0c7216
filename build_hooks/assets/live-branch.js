// Branch at any token of a text the real model wrote: the token's top-5 alternatives, under the
// settings the text was generated with, are buttons; choosing one keeps the text before it, appends
// that token and generates on from there with the same settings and seed (live-generate.js); Back
// returns to the previous path. One implementation, two hosts:
//   - the `demo live` widget's generated text (live-explore.js wires it to Generate);
//   - every `completion` snapshot's runs (fences/snapshot.py writes each run's prompt, token ids
//     and settings as data-* attributes): once the reader's model is live, the build's texts branch
//     like the widget's, and Back returns to the build's text. Before that they stay static
//     (snapshots.js pins their tooltips) and say how to branch: load the real model.
// The numbers come from the shared engine (live.js) and the deck's Python (the page's worker).
// Model and reader strings are only ever set with textContent, never as HTML.
import { token } from "./live-widget.js";
import { bridge, el, percent } from "./widgets.js";
import { quoted } from "./vocabulary.js";

import { engine } from "./live-engine.js";
import { needed, OptIn, python } from "./live.js";
import { generate } from "./live-generate.js";
const N_CTX = 1024;                       // live.js's context

// A path's settings in words, for the lines that say whose numbers the alternatives are.
export function described(s) {
  const t = s.temperature === "inf" ? "∞" : String(s.temperature);
  return `T = ${t}, top-k ${s.top_k || "off"}, top-p ${s.top_p}, min-p ${s.min_p || "off"}`;
}

// The sampler's part of a path's settings (no seed, no length), as demos/live.py takes them.
export function sampler(s) { return { temperature: s.temperature, top_k: s.top_k, top_p: s.top_p, min_p: s.min_p }; }

// ------------------------------------------------------------------ the engine, on token ids

export async function tokenize(text, bos) {
  let tokens = await engine.wllama.tokenize(text, false);
  if (bos && engine.addBos && engine.bos >= 0) tokens = [engine.bos, ...tokens];
  return tokens;
}

// The model's distribution after exactly these tokens (a generated text is ids, not a string:
// tokenizing its text again can give other tokens). Call inside engine.run.
export async function evaluate(tokens, top = -1) {
  if (tokens.length > N_CTX - 8) {
    throw new Error(`this text is ${tokens.length.toLocaleString("en")} tokens, over the model's context here ` +
      `(${N_CTX} tokens): shorten the prompt`);
  }
  await engine.read(tokens);
  return engine.logits(top);
}

// ------------------------------------------------------------------ one text's branches

// root holds the text (line: its .snap-tok buttons, data-token-ids) and the branch panel
// (.demo-live-branch: the path line, Back, the alternatives). host says what the text is:
//   ready()        whether a token's alternatives can be computed now (the model is live)
//   busy()         whether something else runs (the widget's Generate)
//   lock(on)       while a branch is generated (the widget disables Generate)
//   say(text)      an error, as a sentence ("" clears it)
//   describe(n, path)  the path line; whose: whose numbers the alternatives are; quiet: the
//                  panel shows only once a token is chosen (a snapshot's three texts on a slide)
export class Brancher {
  constructor(root, line, host) {
    this.root = root; this.line = line; this.host = host;
    this.paths = [];                        // the stack of paths: the last one is shown
    root.addEventListener("click", (ev) => this.click(ev), true);
    root.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !this.part(".demo-live-alts").hidden) { ev.preventDefault(); this.closeAlts(true); }
    });
  }

  part(selector) { return this.root.querySelector(selector); }
  busy() { return this.host.busy() || this.working; }

  click(ev) {
    const target = ev.target.closest("button");
    if (!target || !this.root.contains(target) || !this.host.ready()) return;
    if (target.name === "back") this.back();
    else if (target.classList.contains("demo-live-alt")) this.choose(target);
    else if (target.classList.contains("snap-tok") && this.line.contains(target)) {
      ev.stopPropagation();                 // the alternatives panel, not the pinned tooltip (snapshots.js)
      this.openAlts(target);
    }
  }

  // A new text (Generate's, or the build's): it is path 1, and the branches start again from it.
  // path: {prompt, settings: {temperature, top_k, top_p, min_p, seed, length}, ids, label}
  start(path) {
    this.closeAlts(false);
    this.paths = path ? [{ ...path, ids: [...path.ids], nodes: this.copy() }] : [];
    this.showPath();
  }

  copy() { return [...this.line.childNodes].map((n) => n.cloneNode(true)); }

  showPath() {
    const box = this.part(".demo-live-branch"), path = this.paths[this.paths.length - 1];
    const n = this.paths.length;
    box.hidden = !path || (this.host.quiet && n === 1 && this.part(".demo-live-alts").hidden);
    if (!path) return;
    this.line.dataset.path = String(n);
    this.part(".demo-live-path").textContent = this.host.describe(n, path);
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
    this.part(".demo-live-branch").hidden = false;
    alts.setAttribute("aria-label", `Alternatives for token ${k + 1}`);
    alts.replaceChildren(el("p", {}, `Token ${k + 1}: computing its alternatives…`));
    this.working = true;
    try {
      const prefix = [...(await engine.run(() => tokenize(path.prompt, true))), ...path.ids.slice(0, k)];
      const dist = await engine.run(() => evaluate(prefix, needed(path.settings)));
      const out = await python("live_rows", { ...sampler(path.settings), top: 5 }, null, dist);
      const [labels, texts] = await Promise.all([engine.labels(out.rows.map((r) => r.id)), engine.texts(out.rows.map((r) => r.id))]);
      const taken = path.ids[k];
      const head = el("p", {}, `Token ${k + 1} of branch ${this.paths.length}: ${this.host.whose} top 5 there `
        + `(${described(path.settings)}; "cut": these settings never draw it). Continue with:`);
      const buttons = out.rows.map((r, j) => {
        // the visible text is part of the accessible name: "Continue with ' kitten' (12.3%)"
        const token = quoted(texts[j]), p = r.kept ? percent(r.after) : `cut; ${percent(r.prob)} at T = 1`;
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
      alts.replaceChildren(el("p", { class: "demo-error" }, `No alternatives: ${bridge.plain(err)}.`));
    }
    this.working = false;
  }

  closeAlts(focus) {
    const alts = this.part(".demo-live-alts");
    alts.hidden = true; alts.replaceChildren();
    if (this.opener) this.opener.setAttribute("aria-expanded", "false");
    if (this.paths.length) this.showPath();
    if (focus && this.opener && this.opener.isConnected) this.opener.focus();
  }

  // Keep the text before token k, put the chosen token there and generate on, same settings.
  async choose(button) {
    if (this.busy()) return;
    const path = this.paths[this.paths.length - 1];
    const k = Number(button.dataset.at), id = Number(button.dataset.tokenId);
    const [text] = await engine.texts([id]);
    const next = { prompt: path.prompt, settings: path.settings, ids: [...path.ids.slice(0, k), id], at: k,
                   label: `${quoted(text)} at token ${k + 1}` };
    const keep = [...this.line.childNodes].filter((n) => !n.classList || !n.classList.contains("snap-tok")
      || [...this.line.querySelectorAll(".snap-tok")].indexOf(n) < k);
    this.line.replaceChildren(...keep);
    delete this.line.dataset.tokenIds;
    this.paths.push(next);
    this.closeAlts(false);
    this.working = true;
    this.host.lock(true);
    this.root.dataset.branching = "true";
    try {
      const pick = { id, prob: Number(button.dataset.prob), top: this.top5 };
      this.line.append(await token(pick));
      await this.generateOn(next, k + 1);
      this.line.dataset.tokenIds = JSON.stringify(next.ids);
      next.nodes = this.copy();
      this.host.say("");
    } catch (err) {
      this.host.say(`Error: ${bridge.plain(err)}`);
    }
    this.host.lock(false); this.working = false; delete this.root.dataset.branching;
    // the focus on the line naming the path shown (a token's focus would open its tooltip over Back)
    this.part(".demo-live-path").focus();
    this.root.dispatchEvent(new CustomEvent("live-branched", { bubbles: true }));
  }

  // Steps `from` .. length-1 of the path with live-generate.js's Generate: the path's tokens so
  // far are read, not drawn, and step s draws from its own stream (seed, s), as Generate does.
  async generateOn(path, from) {
    const s = path.settings, n = s.length - from, shown = [];
    if (n <= 0) return;
    const onToken = (pick) => {
      const slot = el("span", { class: "demo-live-slot" });       // keeps the order while labels load
      this.line.append(slot);
      shown.push(token(pick).then((tok) => slot.replaceWith(tok)));
    };
    const run = await generate({ prompt: path.prompt, prefix: [...path.ids], n, settings: sampler(s), seed: s.seed,
                               onToken });
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
    (toks[at] || this.part(".demo-live-path")).focus();
    this.root.dispatchEvent(new CustomEvent("live-branched", { bubbles: true }));
  }
}

// ------------------------------------------------------------------ the build's completion snapshots

// A run's settings, as fences/snapshot.py wrote them (data-temperature, -top-k, -top-p, -min-p, -seed, -n).
function settingsOf(run) {
  const d = run.dataset;
  return { temperature: Number(d.temperature), top_k: Number(d.topK), top_p: Number(d.topP),
           min_p: Number(d.minP), seed: d.seed === "" ? null : Number(d.seed), length: Number(d.n) };
}

function seeded(s) { return s.temperature === 0 ? "greedy" : `seed ${s.seed}`; }

const SNAPSHOT = {
  ready: () => engine.state === "live",
  busy: () => false,
  lock() {},
  quiet: true,
  whose: "the live model's (on this device)",
  describe(n, path) {
    const s = path.settings, how = `${described(s)}, ${seeded(s)}`;
    if (n === 1) {
      return `The build's text (llama-cpp-python at build time; ${how}). Choose a token to branch there: `
        + "what follows a branch is generated live on this device.";
    }
    return `Branch ${n}: ${path.label} (from path ${n - 1}; ${how}). Tokens 1 to ${path.at} and their numbers are `
      + `the build's; from token ${path.at + 1} on, this device's live model wrote the text, with its numbers.`;
  },
};

// The branch panel of the live widget (fences/live.py), made here: a slide has no room for three
// empty ones before the model is live.
function panel() {
  const box = el("div", { class: "demo-live-branch", hidden: "" });
  box.append(el("p", { class: "demo-live-path", "aria-live": "polite", tabindex: "-1" }),
             el("button", { type: "button", name: "back", hidden: "" }, "Back to the previous path"),
             el("div", { class: "demo-live-alts", role: "group", hidden: "" }));
  return box;
}

function bindSnapshot(figure) {
  const offer = figure.querySelector(".snap-branch-offer");
  if (offer) new OptIn(offer);                        // "Load the real model", its progress and its message
  const prompt = figure.dataset.prompt;
  const runs = [...figure.querySelectorAll(".snap-run[data-n]")].map((run) => {
    const line = run.querySelector(".snap-completion");
    line.after(panel());
    const error = run.querySelector(".demo-live-path");
    const host = { ...SNAPSHOT, say: (text) => { if (text) error.textContent = text; } };
    const b = new Brancher(run, line, host);
    const s = settingsOf(run);
    b.start({ prompt, settings: { ...s, seed: s.seed === null ? 0 : s.seed }, ids: JSON.parse(line.dataset.tokenIds),
              label: "the build's text" });
    return b;
  });
  const how = figure.querySelector(".snap-branch-how");
  const view = {
    show() {
      const live = engine.state === "live";
      figure.dataset.branch = live ? "live" : "static";
      if (how && live) {
        how.textContent = "The model is live in your browser: choose a token of a text above to branch there "
          + "(its alternatives and the text after a branch are your device's numbers, not the build's).";
      }
      for (const b of runs) b.showPath();
    },
  };
  engine.views.add(view);
  view.show();
}

for (const figure of document.querySelectorAll(".snapshot-completion[data-prompt]")) {   // the page is parsed
  if (!figure.dataset.liveBound) { figure.dataset.liveBound = "1"; bindSnapshot(figure); }
}
