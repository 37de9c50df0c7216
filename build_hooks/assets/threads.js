// Threads for the live model. llama.cpp (wllama) runs on several cores only where the page is
// "cross-origin isolated", which takes two response headers (COOP/COEP). GitHub Pages sends none,
// so the site brings its own service worker (deck-sw.js, at the site's root) that adds them to the
// site's pages and worker scripts, and passes everything else (the model's shards) untouched.
//
// Nothing of it happens before the reader opts in to the live model: a reader who never presses
// "Load the real model" (or opens ?live=1) gets no service worker and no reload. On opt-in, once:
// register the worker, reload the page (it now comes with the headers), and load the model at once
// after the reload. Later visits come through the worker from the first byte: no reload again.
// Where isolation cannot happen (a file, plain http on another machine, a browser that ignores the
// headers) the model runs on one thread and `why()` says so in words. sessionStorage remembers the
// reload for this tab, so a page that stays unisolated never reloads twice.
const ROOT = new URL("../../", import.meta.url);     // assets/deck/threads.js -> the site
const WORKER = new URL("deck-sw.js", ROOT);
const RELOADED = "deck-threads-reloaded";  // this tab reloaded once for isolation (sessionStorage)
const RESUME = "deck-live-resume";         // the reader opted in just before that reload: load at once
const WAIT_MS = 10000;                     // registering and activating the worker: give up after this

// How many threads the model gets on a device with `cores` logical cores (isolated pages only):
// every core up to 4; above that one is left for the page (drawing, Python's worker), and at most
// 8 (a 135M model gains little beyond; ggml's threads spin while they wait, hot for a laptop).
// Example: count(2) === 2, count(4) === 4, count(8) === 7, count(16) === 8; count(0) === 1.
export function count(cores) {
  const n = Math.max(1, Math.floor(cores) || 1);
  return Math.min(8, n <= 4 ? n : n - 1);
}

const session = {
  get(key) { try { return sessionStorage.getItem(key); } catch (err) { return "unavailable"; } },
  set(key, value) { try { sessionStorage.setItem(key, value); return true; } catch (err) { return false; } },
  drop(key) { try { sessionStorage.removeItem(key); } catch (err) { /* nothing kept */ } },
};

const canRegister = () => "serviceWorker" in navigator && window.isSecureContext && window.top === window;

// Why this page runs the model on one thread, in words for a reader (null: it can use threads).
export function why() {
  if (self.crossOriginIsolated) {      // WebKitGTK: isolated, yet no shared memory for WebAssembly
    return typeof SharedArrayBuffer === "function" ? null
      : "this browser does not let WebAssembly share memory between threads (no SharedArrayBuffer)";
  }
  if (location.protocol === "file:") return "this page was opened as a file; serve the site (make serve) for threads";
  if (!window.isSecureContext) {
    return `this browser is not cross-origin isolated (the site comes over plain http from ${location.host}; ` +
      "threads need https or this computer)";
  }
  if (!("serviceWorker" in navigator)) return "this browser is not cross-origin isolated (it offers no service worker here)";
  if (navigator.serviceWorker.controller || session.get(RELOADED)) return "this browser is not cross-origin isolated";
  return "this browser is not cross-origin isolated yet: press “Load the real model” on a slide once (the page " +
    "reloads, then the site's pages come isolated)";
}

function within(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out")), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function activated(registration) {
  const worker = registration.active || registration.waiting || registration.installing;
  if (!worker || worker.state === "activated") return Promise.resolve();
  return new Promise((resolve, reject) => worker.addEventListener("statechange", () => {
    if (worker.state === "activated") resolve();
    if (worker.state === "redundant") reject(new Error("the service worker did not install"));
  }));
}

// The reader opted in. Resolves true if the page is about to reload with isolation (the model
// loads after the reload), false if the model should load here and now (isolated already, or
// isolation cannot happen, or this tab already reloaded once for it).
export async function prepare() {
  if (self.crossOriginIsolated || !canRegister()) return false;
  if (navigator.serviceWorker.controller || session.get(RELOADED)) return false;    // a reload would not help
  try {
    const registration = await within(navigator.serviceWorker.register(WORKER.href, { scope: ROOT.href }), WAIT_MS);
    await within(activated(registration), WAIT_MS);
  } catch (err) {
    console.warn("threads: the site's service worker did not start; one thread:", err);
    return false;
  }
  if (!session.set(RELOADED, "1") || !session.set(RESUME, "1")) return false;   // no memory, no reload
  location.reload();
  return true;
}

// True once, on the load that follows prepare()'s reload: the model loads without a second click.
export function resume() {
  if (session.get(RESUME) !== "1") return false;
  session.drop(RESUME);
  return true;
}

// The threads to ask wllama for here: count() of this device's cores, 1 where not isolated.
// `?threads=N` in the page's URL (1 to 8) asks for N instead: for side-by-side measurements
// (bench/live.py), e.g. ?live=1&threads=1 against ?live=1&threads=2.
export function wanted() {
  if (!self.crossOriginIsolated || typeof SharedArrayBuffer !== "function") return 1;
  const asked = Number(new URLSearchParams(location.search).get("threads"));
  return asked >= 1 ? Math.min(8, Math.floor(asked)) : count(navigator.hardwareConcurrency);
}

// What the status line says: "2 threads", or "1 thread: why" (in words).
export function said(threads) {
  if (threads > 1) return `${threads} threads`;
  const reason = why();
  return reason ? `1 thread: ${reason}` : "1 thread";
}

// The page's window surface (README, "The page's scripts"): the preflight (check.js) asks said()
// in its frame of the talk. (The rest: for live.js, a classic script until it becomes a module.)
window.deckThreads = { count, why, prepare, resume, wanted, said };
