"""How big a figure's text is where a slide shows it.

An SVG figure is drawn in its own units (matplotlib writes points: a 12-inch figure is 864 units
wide). The page scales the whole image to the width it gives the <img>, so a 10-unit label in an
864-unit figure shown 1,140 px wide is 10 x 1140 / 864 = 13.2 px on the screen: too small for the
back of the room. The slide text rule holds for figures too: labels at least 16 px, captions and
source lines at least 14 px. A text is a caption when the figure code gave it (or a group around
it) an id starting with "caption" (matplotlib writes `Text.set_gid("caption-...")` as `<g id=...>`).

Example:
>>> svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 864 300">'
...        '<text style="font-size: 10px">ten</text>'
...        '<g id="caption-source"><text style="font-size: 11px">Source: a paper</text></g></svg>')
>>> too_small(svg, 1140)
["'ten' 13.2 px (at least 16)"]
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

LABEL_PX, CAPTION_PX = 16, 14
SIZE = re.compile(r"font-size:\s*([\d.]+)px")
SCALE = re.compile(r"scale\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)")
MATRIX = re.compile(r"matrix\(\s*" + r"[\s,]*".join([r"([-\d.e]+)"] * 6) + r"\s*\)")


@dataclass(frozen=True)
class Text:
    text: str
    size: float          # in the SVG's own units, transforms applied
    caption: bool


def _scale(transform: str) -> float:
    """How much an SVG transform enlarges text (rotations and moves do not).

    Example:
    >>> _scale("translate(3 4) rotate(-60) scale(2)"), _scale("matrix(0 1 -1 0 5 5)")
    (2.0, 1.0)
    """
    s = 1.0
    for m in SCALE.finditer(transform or ""):
        sx = float(m[1])
        s *= math.sqrt(abs(sx * float(m[2] if m[2] else sx)))
    for m in MATRIX.finditer(transform or ""):
        a, b, c, d = (float(m[i]) for i in range(1, 5))
        s *= math.sqrt(abs(a * d - b * c))
    return s


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def texts(svg: str) -> list[Text]:
    """Every run of text in the SVG with its size; a <text> with <tspan>s of several sizes (a
    mathtext exponent) gives one entry per size."""
    out = []

    def walk(el, scale, caption, size):
        scale *= _scale(el.get("transform"))
        caption = caption or (el.get("id") or "").startswith("caption")
        found = SIZE.search(el.get("style") or "")
        size = float(found[1]) if found else size
        if _local(el.tag) in ("text", "tspan") and (el.text or "").strip():
            out.append(Text(el.text.strip(), size * scale, caption))
        for child in el:
            walk(child, scale, caption, size)

    walk(ET.fromstring(svg.encode()), 1.0, False, 16.0)     # 16: SVG's default font size
    return out


def view_width(svg: str) -> float:
    """The SVG's width in its own units (the viewBox, else the width attribute)."""
    root = ET.fromstring(svg.encode())
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return float(box[2])
    return float(re.match(r"[\d.]+", root.get("width", "0"))[0])


def too_small(svg: str, shown_width: float) -> list[str]:
    """The texts under 16 px (captions 14 px) when the figure is shown `shown_width` px wide,
    each as "'text' N px (at least M)", smallest first."""
    k = shown_width / view_width(svg)
    small = [(t.size * k, t.text, CAPTION_PX if t.caption else LABEL_PX) for t in texts(svg)]
    return [f"{text[:40]!r} {px:.1f} px (at least {limit})" for px, text, limit in sorted(small)
            if px < limit - 0.01]
