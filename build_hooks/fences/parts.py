"""The HTML parts every widget is made of: sliders, number fields, probability bars, token chips,
and the frame (`shell`) around them. Pure functions: options in, an HTML string out.

Every string that came from a model, a corpus or a reader is escaped here (html.escape); the
browser later sets text with textContent, never as HTML.

Example:
>>> percent(0.0734)
'7.3%'
>>> hue(0.0), hue(0.25), hue(1.0)
(0, 60, 120)
>>> slider("top_p", "Top-p", 0.01, 1, 0.01, 0.9)
'<label class="demo-field"><span>Top-p</span><input type="range" name="top_p"
 min="0.01" max="1" step="0.01" value="0.9"><output>0.9</output></label>'
"""

from __future__ import annotations

import decimal
import html
import json
import math

from demos import vocabulary


def escape(text: str) -> str:
    """html.escape, and a carriage return written &#13;: an HTML parser turns a raw "\\r\\n" into "\\n",
    so a token " \\r\\n" would reach the page (and a prompt the live model) one character short.

    Example:
    >>> escape('<a b="c">\\r\\n')
    '&lt;a b=&quot;c&quot;&gt;&#13;\\n'
    """
    return html.escape(text).replace("\r", "&#13;")


e = escape


def js_number(x: float) -> str:
    """A number as JavaScript's String(x) writes it, for data-* attributes the page also writes: the
    same shortest digits as Python's repr, but positional from 1e-6 up to 1e21 and "1e-8", not "1e-08".

    Example:
    >>> [js_number(x) for x in (0.0733294, 1e-05, 1.5e-08, 1.0, 2.5e17, 0.0)]
    ['0.0733294', '0.00001', '1.5e-8', '1', '250000000000000000', '0']
    """
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if 1e-6 <= abs(x) < 1e21:
        text = format(decimal.Decimal(repr(float(x))), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = repr(float(x)).split("e")
    return f"{mantissa.removesuffix('.0')}e{'-' if int(exponent) < 0 else '+'}{abs(int(exponent))}"


def data_script(data) -> str:
    """JSON for the browser inside <script type="application/json">: every `<` is written as the
    JSON escape \\u003c, so neither `</script>` nor `<!--` in a model or corpus string can end the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return ('<script type="application/json" class="demo-data">'
            + text.replace("<", "\\u003c") + "</script>")


def slider(name, label, lo, hi, step, value, shown=None, half=False) -> str:
    """A range input with its label and value; `half`: two such sliders share a row in present mode."""
    value = f"{value:g}" if isinstance(value, float) else value      # 1.0 reads "1", as the browser shows it
    shown = value if shown is None else shown
    return (f'<label class="demo-field{" demo-half" if half else ""}"><span>{e(label)}</span>'
            f'<input type="range" name="{name}" min="{lo}" max="{hi}" step="{step}" value="{value}">'
            f'<output>{e(str(shown))}</output></label>')


def number(name, label, lo, hi, value) -> str:
    return (f'<label class="demo-field"><span>{e(label)}</span>'
            f'<input type="number" name="{name}" min="{lo}" max="{hi}" step="1" value="{value}"></label>')


percent, hue, fixed = vocabulary.percent, vocabulary.hue, vocabulary.fixed     # the deck's rules (demos/vocabulary.py)


def bars(rows) -> str:
    items = []
    for r in rows:
        num = percent(r["prob"]) if r["kept"] else f"cut ({percent(r['tempered'])})"
        items.append(f'<li class="demo-bar" data-kept="{str(r["kept"]).lower()}" data-id="{r["id"]}" '
                     f'style="--p:{fixed(r["prob"], 4)};--hue:{hue(r["prob"])}">'
                     f'<span class="demo-label">{e(r["label"])}</span>'
                     '<span class="demo-track"><span class="demo-fill"></span></span>'
                     f'<span class="demo-num">{e(num)}</span></li>')
    return f'<ol class="demo-bars">{"".join(items)}</ol>'


def token_spans(tokens) -> str:
    ids = json.dumps([t["id"] for t in tokens], separators=(",", ":"))   # as JSON.stringify writes it
    spans = "".join(f'<span class="demo-token" data-c="{k % 6}"><span class="demo-piece">{e(t["label"])}</span>'
                    f'<span class="demo-id">{t["id"]}</span></span>' for k, t in enumerate(tokens))
    return f'<div class="demo-tokens" data-token-ids="{e(ids)}">{spans}</div>'


def shell(kind, title, data, controls, output, note="", status=None) -> str:
    """The frame every widget shares: title, status line, controls, output, embedded data.
    A widget given its own `status` stays static (data-live="off": widgets.js leaves it alone)."""
    live = "" if status is None else ' data-live="off"'
    status = status or "Static preview: use a control to run it live (Python in your browser)."
    return (f'<div class="demo demo-{kind}" data-demo="{kind}" data-state="static"{live}>'
            f'<div class="demo-head"><span class="demo-title">{e(title)}</span>'
            f'<span class="demo-status" role="status" aria-live="polite">{e(status)}</span></div>'
            f'{data_script(data)}<div class="demo-controls">{controls}</div>'
            f'<div class="demo-output">{output}</div>'
            + (f'<p class="demo-note">{e(note)}</p>' if note else "") + "</div>")


def temperature_slider(value, half=False) -> str:
    """0 to 5 in steps of 0.1, then one last stop for infinity (5.1)."""
    return slider("temperature", "Temperature", 0, 5.1, 0.1, value, f"{value:g}", half)


def buttons(*html) -> str:
    """Buttons side by side, wrapping when the row is full."""
    return f'<div class="demo-buttons">{"".join(html)}</div>'

