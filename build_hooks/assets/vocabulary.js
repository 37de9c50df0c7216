// How the deck shows a token, a probability and its colour in the browser: the rules of
// demos/vocabulary.py (which the build renders with), written once here for every widget.
// tests/test_vocabulary_browser.py checks in Chromium that both give the same text for the same data.
//
//   label("␣")    a token's whitespace made visible: ␣ space, ↵ newline, ⇥ tab; ∅ for the empty token
//   percent(p)    tenths of a percent, halves rounded up ("7.3%"); "<0.1%" for a tiny one; "0%" for zero
//   hue(p)        0 (red, unsure) to 120 (green, sure), on a square root
//
// Rounding is floor(x + 0.5) on doubles, as in Python (not Math.round or toFixed, whose halves differ).
export const WHITESPACE = { " ": "␣", "\n": "↵", "\t": "⇥" };
export const EMPTY = "∅";

export const label = (text) => text.replace(/[ \n\t]/g, (ch) => WHITESPACE[ch]) || EMPTY;

export function percent(p) {
  if (!(p > 0)) return "0%";
  const tenths = Math.floor(1000 * p + 0.5);
  return tenths ? `${Math.floor(tenths / 10)}.${tenths % 10}%` : "<0.1%";
}

export const hue = (p) => Math.floor(120 * Math.sqrt(Math.max(0, Math.min(1, p))) + 0.5);

// live*.js (classic scripts until they become modules) read the rules here.
window.deckVocabulary = Object.freeze({ label, percent, hue, WHITESPACE, EMPTY });
