"""Benchmark present mode's warm-up in headless Chromium, side by side in one run.

    .venv/bin/python bench/warmup.py [--site site/] [--runs 3] [--talk-ms 8000]

How long the room waits for the sampling widget once its slide is on the screen:
  cold    the slide is opened directly (a deep link): Python starts when the slide is shown
  warmed  the slide before it is shown for --talk-ms (the presenter talking), then → :
          present.js's `deck-warmup` started Python one slide ahead
Prints the median wait of each and their ratio; goal: warmed <= 100 ms when --talk-ms covers a
Pyodide start (about 3 s on a quiet machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_hooks import localhost  # noqa: E402  (after the sys.path line: runs as a plain script)

WIDGET = '.slides > section.present .demo[data-demo="sampling"]'
# ms from "the widget's slide is shown" to "its widget is ready" (0 when it already was)
WAIT = f"""() => new Promise((resolve) => {{
  const t0 = performance.now();
  const check = () => {{
    const w = document.querySelector('{WIDGET}');
    if (w && w.dataset.state === "ready") resolve(performance.now() - t0);
    else requestAnimationFrame(check);
  }};
  check();
}})"""


def widget_slide(page) -> int:
    return page.evaluate("""() => Reveal.getHorizontalSlides()
        .findIndex(s => s.querySelector('.demo[data-demo="sampling"]'))""")


def cold(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    index = widget_slide(page)
    page.goto(f"{url}#/{index}")
    page.reload()                      # a fresh start at the deep link: nothing warmed before
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    ms = page.evaluate(WAIT)
    context.close()
    return ms


def warmed(browser, url: str, talk_ms: int) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("i => Reveal.slide(i)", widget_slide(page) - 1)
    page.wait_for_timeout(talk_ms)
    page.keyboard.press("ArrowRight")
    ms = page.evaluate(WAIT)
    context.close()
    return ms


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--talk-ms", type=int, default=8000)
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "present" / "08-sampling" / "index.html").is_file():
        print(f"error: {site}/present/08-sampling/ is missing: build the site first (make site)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    server, base = localhost.serve(site)
    url = base + "present/08-sampling/"
    try:
        with sync_playwright() as pw:
            browser = localhost.launch(pw)
            colds, warms = [], []
            for _ in range(args.runs):         # alternate, so machine load hits both alike
                colds.append(cold(browser, url))
                warms.append(warmed(browser, url, args.talk_ms))
            browser.close()
    finally:
        server.shutdown()
    c, w = statistics.median(colds), statistics.median(warms)
    print(f"warm-up: wait for the sampling widget once its slide is shown, median of {args.runs}")
    print(f"  cold (deep link to the slide)            {c:8.0f} ms")
    print(f"  warmed ({args.talk_ms / 1000:g} s on the slide before)     {w:8.0f} ms   "
          f"({'goal met' if w <= 100 else 'goal: <= 100 ms'}; cold/warmed = {c / max(w, 1):.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
