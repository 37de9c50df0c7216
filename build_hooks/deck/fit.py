"""Will each slide fit a 1280x720 projector at readable sizes? An estimate made at build time.

Present mode never shrinks a slide (present.js): text stays at least 16 px (code and captions
14 px) on a 1280x720 stage. A slide with too much on it must be split, so the build fails:

    slides/08-sampling.md:79: slide "Try it: move the temperature yourself" needs about 812 px of
    height; a 1280x720 slide has 668 px for content (about 144 px too much). Split it at a `---`
    line, or move text to the notes (`Note:`)

No browser runs during a build (GitHub Pages has none), so this is an estimate from the slide's
rendered HTML, with the sizes of present.css: text wraps at an average glyph width, code and
table rows have fixed heights, a widget is measured from its controls and its output, a figure
from its SVG size (measure.py holds those measures; this module stacks a slide's blocks with them
and reports the slides that do not fit). It errs on the generous side (a slide it passes may still be a few lines too
tall); tests/test_room_browser.py measures the real height of every slide in Chromium.

Example:
>>> estimate('<h2>Hi</h2><p>One short line.</p>') < STAGE.content_height
True
"""

from __future__ import annotations

import html
import math
import re

from build_hooks.deck import measure
from build_hooks.deck.measure import HEADINGS, STAGE, UNSEEN, Node, lines, parse, svg_head, svg_height
from build_hooks.memo import Memo, code_of, digest

# Elements that flow inside a line of text: a run of them (and of text) wraps as one paragraph.
INLINE = {"a", "code", "em", "strong", "span", "q", "kbd", "sup", "sub", "b", "i", "button", "small", "abbr",
          "mark", "s", "del", "ins", "u", "output", "label", "time"}


# Stacking blocks (measure.py: the stage, the tree, a text's lines) ----------------------------

def height(node: Node, width: float, size: float, figures=None) -> float:
    """The estimated height in px of a node's children laid out as blocks in `width` at `size`."""
    total, inline = 0.0, []
    for child in node.children:
        if isinstance(child, str) or child.tag in INLINE:
            inline.append(child if isinstance(child, str) else child.text())
            continue
        if "".join(inline).strip():
            total += lines("".join(inline), width, size) * size * STAGE.line
        inline = []
        total += block(child, width, size, figures)
    if "".join(inline).strip():
        total += lines("".join(inline), width, size) * size * STAGE.line
    return total


def block(node: Node, width: float, size: float, figures=None) -> float:
    """One block element's height, margins included (the sizes of present.css)."""
    tag, cls = node.tag, node.classes
    if tag in ("aside", "script", "style") or cls & UNSEEN:
        return 0
    if tag in HEADINGS:
        h = size * HEADINGS[tag]
        return lines(node.text(), width, h) * h * 1.2 + 0.4 * h
    if "demo" in cls:
        return widget(node)
    if "deck-follow" in cls:            # the QR code block (deck/qr.py): 200 px square, text beside it
        return 200 + 0.8 * size
    if "snapshot" in cls:
        return height(node, width, 20, figures) + 0.8 * 20
    if "snap-completion" in cls:        # tokens as buttons, line-height 1.8 (present.css)
        return lines(node.text(), width, size) * size * 1.8 + 0.4 * size
    if tag == "p":
        return height(node, width, size, figures) + 0.5 * size
    if tag in ("ul", "ol"):
        return sum(height(li, width - 34, size, figures) + 0.2 * size for li in node.all("li")
                   if li in node.children) + 0.3 * size
    if tag == "pre":
        return lines(node.text(), width - 32, 18, STAGE.mono, pre=True) * 18 * 1.3 + 18 + 18
    if tag == "table":
        font = 20
        rows = list(node.all("tr"))
        return sum(max(1, max((lines(td.text(), width / max(1, len(tr.children)), font)
                               for td in tr.all() if td.tag in ("td", "th")), default=1)) * font * 1.35 + 4
                   for tr in rows) + 0.6 * size
    if tag == "img":
        src = node.attrs.get("src", "")
        path = figures(src) if figures else None
        return (svg_height(path, width) if path else 460) + 30       # its margins (0.4em) and line box
    if tag == "figcaption":             # 18 px under a figure, 16 px under a snapshot (20 px text)
        cap = min(18, 0.8 * size)
        return lines(node.text(), width, cap) * cap * STAGE.line
    if tag == "details" and "open" not in node.attrs:     # closed: only its summary shows
        summary = next((c for c in node.all("summary")), None)
        return (lines(summary.text(), width, size * 0.8) * size * 0.8 * STAGE.line if summary else 0) + 0.4 * size
    if tag in ("details",) or "admonition" in cls:
        return height(node, width - 40, 22, figures) + 0.6 * size + 10
    if tag == "summary" or "admonition-title" in cls:
        return lines(node.text(), width, 22) * 22 * STAGE.line + 10
    return height(node, width, size, figures)


def button_rows(node: Node, width: float) -> float:
    """The height of a widget's visible buttons: a run of buttons side by side in one parent shares
    rows (the controls wrap, widgets.css), as many to a row as fit; a button too wide wraps its text.

    Example:
    >>> button_rows(parse('<div><button>Generate</button><button>Draw</button></div>'), 400)
    52
    >>> button_rows(parse('<div><button>Generate</button><p>x</p><button>Draw</button></div>'), 400)
    104
    """
    total, gap = 0, 19                         # 1.2em between controls
    for parent in [node, *node.all()]:
        run = []
        for child in [*parent.children, None]:
            if isinstance(child, str) and not child.strip():
                continue
            if isinstance(child, Node) and child.tag == "button":
                if "hidden" not in child.attrs and "snap-tok" not in child.classes:
                    run.append(child)
                continue
            for row in _rows(run, width, gap):
                total += max(lines(b.text(), width - 32, 20) for b in row) * 26 + 18 + 8
            run = []
    return total


def _rows(buttons: list, width: float, gap: float) -> list:
    """Buttons packed into rows of `width` px, in order (20 px text, 16 px padding each side)."""
    rows, used = [], width
    for b in buttons:
        w = min(width, len(" ".join(b.text().split())) * 20 * STAGE.glyph + 32)
        if rows and used + gap + w <= width:
            rows[-1].append(b)
            used += gap + w
        else:
            rows.append([b])
            used = w
    return rows


def widget(node: Node) -> float:
    """A live widget in present mode: a head line, controls on the left (2/5), output on the right."""
    left_w, right_w, small = (STAGE.content_width - 28 - 24) * 0.4, (STAGE.content_width - 28 - 24) * 0.6, 16
    row = small * STAGE.line
    left, pairs, ranges = 0.0, 0, 0
    for field in node.all("label", "demo-field"):
        control = next((c for c in field.all() if c.tag in ("input", "select", "textarea")), None)
        kind = control.attrs.get("type", control.tag) if control else ""
        if control is not None and control.tag == "textarea":       # rows shown, as in present.css
            rows = (6 if "demo-code" in node.classes else 2 if "demo-live" in node.classes
                    else 4 if "demo-corpus-field" in field.classes else 3)
            left += row + rows * row + 12 + 8
        elif kind == "range" and "demo-half" in field.classes:   # two to a row
            ranges += 1
        elif kind == "range":
            left += row + 28 + 8
        else:
            pairs += 1
    left += math.ceil(pairs / 2) * (row + 34 + 8) + math.ceil(ranges / 2) * (row + 28 + 8)
    left += button_rows(node, left_w)
    right = 0.0
    bars = sum(1 for _ in node.all("li", "demo-bar"))
    right += bars * (small * 1.25 + 0.2)
    for pre in node.all("pre", "demo-text"):
        right += min(lines(pre.text(), right_w, small, STAGE.mono, pre=True), 7.5 / 1.3) * row + 16
    for table in (t for t in node.all("table") if "hidden" not in t.attrs):    # a hidden one: filled once used
        right += sum(1 for _ in table.all("tr")) * (18 * 1.3 + 8)
        right += sum(lines(c.text(), right_w, small) * row for c in table.all("caption"))   # 16 px, no padding
    chips = list(node.all("span", "demo-token"))
    if chips:
        width = sum(len(c.text()) * small * STAGE.mono + 12 for c in chips)
        right += math.ceil(width / right_w) * (2 * row + 6) + row
    if any(True for _ in node.all("p", "demo-context")):
        right += row
    if any(True for _ in node.all("p", "demo-live-speed")):    # the live widget's tokens/s, after a Generate
        right += row + 10
    notes = [p.text() for p in node.all("p", "demo-note")]
    if "demo-live" in node.classes:      # present.css puts the live widget's notes under its output
        right += sum(lines(n, right_w, small) * row + 10 for n in notes)
        notes = []
    note = " ".join(notes) if len(notes) < 2 else ""
    below = sum(lines(n, STAGE.content_width, small) * row + 10 for n in notes) if len(notes) > 1 else 0
    head = 20 * STAGE.line + 4
    slack = 12      # borders, the gaps between fields: rather too much than a slide that spills
    return (slack + head + max(left, right) + below + (lines(note, STAGE.content_width, small) * row if note else 0)
            + 24 + 0.6 * 20)


def estimate(chunk: str, figures=None) -> float:
    """Estimated content height (px) of one slide's HTML on the 1280x720 stage."""
    return height(parse(chunk), STAGE.content_width, STAGE.body, figures)


FIT_CODE = code_of(__file__, measure.__file__)       # the code of an estimate, for a Memo of them
_IMG = re.compile(r"<img\b", re.I)
_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+)""", re.I)


def remembered(chunk: str, figures=None, memo: Memo | None = None) -> float:
    """estimate(chunk, figures), read from `memo` when an earlier build saw the same slide HTML
    with the same figures (the start of each SVG, where its size is). Parsing the HTML is most
    of an estimate's cost, and most slides are unchanged from one build to the next.

    Example:
    >>> memo = Memo(None, FIT_CODE)
    >>> remembered('<h2>Hi</h2>', memo=memo) == remembered('<h2>Hi</h2>', memo=memo) == estimate('<h2>Hi</h2>')
    True
    >>> memo.misses
    1
    """
    srcs = [html.unescape(s.strip("\"'")) for s in _SRC.findall(chunk)]
    if memo is None or len(srcs) != len(_IMG.findall(chunk)):     # an <img> the key would miss: no memo
        return estimate(chunk, figures)
    paths = [figures(src) if figures else None for src in srcs]
    key = digest(chunk, *(src + "\0" + (svg_head(path) if path else "\1") for src, path in zip(srcs, paths)))
    return memo.get(key, lambda: estimate(chunk, figures))


def title(chunk: str) -> str:
    heading = next((n for n in parse(chunk).all() if n.tag in HEADINGS), None)
    return " ".join(heading.text().split()) if heading else "(untitled)"


def check(slides, where: str, figures=None, memo: Memo | None = None) -> None:
    """Raise ValueError naming `where:line` for every slide estimated taller than the stage.

    `slides` are RenderedSlide-like objects (.html, .line); `figures(src)` maps an <img> src to
    its file (or None) so a figure counts with its real aspect ratio; `memo` keeps estimates
    between builds (remembered).
    """
    problems = []
    for s in slides:
        need = remembered(s.html, figures, memo)
        if need > STAGE.content_height:
            problems.append(f"{where}:{s.line}: slide \"{title(s.html)}\" needs about {need:.0f} px of height; "
                            f"a {STAGE.width}x{STAGE.height} slide has {STAGE.content_height} px for content "
                            f"(about {need - STAGE.content_height:.0f} px too much) at projector sizes (text 16 px "
                            f"and up). Split it at a `---` line, or move text to the notes (`Note:`)")
    if problems:
        raise ValueError("\n".join(problems))
