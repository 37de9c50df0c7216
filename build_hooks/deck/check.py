"""The presenter's preflight page, preflight/: one click before the talk checks this laptop.

The page itself is small: a button, a table of parts and a frame. assets/deck/check.js loads the
whole talk (present/) into the frame, as the talk will load it, and times each part it needs
(Pyodide, every widget's first computation, the live model from the browser's cache, threads,
storage left, no network needed), each row green or red with a sentence.

No MkDocs here: the plugin calls `write_check(...)` from on_post_build, after the present pages.
"""

from __future__ import annotations

import html
from pathlib import Path

from build_hooks.deck.present import OWN, doc_head
from build_hooks.files import atomic_write

INTRO = ("One click loads everything the talk needs, on this laptop and in this browser, the way the talk "
         "will load it: Python (Pyodide), every widget's first computation, the live model from the "
         "browser's cache and its first table. Then it says how many threads the model gets, how much "
         "storage is left, and whether the deck presents with no network. Run it in the browser you will "
         "present from, the first time with the network on, then again offline: everything should be green.")


FOLDER = "preflight"      # the page's folder under the site root (a deck may not take that name)


def render_check(site_name: str, lang: str = "en") -> str:
    """The check page's HTML, for preflight/ (its URLs are relative to that folder).

    Example: render_check("Talk") starts with "<!doctype html>" and holds a "Check this laptop" button
    """
    up = "../"
    return "\n".join([
        *doc_head(f"Before the talk: check this laptop · {site_name}", lang),
        f'<link rel="stylesheet" href="{up}{OWN}/check.css">',
        "</head>",
        '<body class="deck-check">',
        "<main>",
        "<h1>Before the talk: check this laptop</h1>",
        f"<p>{html.escape(INTRO)}</p>",
        '<p><button type="button" id="deck-check-run">Check this laptop</button></p>',
        '<p id="deck-check-summary" role="status" aria-live="polite"></p>',
        '<table id="deck-check"><caption>Each part the talk needs, in the order the talk loads it</caption>',
        ('<thead><tr><th scope="col">part</th><th scope="col">result</th><th scope="col">time</th>'
         '<th scope="col">what happened</th></tr></thead><tbody></tbody></table>'),
        '<p><a href="../present/">Present the talk</a> · <a href="../">Reading view</a></p>',
        "</main>",
        ('<iframe id="deck-check-frame" title="The talk, loaded for the check" width="1280" height="720"'
         ' tabindex="-1" aria-hidden="true"></iframe>'),
        f'<script src="{up}{OWN}/check.js" type="module"></script>',
        "</body>",
        "</html>",
        "",
    ])


def write_check(site_dir: str | Path, site_name: str) -> Path:
    """Write preflight/index.html; return its path. A page of the site already there (a deck named
    preflight.md) is refused by name rather than overwritten.

    Example: write_check("site", "Talk") -> Path("site/preflight/index.html")
    """
    path = Path(site_dir) / FOLDER / "index.html"
    if path.exists() and "deck-check-run" not in path.read_text(encoding="utf-8", errors="replace"):
        raise ValueError(f"a page of the site is at {FOLDER}/ (slides/{FOLDER}.md?), where the presenter's "
                         f"preflight check goes: rename that deck")
    atomic_write(path, render_check(site_name))
    return path
