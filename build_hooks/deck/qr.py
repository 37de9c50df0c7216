"""The deck's public URL and a QR code for it, for the title slide and the last slide.

People in the room point a phone at the screen and follow along (and play with the widgets)
on their own device. The QR code is drawn at build time as inline SVG from `site_url` with
segno (pure Python), so nothing is fetched and the code is as sharp on a projector as on paper.

Example:
>>> block = follow_along("https://example.github.io/deck/")
>>> 'role="img"' in block and 'href="https://example.github.io/deck/"' in block
True
"""

from __future__ import annotations

import html
import importlib.util

from build_hooks.memo import Memo, code_of, digest


def qr_code() -> str:
    """The code that draws a QR code (this module and segno's version), for a Memo of them:
    importing segno costs more than the build's other QR work, so a build that can read the
    drawing back does not import it."""
    spec = importlib.util.find_spec("segno")
    return code_of(__file__, *([spec.origin] if spec and spec.origin else []))


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`: black on white (also in a dark theme: scanners want a light
    quiet zone), four modules of margin, sized by CSS, named for screen readers.

    Example:
    >>> qr_svg("https://x.org/").startswith('<svg role="img" aria-label="QR code for https://x.org/"')
    True
    """
    try:
        import segno
    except ImportError:
        raise RuntimeError("the QR code on the first and last slide needs segno: run `make deps` "
                           "(pyproject.toml lists it) or `pip install segno`") from None
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="deck-qr", dark="#000", light="#fff")
    label = html.escape(f"QR code for {url}", quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def follow_along(url: str, memo: Memo | None = None) -> str:
    """The block added to the first and the last slide: the QR code and the URL as a link.
    `memo` (its code: qr_code()) keeps the QR drawings between builds."""
    shown = url.split("://", 1)[-1].rstrip("/")
    link = html.escape(url, quote=True)
    svg = memo.get(digest(url), lambda: qr_svg(url)) if memo else qr_svg(url)
    return (f'<div class="deck-follow">{svg}'
            f'<p class="deck-follow-text">Follow along and try the demos on your phone:<br>'
            f'<a href="{link}">{html.escape(shown)}</a></p></div>\n')
