// The presenter's preflight check (preflight/, written by build_hooks/deck/check.py).
//
// One click loads the whole talk (present/) in a frame of this page, as the talk will load it on
// this laptop, and times each part it needs: Python (Pyodide), every widget's first computation,
// the live model from the browser's cache and its first table, then says how many threads the
// model runs on, how much storage the browser has left and whether the deck presents without a
// network. Each part is a row: passed (green) or failed (red), its time, and a sentence that says
// what happened and, on failure, what to do. Nothing here computes anything itself: the parts are
// the talk's own widgets, in the talk's own page.
const LIMIT = 180000;                // ms a part may take before it counts as failed
const STORAGE_NEEDED = 300e6;        // bytes: the model (~100 MB) and Pyodide (~14 MB), with room to spare
const table = document.querySelector("#deck-check tbody");
const button = document.getElementById("deck-check-run");
const summary = document.getElementById("deck-check-summary");
const frame = document.getElementById("deck-check-frame");

function row(name) {
  const tr = document.createElement("tr");
  tr.dataset.state = "running";
  for (const text of [name, "running…", "", ""]) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  table.append(tr);
  return tr;
}

function within(promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${LIMIT / 1000} s`)), LIMIT);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// Run one part: its row turns green with what it says, or red with the reason.
async function part(name, task) {
  const tr = row(name);
  const t0 = performance.now();
  try {
    const said = await within(Promise.resolve().then(task), name);
    tr.dataset.state = "passed";
    tr.children[1].textContent = "passed";
    tr.children[3].textContent = said;
  } catch (err) {
    tr.dataset.state = "failed";
    tr.children[1].textContent = "failed";
    tr.children[3].textContent = err.message || String(err);
  }
  tr.children[2].textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  return tr.dataset.state === "passed";
}

function until(test, what) {
  return within(new Promise((resolve) => {
    const look = () => { const v = test(); if (v) resolve(v); else setTimeout(look, 50); };
    look();
  }), what);
}

function loadTalk() {
  return within(new Promise((resolve, reject) => {
    frame.onload = () => resolve(frame.contentWindow);
    frame.onerror = () => reject(new Error("the talk's page did not load"));
    frame.src = new URL(`../present/?check=${Date.now()}`, location.href).href;
  }), "loading the talk's page");
}

// What a widget shows when its first computation failed (its error box or its status line).
function failure(root) {
  const box = root.querySelector(".demo-error:not([hidden])");
  if (box && box.textContent.trim()) return box.textContent.trim().split("\n").pop();
  const status = root.querySelector(".demo-status");
  const text = status ? status.textContent : "";
  return /^(Error|Live demo unavailable)/.test(text) ? text : null;
}

function where(root) {
  const slide = root.closest("section.slide");
  const heading = slide && slide.querySelector("h1, h2, h3");
  if (!heading) return "a slide";
  const text = heading.cloneNode(true);
  for (const link of text.querySelectorAll(".headerlink")) link.remove();     // the ¶ permalink
  return `“${text.textContent.trim()}”`;
}

// Bytes this site keeps in the browser (the model's shards are in its origin-private storage).
async function stored() {
  if (!navigator.storage || !navigator.storage.estimate) return null;
  return (await navigator.storage.estimate()).usage || 0;
}

async function run() {
  button.disabled = true;
  table.replaceChildren();
  summary.textContent = "Checking…";
  let win = null;
  const results = [];
  results.push(await part("The talk's page (present/)", async () => {
    win = await loadTalk();
    await until(() => win.deckBridge && win.deckDemos && win.deckLive && win.Reveal && win.Reveal.isReady(), "starting the page");
    const slides = win.Reveal.getTotalSlides();
    return `${slides} slides, ${win.document.querySelectorAll(".demo[data-demo]").length} widgets.`;
  }));
  if (!win) { finish(results); return; }
  results.push(await part("Python (Pyodide) in its Web Worker", async () => {
    try {
      await win.deckBridge.start();
    } catch (err) {
      throw new Error(`Python could not start (${win.deckBridge.plain(err)}): the widgets would keep their static render. ` +
                      "Check that the site has assets/vendor/pyodide/ (npm ci, then build again).");
    }
    return "ready.";
  }));
  for (const widget of win.deckDemos.widgets) {
    results.push(await part(`${widget.kind} widget on ${where(widget.root)}: first computation`, async () => {
      widget.touched = true;
      await widget.update();
      const why = failure(widget.root);
      if (why) throw new Error(`it showed an error: ${why}`);
      const status = widget.root.querySelector(".demo-status");
      return status ? status.textContent.replace(/^Live: /, "") : "done.";
    }));
  }
  const engine = win.deckLive.engine;
  const live = win.document.querySelector('.demo[data-demo="live"]');
  if (engine.config) {
    results.push(await part("The live model, from this browser's cache", async () => {
      const why = engine.obstacle();
      if (why) throw new Error(why);
      const before = await stored();       // the engine reads a cached model; a new one is written to storage
      await engine.load();
      const after = await stored();
      const mb = before === null ? 0 : (after - before) / 1e6;
      if (mb > 10) {
        throw new Error(`it was not in this browser's cache: ${Math.round(mb)} MB came over the network just now. ` +
                        "Run the check again: from now on it loads from the cache, with no network.");
      }
      return `${engine.config.name} loaded from this browser's cache (${Math.round(engine.config.bytes / 1e6)} MB), nothing downloaded.`;
    }));
    if (live) {
      results.push(await part(`live widget on ${where(live)}: first table`, async () => {
        await until(() => live.querySelector('.demo-live-table[data-error="true"]') || (!live.dataset.busy
                          && (live.querySelector(".demo-live-rest") || {dataset: {}}).dataset.after !== undefined), "the live table");
        const t = live.querySelector(".demo-live-table");
        if (t.dataset.error) throw new Error(t.caption.textContent);
        return `${t.caption.textContent}: ${live.querySelector("tr.demo-live-row code").textContent} first.`;
      }));
    }
    results.push(await part("Threads for the model", () => {
      if (engine.state !== "live") throw new Error("the model is not loaded, so it runs on no thread");
      // threads.js says why in words ("1 thread: this browser is not cross-origin isolated ...")
      const said = win.deckThreads ? win.deckThreads.said(engine.threads) : `${engine.threads} thread(s)`;
      return engine.threads > 1 ? `${said}: this page is cross-origin isolated (the site's service worker adds the headers).`
        : `${said}. llama.cpp runs single-threaded: Generate is slower, every number is the same.`;
    }));
  }
  results.push(await part("Storage left for this site", async () => {
    if (!navigator.storage || !navigator.storage.estimate) throw new Error("this browser does not say how much storage is left");
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    const left = quota - usage;
    const text = `${Math.round(left / 1e6).toLocaleString("en")} MB left (${Math.round(usage / 1e6)} MB used)`;
    if (left < STORAGE_NEEDED) throw new Error(`${text}: the model's cache needs about ${STORAGE_NEEDED / 1e6} MB; free some disk space`);
    return `${text}.`;
  }));
  results.push(await part("Presents with no network", () => {
    const here = location.origin;
    const elsewhere = [...performance.getEntriesByType("resource"), ...win.performance.getEntriesByType("resource")]
      .map((e) => new URL(e.name).origin).filter((o) => o !== here);
    if (elsewhere.length) throw new Error(`the talk loaded files from ${[...new Set(elsewhere)].join(", ")}: those need the network`);
    const local = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(location.hostname);
    if (!local) {
      throw new Error(`every file comes from ${location.host}, which needs the network; serve the built site from ` +
                      "this laptop for the talk (make serve, or python3 -m http.server -d site)");
    }
    return `every file comes from this laptop (${location.host}): no network needed.`;
  }));
  finish(results);
}

function finish(results) {
  const failed = results.filter((ok) => !ok).length;
  summary.textContent = failed ? `${failed} of ${results.length} parts failed: see the red rows.`
    : `All ${results.length} parts passed: this laptop is ready for the talk.`;
  document.body.dataset.check = failed ? "failed" : "passed";
  button.disabled = false;
}

button.addEventListener("click", () => { run().catch((err) => { summary.textContent = `The check stopped: ${err.message}`; button.disabled = false; }); });
