// Snapshot completions: click (or Enter/Space) a token to pin its top-5 alternatives; Escape closes.
// Hover and keyboard focus already show them through CSS. Works on reading and present pages.
// It listens on the document, for every snapshot at once, and draws a token the way the build does
// (tokenButton: the live model's Generate and branches use it too).
import { EMPTY, fixed, percent, hue, quoted, WHITESPACE } from "./vocabulary.js";

// One generated token, exactly as fences/snapshot.py's token_button() writes it (the same elements,
// attributes, text; tests/test_vocabulary_browser.py compares the two): coloured by its probability,
// its top 5 in a tooltip. step: {id, text, prob, top: [{id, text, prob}]}.
export function tokenButton(step) {
  const tok = node("button", { type: "button", class: "snap-tok" + (step.prob < 0.2 ? " snap-unsure" : ""),
    style: `--snap-hue: ${hue(step.prob)}`, "aria-expanded": "false", "data-token-id": String(step.id),
    "data-prob": String(step.prob), "aria-label": `${quoted(step.text)}: probability ${percent(step.prob)}` });
  tok.append(...running(step.text));
  const tip = node("span", { class: "snap-tip", role: "tooltip" });
  tip.append(node("span", { class: "snap-tip-p" }, `p = ${percent(step.prob)}`),
             node("span", { class: "snap-tip-h" }, "top 5 at this step"));
  const alt = (a, chosen, note = "") => {
    const row = node("span", { class: "snap-alt" + (chosen ? " snap-chosen" : "") });
    row.append(node("code", { class: "snap-token" }), " ", node("span", { class: "snap-num" }, percent(a.prob)));
    row.firstChild.append(...visible(a.text));
    if (note) row.append(note);
    return row;
  };
  tip.append(...step.top.map((a) => alt(a, a.id === step.id)));
  if (step.top.every((a) => a.id !== step.id)) tip.append(alt(step, true, " (chosen)"));
  tok.append(tip);
  return tok;
}

// Row k of the next-token table (the live widget's), exactly as fences/live.py's table_row() writes it:
// the token's label, id, probability bar and number, and its "after sampling" text.
export function tableRow(k, { id, label, prob }, after) {
  const tr = node("tr", { class: "demo-live-row", "data-token-id": String(id), "data-prob": String(prob) });
  const token = node("td", {}), p = node("td", { class: "snap-prob" });
  token.append(node("code", { class: "snap-token" }, label));
  p.append(node("span", { class: "snap-bar", style: `--snap-p: ${fixed(100 * prob, 2)}; --snap-hue: ${hue(prob)}` }),
           node("span", { class: "snap-num" }, percent(prob)));
  tr.append(node("td", {}, String(k)), token, node("td", { class: "snap-id" }, String(id)), p,
            node("td", { class: "demo-live-after snap-num" }, after));
  return tr;
}

// A token's text with its whitespace as marks (␣ ↵ ⇥, each named in its title), ∅ when empty.
function visible(text) {
  if (!text) return [mark(EMPTY, "empty")];
  return [...text].map((ch) => (WHITESPACE[ch] ? mark(...WHITESPACE[ch]) : ch));
}
// Running text: spaces stay spaces, a newline shows as ↵.
const running = (text) => text.split("\n").flatMap((part, k) => (k ? [mark("↵", "newline"), part] : [part])).filter((x) => x !== "");
const mark = (sym, name) => node("span", { class: "snap-ws", title: name }, sym);

function node(tag, attrs, text) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

function closeAll(except) {
  for (const tok of document.querySelectorAll(".snap-tok.snap-open")) {
    if (tok !== except) { tok.classList.remove("snap-open"); tok.setAttribute("aria-expanded", "false"); }
  }
}

document.addEventListener("click", (ev) => {
  const tok = ev.target.closest ? ev.target.closest(".snap-tok") : null;   // an event sent to the document: no closest()
  if (!tok) { closeAll(null); return; }
  const open = !tok.classList.contains("snap-open");
  closeAll(tok);
  tok.classList.toggle("snap-open", open);
  tok.setAttribute("aria-expanded", open ? "true" : "false");
});

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeAll(null);
});
