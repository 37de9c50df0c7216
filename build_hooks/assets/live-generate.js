// Generate: the live model writes, one seeded token at a time, on the shared engine of
// live-engine.js. Each step: the engine's distribution over the whole vocabulary crosses to the
// Python worker once, as typed arrays; the deck's sampler there
// (demos/live.py -> demos/sampling.py, exactly, with demos/quick.py's shortcut) picks the token;
// the engine reads it and gives the next distribution. No sampler is written in JavaScript.
// Any widget can import generate(); live-widget.js's Generate button and live-branch.js's branches do.
import { bridge } from "./widgets.js";
import { engine } from "./live-engine.js";
import { needed, python } from "./live.js";

// generate({prompt, prefix, n, settings, seed, onToken, stop}) -> {ids, ms, tokens}
//   prompt    the text the model reads first
//   prefix    token ids already generated after it (a branch taken at step k: its first k
//             tokens); they are read, not drawn, and drawing starts at step prefix.length
//   n         how many tokens to draw
//   settings  {temperature, top_k, top_p[, min_p]} as demos/live.draw takes them
//   seed      the generation's seed; step s draws from its own stream (seed, s)
//   onToken   called with (pick, step) as soon as a token is drawn (pick: demos/live.draw's
//             answer: id, prob, u, after, top 5); not awaited, so the page draws while the engine reads
//   stop      optional () => true to end early (a newer request)
// ms is the time from the first draw to the last (the prompt's reading not included), over
// `tokens` tokens drawn: the reader's own speed, measured on this device.
export async function generate({ prompt, prefix = [], n, settings, seed, onToken = () => {}, stop = () => false }) {
  const top = needed(settings);
  const ready = bridge.start();
  let dist = await engine.distribution(prompt, prefix.length ? 1 : top);
  if (prefix.length) dist = await engine.extendAll(prefix, top, dist);
  await ready;                                   // Python's start is not the model's speed
  const ids = [];
  const t0 = performance.now();
  for (let k = 0; k < n && !stop(); k++) {
    const step = prefix.length + k;
    const pick = await python("live_draw", { ...settings, seed, step }, null, dist);
    ids.push(pick.id);
    // the engine reads the token first: the page's label look-ups (onToken) queue behind it and
    // run while Python draws the next one, not in front of it
    const next = k + 1 < n ? engine.extend(pick.id, top, dist) : null;   // from this text, whatever ran since
    onToken(pick, step);
    if (next) dist = await next;
  }
  return { ids, ms: performance.now() - t0, tokens: ids.length };
}

// "60 tokens in 4.1 s: 14.6 tokens/s on this device"
export function speed({ tokens, ms }) {
  const perS = tokens / (ms / 1000);
  return { perS, text: `${tokens} token${tokens === 1 ? "" : "s"} in ${(ms / 1000).toFixed(1)} s: `
    + `${perS.toFixed(1)} tokens/s on this device` };
}

