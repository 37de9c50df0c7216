"""The measures a slide's fit estimate (fit.py) is made of: the 1280x720 stage's sizes, a slide's
HTML as a tree of nodes, how many lines a text takes at a size, how tall a figure is drawn.

All of it stands in for a browser at build time (GitHub Pages has none): the sizes are
present.css's, the text widths an average glyph's.

Example:
>>> slide = parse('<h2>Hi</h2><p>One <em>short</em> line.<span class="snap-tip">hidden</span></p>')
>>> [n.tag for n in slide.children], slide.text()
(['h2', 'p'], 'HiOne short line.')
>>> lines(slide.text(), STAGE.content_width, STAGE.body)
1
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True)
class Stage:
    """The sizes of present.css and present.js, in px of the 1280x720 stage."""
    width: int = 1280
    height: int = 720
    pad_x: int = 40            # section.slide padding: 16px 40px 36px
    pad_top: int = 16
    pad_bottom: int = 36       # room for the controls, the slide number and "Reading view"
    body: float = 28           # --r-main-font-size
    line: float = 1.3          # the theme's line height
    glyph: float = 0.45        # average advance of a Source Sans Pro glyph, in em (spaces included)
    mono: float = 0.6          # a monospace glyph, in em

    @property
    def content_width(self) -> int:
        return self.width - 2 * self.pad_x

    @property
    def content_height(self) -> int:
        return self.height - self.pad_top - self.pad_bottom


STAGE = Stage()
HEADINGS = {"h1": 2.1, "h2": 1.45, "h3": 1.15, "h4": 1.0}     # --r-headingN-size, in em of the body
VOID = {"br", "img", "input", "hr", "meta", "link", "source", "wbr"}
UNSEEN = {"snap-tip", "deck-notes", "headerlink"}     # hidden until hover, or not on a slide at all


class Node:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text a reader sees (tooltips and notes left out)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children
                       if isinstance(c, str) or not (c.classes & UNSEEN or c.tag in ("aside", "script", "style")))

    def all(self, tag: str = "", cls: str = ""):
        """Every descendant element with this tag and/or class."""
        for c in self.children:
            if isinstance(c, Node):
                if (not tag or c.tag == tag) and (not cls or cls in c.classes):
                    yield c
                yield from c.all(tag, cls)


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(chunk: str) -> Node:
    tree = _Tree()
    tree.feed(chunk)
    return tree.root


def lines(text: str, width: float, size: float, glyph: float = STAGE.glyph, pre: bool = False) -> int:
    """How many lines `text` takes in a box `width` px wide at `size` px.

    Example:
    >>> lines("word " * 100, 1200, 28)    # 500 glyphs of 13.4 px in 1200 px
    6
    """
    per_line = max(1, int(width / (size * glyph)))
    rows = text.split("\n") if pre else [" ".join(text.split())]
    return sum(max(1, math.ceil(len(r) / per_line)) for r in rows if r or pre) if text.strip() or pre else 0


UNITS = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def svg_height(path: Path, width: float, max_height: float = 460) -> float:
    """The height an SVG figure takes at its natural size (width/height attributes, matplotlib
    writes pt), shrunk to at most 95 % of `width` (reveal.js's img max-width) and `max_height`.

    Example: an 864pt x 360pt chart is 1152 x 480 px; in 1200 px it stays 480 px tall.
    """
    head = svg_head(path)
    size = re.search(r'<svg[^>]*?\swidth="([\d.]+)([a-z]*)"[^>]*?\sheight="([\d.]+)([a-z]*)"', head)
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"', head)
    if size:
        w, h = float(size[1]) * UNITS.get(size[2], 1.0), float(size[3]) * UNITS.get(size[4], 1.0)
    elif box:
        w, h = float(box[1]), float(box[2])
    else:
        return max_height
    return min(max_height, h * min(1.0, 0.95 * width / w)) if w else max_height


def svg_head(path: Path) -> str:
    """The start of an SVG file, where its size is: all that svg_height reads of it."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read(2000)
