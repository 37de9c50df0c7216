"""The rendered side of a deck: cut the HTML MkDocs rendered back into slides.

`slides.to_markdown` put a marker (a raw HTML `<div class="deck-slide-marker">`) before each slide
and the notes in a collapsed `<details class="note deck-notes">`. After Python-Markdown has run,
`split_rendered` finds those again and gives one `RenderedSlide` per slide: its HTML, its notes'
HTML and a stable anchor. `wrap_sections` writes the reading view (a `<section>` per slide);
`present.py` writes the reveal.js view from the same slides.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from build_hooks.deck.slides import MARKER_CLASS, NOTES_CLASS, NOTES_TITLE, SlideError

MARKER_RE = re.compile(rf'<div class="{MARKER_CLASS}" data-slide="(\d+)" data-line="(\d+)"></div>\n?')
NOTES_OPEN = f'<details class="note {NOTES_CLASS}">'
DETAILS_TAG_RE = re.compile(r"<(/?)details\b")
HEADING_ID_RE = re.compile(r'<h([1-6])[^>]*\bid="([^"]+)"')


@dataclass
class RenderedSlide:
    id: str           # stable anchor: "slide-" + the first heading's id, or "slide-N"
    html: str         # the slide's HTML, notes excluded
    notes_html: str   # the notes' inner HTML ("" when none)
    line: int         # first line in the raw file


def split_rendered(page_html: str, lines: list[int] | None = None, path: str = "deck.md") -> list[RenderedSlide]:
    """Cut a rendered deck page at the slide markers; pull each slide's notes out of its details block.

    `lines` are the slides' first lines as `split_slides` found them: a marker lost in rendering
    (swallowed by an unclosed HTML block) is reported at its slide's line.

    Example: [s.id for s in split_rendered(markdown(to_markdown(deck)))] == ["slide-t", "slide-two"]
    """
    parts = MARKER_RE.split(page_html)  # [before, n1, line1, html1, n2, line2, html2, ...]
    found = (len(parts) - 1) // 3
    if lines is not None and found != len(lines):
        seen_lines = {int(parts[2 + 3 * k]) for k in range(found)}
        lost = next((ln for ln in lines if ln not in seen_lines), lines[-1])
        raise SlideError(path, lost, "this slide's start was lost when the page was rendered; look for an "
                         "unclosed HTML tag (such as `<div markdown>`) in the slide before it")
    slides, seen = [], set()
    for k in range(found):
        n, line, chunk = int(parts[1 + 3 * k]), int(parts[2 + 3 * k]), parts[3 + 3 * k]
        if k == 0:
            chunk = parts[0] + chunk  # anything before the first marker belongs to slide 1
        chunk, notes = _take_notes(chunk)
        h = HEADING_ID_RE.search(chunk)
        anchor = f"slide-{h[2]}" if h else f"slide-{n}"
        while anchor in seen:
            anchor = f"{anchor}-{n}"
        seen.add(anchor)
        slides.append(RenderedSlide(id=anchor, html=chunk.strip() + "\n", notes_html=notes, line=line))
    return slides


def _take_notes(chunk: str) -> tuple[str, str]:
    """Remove the notes' details block from a slide's HTML; return (rest, notes inner HTML).

    Example: _take_notes('<p>a</p><details class="note deck-notes"><summary>S</summary><p>n</p></details>')
             == ("<p>a</p>", "<p>n</p>")
    """
    start = chunk.find(NOTES_OPEN)
    if start < 0:
        return chunk, ""
    depth = 0
    for m in DETAILS_TAG_RE.finditer(chunk, start):  # find the matching </details>, nesting allowed
        depth += -1 if m[1] else 1
        if depth == 0:
            inner = chunk[start + len(NOTES_OPEN):m.start()]
            inner = re.sub(r"^\s*<summary>.*?</summary>", "", inner, count=1, flags=re.S)
            rest = chunk[:start] + chunk[m.end() + len(">"):]
            return rest, inner.strip()
    return chunk, ""


def wrap_sections(slides: list[RenderedSlide]) -> str:
    """The reading view: each slide a `<section class="slide" id=...>`, notes back as a collapsed block.

    Example: wrap_sections([RenderedSlide("slide-a", "<h2>A</h2>", "", 6)])
             == '<section class="slide" id="slide-a" data-line="6">\\n<h2>A</h2>\\n</section>\\n'
    """
    out = []
    for s in slides:
        notes = ""
        if s.notes_html:
            notes = (f'<details class="note {NOTES_CLASS}">\n<summary>{html.escape(NOTES_TITLE)}</summary>\n'
                     f'{s.notes_html}\n</details>\n')
        out.append(f'<section class="slide" id="{s.id}" data-line="{s.line}">\n{s.html}{notes}</section>\n')
    return "".join(out)
