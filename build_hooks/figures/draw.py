"""The deck's figures, drawn with matplotlib from snapshots: deterministic SVG, light and dark.

Each figure is `NAME -> (the snapshots it needs, a draw function)`; the talk's own numbers (the
prompt, the passage, the context-window dates) live beside the talk in slides/data/figures.yml.
`build(name, data, cache)` writes `cache/NAME-<digest>.svg` once; the digest covers the data, this file and matplotlib's
version, so an unchanged figure is never redrawn (and matplotlib is not even imported).

Readable in light and dark: the SVG carries its own background and text colours and switches
them with `prefers-color-scheme`, so it reads the same on any page colour. Deterministic:
`svg.hashsalt` is fixed and the Date metadata dropped, so the same data gives the same bytes.

Example:
>>> needs("temperature", {"prompt": "The cat sat on the", "temperatures": [1], "passage": "..."})
[('distribution', {'prompt': 'The cat sat on the', 'top': 12, 'temperatures': [1]})]
"""

import functools
import hashlib
import importlib.metadata
import json
from pathlib import Path

from build_hooks import schema

DATA_FILE = "figures.yml"     # in the talk's data folder (slides/data/): prompt, temperatures, passage, context_windows
DATA_KEYS = {"prompt": str, "temperatures": list, "passage": str, "context_windows": list}


def load(data_dir: Path) -> dict:
    """The talk's figure data from <data_dir>/figures.yml; ValueError names the file, the field and the fix.

    Example:
    >>> load(Path("slides/data"))["prompt"]                      # doctest: +SKIP
    'The cat sat on the'
    """
    path = Path(data_dir) / DATA_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ValueError(f"{path} is missing: the figures' data (prompt, temperatures, passage, context_windows) "
                         "lives there, beside the talk") from None
    data = schema.mapping(text, path=str(path), fix=f"write one `key: value` a line ({', '.join(DATA_KEYS)})")
    for key, typ in DATA_KEYS.items():
        if not isinstance(data.get(key), typ):
            raise ValueError(f"{path}: `{key}` must be a {typ.__name__}, got {data.get(key)!r}")
    for n, row in enumerate(data["context_windows"], 1):
        if not (isinstance(row, list) and len(row) == 5 and isinstance(row[1], int)):
            raise ValueError(f"{path}: context_windows entry {n} must be [\"YYYY-MM-DD\", tokens, label, kind, source]")
    return data


# Sentinel colours, swapped for CSS variables after drawing (see _themed).
FG, BG, GRID = "#010203", "#fefdfc", "#0a0b0c"
STYLE = ("<style>svg{--fg:#1f2328;--bg:#ffffff;--grid:#d0d7de}"
         "@media (prefers-color-scheme: dark){svg{--fg:#e6edf3;--bg:#161b22;--grid:#3d444d}}</style>")

ALT = {
    "temperature": "The next-token distribution after 'The cat sat on the' at temperatures 0.2, 0.7, 1 and 1.5 "
                   "and in the infinite limit",
    "topk_topp": "Top-k and top-p cut-offs on the next-token distribution after 'The cat sat on the'",
    "quantization": "Quantization study: file size, KL divergence and perplexity of requantized copies",
    "surprisal": "Per-token surprisal in bits along a passage, from the deck's model",
    "context_windows": "Context window sizes over time, log scale, from GPT-3's 2,048 tokens (2020) to Gemini "
                       "1.5 Pro's 2 million (June 2024) and Llama 4 Scout's advertised 10 million (April 2025)",
    "sora_patches": "Video frames stacked along time and cut into spacetime patches, each patch one token",
    "embeddings": "A map of the deck's model's embedding table: a few words and their nearest tokens, projected "
                  "on the table's two main directions; related tokens cluster",
}

def needs(name: str, talk: dict) -> list[tuple[str, dict]]:
    """The snapshots a figure is drawn from (kind, params); `talk` is load()'s data."""
    dist = [("distribution", {"prompt": talk["prompt"], "top": 12, "temperatures": talk["temperatures"]})]
    surprisal = [("surprisal", {"text": talk["passage"]})]
    return {"temperature": dist, "topk_topp": dist, "quantization": [("quant_study", {})], "surprisal": surprisal,
            "context_windows": [], "sora_patches": [], "embeddings": [("embeddings", {})]}[name]


def inputs(name: str, talk: dict) -> list:
    """What a figure is drawn from besides snapshots: the talk's own numbers."""
    return [[tuple(row) for row in talk["context_windows"]]] if name == "context_windows" else []


def digest(name: str, data: list) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([name, data], sort_keys=True).encode())
    h.update(_drawing_code())
    return h.hexdigest()[:16]


@functools.cache
def _drawing_code() -> bytes:
    """This package's code and matplotlib's version: what draws the figures (looked up once per process:
    importlib.metadata scans every installed package)."""
    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("draw.py", "charts.py", "timeline.py"))
    return code + importlib.metadata.version("matplotlib").encode()


def build(name: str, data: list, cache: Path) -> Path:
    """The figure's SVG in `cache`, drawn only if this exact version is not there yet."""
    path = Path(cache) / f"{name}-{digest(name, data)}.svg"
    if not path.exists():
        from build_hooks.files import atomic_write
        atomic_write(path, render(name, data))
    return path


def render(name: str, data: list) -> bytes:
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        fig = DRAW[name](plt, *data)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor=BG)
        plt.close(fig)
    return _themed(buf.getvalue().decode(), ALT[name]).encode()


RC = {
    "svg.hashsalt": "deck", "svg.fonttype": "none", "font.family": "sans-serif",
    "font.size": 13, "axes.titlesize": 13, "legend.fontsize": 13,      # charts.LABEL_PT: 17 px on a slide
    "text.color": FG, "axes.labelcolor": FG, "axes.edgecolor": FG, "xtick.color": FG, "ytick.color": FG,
    "axes.facecolor": BG, "figure.facecolor": BG, "savefig.facecolor": BG, "grid.color": GRID,
    "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
}


def _themed(svg: str, title: str) -> str:
    """Swap sentinel colours for CSS variables, add the light/dark style and a <title>."""
    for sentinel, var in ((FG, "var(--fg)"), (BG, "var(--bg)"), (GRID, "var(--grid)")):
        svg = svg.replace(sentinel, var)
    head_end = svg.index(">", svg.index("<svg")) + 1
    from html import escape
    return svg[:head_end] + f"\n <title>{escape(title)}</title>{STYLE}" + svg[head_end:]


# Drawing (charts.py and timeline.py) ----------------------------------------------------------

COLOURS = {"fg": FG, "bg": BG, "grid": GRID}


def draw_context_windows(plt, windows):
    from build_hooks.figures import charts, timeline
    colours = {"fg": FG, "product": (charts.BLUE, "o", False), "research": (charts.RED, "o", True),
               "open weights": (charts.GREEN, "s", False)}
    return timeline.draw(plt, windows, colours)


def _chart(name):
    def draw(plt, *data):
        from build_hooks.figures import charts
        return getattr(charts, name)(plt, COLOURS, *data)
    return draw


DRAW = {"temperature": _chart("temperature"), "topk_topp": _chart("topk_topp"),
        "quantization": _chart("quantization"), "surprisal": _chart("surprisal"),
        "context_windows": draw_context_windows, "sora_patches": _chart("sora_patches"),
        "embeddings": _chart("embedding_map")}
NAMES = tuple(DRAW)
