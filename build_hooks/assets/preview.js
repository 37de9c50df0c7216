// Is this page a preview in reveal.js's speaker view? The notes plugin (S) loads the present page
// twice more, in iframes whose URL has `?receiver`: the current slide and the upcoming one. There
// nothing may start (no Python, no model, no warm-up): mirror.js shows the audience window's
// widgets instead. worker-bridge.js, live.js and present.js ask here.
export const preview = new URLSearchParams(location.search).has("receiver") && window.parent !== window;
