"""`python -m build_hooks pdf`: print the whole talk to a PDF handout, one slide a page.

    python -m build_hooks pdf --site site --out talk.pdf [--notes]

How: serve the built site on 127.0.0.1 from a thread (Pyodide and reveal.js need http://, not
file://), open present/index.html?print-pdf in headless Chromium through Playwright (reveal.js
lays out one `.pdf-page` per slide in that view), and let Chromium print it. `--notes` adds the
speaker notes under each slide (?print-pdf&notes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from build_hooks.files import FILE_MODE
from build_hooks.localhost import CHROMIUM, launch, serve


def print_pdf(site: Path, out: Path, notes: bool = False, chromium: str = CHROMIUM) -> int:
    """Print site/present/index.html?print-pdf to `out`; return the number of slides printed."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as pw:
            browser = launch(pw, chromium)
            try:
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda err: errors.append(str(err)))
                page.goto(base + "present/index.html?print-pdf" + ("&notes" if notes else ""))
                page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60_000)
                page.wait_for_selector(".pdf-page", state="attached", timeout=60_000)
                page.wait_for_timeout(500)  # widgets settle (fonts are embedded, nothing to fetch)
                if errors:
                    raise RuntimeError(f"the print view raised: {errors[0]}")
                slides = page.locator(".pdf-page").count()
                fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
                os.close(fd)
                try:
                    page.pdf(path=tmp, prefer_css_page_size=True, print_background=True)
                    os.chmod(tmp, FILE_MODE)
                    os.replace(tmp, out)  # never leave half a PDF behind
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
                return slides
            finally:
                browser.close()
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_hooks pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="site", help="the built site (default: site)")
    parser.add_argument("--out", default="talk.pdf", help="the PDF to write (default: talk.pdf)")
    parser.add_argument("--notes", action="store_true", help="print the speaker notes under each slide")
    args = parser.parse_args(argv)

    site, out = Path(args.site), Path(args.out)
    if not (site / "present" / "index.html").is_file():
        print(f"error: {site / 'present' / 'index.html'} not found: build the site first (`make site`, or "
              f"`mkdocs build --strict -d {site}`)", file=sys.stderr)
        return 1
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        print(f"error: Chromium not found at {CHROMIUM}: install Debian's `chromium` (apt-get install chromium) "
              "or point DECK_CHROMIUM at a Chromium binary", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    slides = print_pdf(site, out, notes=args.notes)
    print(f"wrote {out} ({slides} slides, one a page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
