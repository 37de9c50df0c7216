// Debian's Firefox ESR over WebDriver BiDi (npm puppeteer-core; it never downloads a browser),
// driven by the Python tests (tests/browsers.py) one JSON line at a time:
//
//   stdin   {"id": 1, "op": "goto", "url": "..."}        stdout   {"id": 1, "ok": null}
//           {"id": 2, "op": "eval", "expr": "..."}                {"id": 2, "ok": <the value, awaited>}
//           {"id": 3, "op": "click", "selector": "..."}           {"id": 3, "err": "what went wrong"}
//           {"id": 4, "op": "press", "key": "ArrowRight"}
//           {"id": 5, "op": "windows"}                            {"id": 5, "ok": ["title url", ...]}
//           {"id": 6, "op": "use", "index": 1}     (later ops go to that window, e.g. a popup)
//
// The browser closes when stdin does.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.DECK_FIREFOX || "/usr/bin/firefox-esr",
  headless: true,
  protocolTimeout: 600_000,                 // a wait for the model runs inside one evaluate
  extraPrefsFirefox: {                      // nothing calls home: this machine has no network to give
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "browser.safebrowsing.update.enabled": false,
  },
});
let page = (await browser.pages())[0] || await browser.newPage();   // the first tab: windows() in order

const ops = {
  goto: async ({ url }) => { await page.goto(url, { waitUntil: "load", timeout: 120_000 }); return null; },
  eval: ({ expr }) => page.evaluate(expr),
  click: async ({ selector }) => { await page.click(selector); return null; },
  press: async ({ key }) => { await page.keyboard.press(key); return null; },
  hold: async ({ selector, src, dx }) => {      // press on it, run src in the page, release dx px right
    const target = await page.$(selector);
    await target.scrollIntoView();
    const box = await target.boundingBox();
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.evaluate(`(${src})()`);
    if (dx) await page.mouse.move(x + dx, y, { steps: 4 });
    await page.mouse.up();
    return null;
  },
  version: () => browser.version(),
  windows: async () => Promise.all((await browser.pages()).map(async (p) => `${await p.title()} ${p.url()}`)),
  use: async ({ index }) => { page = (await browser.pages())[index]; return null; },
};

const write = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const msg = JSON.parse(line);
  try {
    const value = await ops[msg.op](msg);
    write({ id: msg.id, ok: value === undefined ? null : value });
  } catch (err) {
    write({ id: msg.id, err: String((err && err.message) || err) });
  }
}
await browser.close();
