// The site's own service worker: cross-origin isolation on a host that sends no headers (GitHub
// Pages). Served from the site's root, so it sees every page of the site; registered by
// assets/deck/threads.js only once the reader opts in to the live model.
//
// It adds two headers to the site's own pages (and frames) and worker scripts:
//   Cross-Origin-Opener-Policy: same-origin       the page gets a browsing context of its own
//   Cross-Origin-Embedder-Policy: require-corp    everything it embeds is the site's own (or says it may be)
// With both, the browser sets `crossOriginIsolated`, SharedArrayBuffer exists, and llama.cpp in
// WebAssembly can run on several threads. (require-corp, not credentialless: the site loads
// nothing from other origins, and require-corp is the one every isolating browser knows.)
//
// Every other request is left alone: no respondWith, the browser fetches it as if this worker did
// not exist. That includes the model's shards (~100 MB): Firefox cuts long responses that pass
// through a service worker. Nothing is cached here; the model's cache is wllama's own (OPFS).
"use strict";

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// A page, a frame or a worker script of this site: the responses that carry the policy.
function carriesPolicy(request) {
  if (new URL(request.url).origin !== self.location.origin) return false;
  if (request.mode === "navigate") return true;
  return request.destination === "worker" || request.destination === "sharedworker";
}

function isolated(response) {
  // An opaque redirect (a folder URL without its slash) or an error: passed on as it came.
  if (response.status === 0 || response.type === "opaqueredirect") return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!carriesPolicy(request)) return;                 // untouched: straight to the network
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  event.respondWith(fetch(request).then(isolated));
});
