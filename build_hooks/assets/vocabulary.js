// How the deck shows a token, a probability and its colour in the browser: the rules of
// demos/vocabulary.py (which the build renders with), written once here for every widget.
// tests/test_vocabulary_browser.py checks in Chromium that both give the same text for the same data.
//
//   label("␣")    a token's whitespace made visible: ␣ space, ↵ newline, ⇥ tab; ∅ for the empty token
//   pieceText(bytes), pieceLabel(bytes)   a token's bytes as running text / as a label; bytes that are
//                 not whole UTF-8 characters read as hex, "⟨F0 9F⟩"
//   quoted(text)  a token inside a sentence: in quotes, spaces kept, newline and tab written \n and \t
//   excerpt(prompt)  a prompt in a caption: “…”, whitespace runs as one space, a long one cut to
//                 its first 28 and last 24 characters (code points, as Python counts them)
//   percent(p)    tenths of a percent, halves rounded up ("7.3%"); "<0.1%" for a tiny one; "0%" for zero
//   fixed(x, places)  x with `places` decimals, halves rounded up (a bar's width, a log-probability)
//   hue(p)        0 (red, unsure) to 120 (green, sure), on a square root
//
// Rounding is floor(x + 0.5) on doubles, as in Python (not Math.round or toFixed, whose halves differ).
export const WHITESPACE = { " ": ["␣", "space"], "\n": ["↵", "newline"], "\t": ["⇥", "tab"] };   // shown, its name
export const EMPTY = "∅";

export const label = (text) => text.replace(/[ \n\t]/g, (ch) => WHITESPACE[ch][0]) || EMPTY;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })   // a BOM is a token's text too;
const hex = (bytes) => "⟨" + Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ") + "⟩";
function decoded(bytes) {
  try { return utf8.decode(bytes); } catch (err) { return null; }
}
export const pieceText = (bytes) => decoded(bytes) ?? hex(bytes);
export const pieceLabel = (bytes) => { const text = decoded(bytes); return text === null ? hex(bytes) : label(text); };

export const quoted = (text) => `'${text.replace(/\n/g, "\\n").replace(/\t/g, "\\t") || EMPTY}'`;

export function excerpt(prompt) {
  const p = [...prompt.replace(/[ \t\n\r\f\v]+/g, " ")];
  if (p.length <= 60) return `“${p.join("")}”`;
  return `“${p.slice(0, 28).join("")} … ${p.slice(-24).join("")}” (${[...prompt].length.toLocaleString("en")} characters)`;
}

export function percent(p) {
  if (!(p > 0)) return "0%";
  const tenths = Math.floor(1000 * p + 0.5);
  return tenths ? `${Math.floor(tenths / 10)}.${tenths % 10}%` : "<0.1%";
}

export function fixed(x, places) {
  const n = Math.floor(x * 10 ** places + 0.5);
  const digits = String(Math.abs(n)).padStart(places + 1, "0"), sign = n < 0 ? "-" : "";
  return places ? `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}` : `${sign}${digits}`;
}

export const hue = (p) => Math.floor(120 * Math.sqrt(Math.max(0, Math.min(1, p))) + 0.5);
