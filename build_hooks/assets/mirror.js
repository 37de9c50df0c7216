// One engine per presenter: the speaker view's previews mirror the audience window's widgets.
//
// reveal.js's speaker view (S) loads this very page twice more, in iframes: `?receiver...` shows
// the current slide, `...&controls=false` the upcoming one. Left alone, each would start its own
// Pyodide and its own live model (about 0.5 GB each) and show its own widgets, not the ones the
// room sees. So, in a preview (a `receiver` iframe):
//   - nothing starts: worker-bridge.js and live.js ask preview.js and never load Python or the
//     model; present.js sends no warm-up;
//   - every widget is a copy of the audience window's, as it is now: its HTML (table, generated
//     text, status), its controls' values and its scroll positions, sent over a BroadcastChannel
//     named after the page's path, at most every MIRROR_MS while something changes;
//   - the copy cannot be used (inert), and says so in one line: work the widget on the projector.
// The audience window sends nothing until a preview says "hello", so a talk without the speaker
// view costs nothing. Strings arrive as the audience page's own serialized DOM (text it set with
// textContent stays text); no script in it runs.
//
// The first opt-in to the live model reloads the audience page cross-origin isolated (threads.js).
// An isolated page gets a browsing context group of its own, so a speaker view opened before that
// loses its `window.opener`: the one line reveal.js's notes plugin talks over (heartbeat, slide
// changes). Then the plugin's messages travel over the channel instead (notesRelay), both ways, and
// the previews follow the reloaded audience window.
import { preview } from "./preview.js";

const MIRROR_MS = 100;
const WIDGETS = ".demo[data-demo], .snapshot-completion[data-prompt]";   // (a completion snapshot branches once live)
const OWN_ATTRS = new Set(["inert", "data-bound", "data-live-bound", "data-mirror"]);   // this window's, kept
const me = Math.random().toString(36).slice(2);
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`deck-mirror:${location.pathname}`) : null;
const widgets = () => [...document.querySelectorAll(WIDGETS)];
// The page's window surface (README, "The page's scripts"): a preview follows the audience window
// that opened the speaker view, found by this id (opener() below).
window.deckMirror = Object.freeze({ preview, id: me });

// ------------------------------------------------------------------ the audience window

// A widget as it is now: its markup, the values typed or moved (not in the markup), and where
// each scrolled region is (by position among the widget's elements).
function snapshot(root, index) {
  const values = [...root.querySelectorAll("[name]")].map((c) => [c.name, c.value, !!c.checked]);
  const all = root.querySelectorAll("*");
  const scroll = [];
  all.forEach((node, k) => { if (node.scrollTop || node.scrollLeft) scroll.push([k, node.scrollTop, node.scrollLeft]); });
  const attrs = [...root.attributes].filter((a) => !OWN_ATTRS.has(a.name)).map((a) => [a.name, a.value]);
  return { type: "widget", from: me, index, html: root.innerHTML, attrs, values, scroll };
}

function audience() {
  let listening = false;                 // a preview has said hello
  const dirty = new Set();
  let timer = null;
  const flush = () => {
    timer = null;
    const roots = widgets();
    for (const index of dirty) if (roots[index]) channel.postMessage(snapshot(roots[index], index));
    dirty.clear();
  };
  const touch = (index) => {
    if (!listening) return;
    dirty.add(index);
    if (!timer) timer = setTimeout(flush, MIRROR_MS);
  };
  widgets().forEach((root, index) => {
    new MutationObserver(() => touch(index)).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    for (const type of ["input", "change"]) root.addEventListener(type, () => touch(index));
    root.addEventListener("scroll", () => touch(index), { capture: true, passive: true });
  });
  channel.onmessage = ({ data }) => {
    if (data && data.type === "hello" && (!data.follow || data.follow === me)) {
      listening = true;
      widgets().forEach((root, index) => touch(index));
    }
    if (data && data.type === "notes" && data.to === me) notesAudience(data);
  };
  channel.postMessage({ type: "audience", from: me });   // a reloaded audience window: previews say hello again
}

// The audience window's end of the relay: a speaker view that lost its opener sends the notes
// plugin's messages here; they reach the plugin as if posted by that window, and its answers go back.
function notesAudience(data) {
  const view = { closed: false, focus() {}, location: { origin: location.origin },
    postMessage(message) { channel.postMessage({ type: "notes-back", to: data.from, message }); } };
  const event = new MessageEvent("message", { data: data.message, origin: location.origin });
  Object.defineProperty(event, "source", { value: view });     // the plugin answers event.source
  window.dispatchEvent(event);
}

// ------------------------------------------------------------------ a preview in the speaker view

const NOTE = "Speaker view: a copy of the audience's widget, kept in step. Use the widget in the presentation window.";

function apply(root, data) {
  root.innerHTML = data.html;                             // the audience page's own serialized DOM
  for (const name of root.getAttributeNames()) if (!OWN_ATTRS.has(name)) root.removeAttribute(name);
  for (const [name, value] of data.attrs) root.setAttribute(name, value);
  const controls = root.querySelectorAll("[name]");
  data.values.forEach(([name, value, checked], k) => {
    const c = controls[k];
    if (!c || c.name !== name) return;
    if (c.type === "checkbox" || c.type === "radio") c.checked = checked; else c.value = value;
  });
  const all = root.querySelectorAll("*");
  for (const [k, top, left] of data.scroll) if (all[k]) { all[k].scrollTop = top; all[k].scrollLeft = left; }
  note(root);
}

function note(root) {
  root.inert = true;                      // not focusable, not clickable: the audience's widget is the real one
  root.dataset.mirror = "preview";
  const head = root.querySelector(".demo-head") || root;
  if (!head.querySelector(".demo-mirror-note")) {
    const p = document.createElement("p");
    p.className = "demo-mirror-note";
    p.textContent = NOTE;
    head.append(p);
  }
}

// A preview's speaker window, and the window that opened it (set by speakerPreview).
let speaker = null, realOpener = null;
// That opener while the speaker view can still reach it, else null.
function opener() {
  try { return realOpener && !realOpener.closed && realOpener.deckMirror ? realOpener : null; }
  catch (err) { return null; }
}

// The speaker window's end of the relay, once its opener is out of reach (set up by one preview
// per speaker window): the plugin reads `window.opener` at each call, so a stand-in that sends
// over the channel replaces it; the audience's answers come back as messages to the speaker window.
function notesRelay(leader) {
  if (speaker.deckNotesRelay) return;
  speaker.deckNotesRelay = { opener: realOpener };
  speaker.opener = {
    closed: false, focus() {}, location: { origin: location.origin },
    postMessage(message) { channel.postMessage({ type: "notes", from: me, to: leader(), message }); },
  };
  channel.addEventListener("message", ({ data }) => {
    if (data && data.type === "notes-back" && data.to === me) speaker.postMessage(data.message, "*");
  });
}

function speakerPreview() {
  widgets().forEach(note);
  speaker = window.top;
  realOpener = speaker.deckNotesRelay ? speaker.deckNotesRelay.opener : speaker.opener;
  // Follow the window that opened the speaker view; once it is out of reach (reloaded isolated),
  // the audience window that announced itself last: that reload.
  let leader = opener() && opener().deckMirror.id;
  const hello = () => channel.postMessage({ type: "hello", follow: leader });
  channel.onmessage = ({ data }) => {
    if (data && data.type === "audience") {
      const reachable = opener();
      if (!reachable || reachable.deckMirror.id === data.from) leader = data.from;
      if (!reachable) notesRelay(() => leader);
      hello();
      return;
    }
    if (!data || data.type !== "widget" || (leader && data.from !== leader)) return;
    const root = widgets()[data.index];
    if (root) apply(root, data);
  };
  hello();
}

if (channel) (preview ? speakerPreview : audience)();    // a module runs once the document is parsed
