"""The deck's figures, drawn with matplotlib from snapshots: deterministic SVG, light and dark.

Each figure is `NAME -> (the snapshots it needs, a draw function)`; the talk's own numbers (the
prompt, the passage, the context-window dates) live beside the talk in slides/data/figures.yml. `build(name, data, cache)`
writes `cache/NAME-<digest>.svg` once; the digest covers the data, this file and matplotlib's
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

DATA_FILE = "figures.yml"     # in the talk's data folder (slides/data/): prompt, temperatures, passage, context_windows
DATA_KEYS = {"prompt": str, "temperatures": list, "passage": str, "context_windows": list}


def load(data_dir: Path) -> dict:
    """The talk's figure data from <data_dir>/figures.yml; ValueError names the file, the field and the fix.

    Example:
    >>> load(Path("slides/data"))["prompt"]                      # doctest: +SKIP
    'The cat sat on the'
    """
    import yaml

    path = Path(data_dir) / DATA_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        raise ValueError(f"{path} is missing: the figures' data (prompt, temperatures, passage, context_windows) "
                         "lives there, beside the talk") from None
    for key, typ in DATA_KEYS.items():
        if not isinstance(data.get(key), typ):
            raise ValueError(f"{path}: `{key}` must be a {typ.__name__}, got {data.get(key)!r}")
    for n, row in enumerate(data["context_windows"], 1):
        if not (isinstance(row, list) and len(row) == 5 and isinstance(row[1], int)):
            raise ValueError(f"{path}: context_windows entry {n} must be [\"YYYY-MM-DD\", tokens, label, kind, source]")
    return data


# Sentinel colours, swapped for CSS variables after drawing (see _themed).
FG, BG, GRID = "#010203", "#fefdfc", "#0a0b0c"
BLUE, ORANGE, GREEN, RED, PURPLE = "#4e8ef7", "#f28e2b", "#3fae5a", "#e15759", "#b07aa1"
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
}

def needs(name: str, talk: dict) -> list[tuple[str, dict]]:
    """The snapshots a figure is drawn from (kind, params); `talk` is load()'s data."""
    dist = [("distribution", {"prompt": talk["prompt"], "top": 12, "temperatures": talk["temperatures"]})]
    surprisal = [("surprisal", {"text": talk["passage"]})]
    return {"temperature": dist, "topk_topp": dist, "quantization": [("quant_study", {})], "surprisal": surprisal,
            "context_windows": [], "sora_patches": []}[name]


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
    code = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))  # draw.py, timeline.py
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
    "svg.hashsalt": "deck", "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 11,
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


def _label(text: str) -> str:
    return text.replace(" ", "␣").replace("\n", "↵") or "∅"


# Drawing ---------------------------------------------------------------------------------------


def draw_temperature(plt, dist):
    labels = [_label(e["text"]) for e in dist["top"]]
    panels = [(f"T = {t}", dist["by_temperature"][t]) for t in dist["by_temperature"]]
    panels.append(("T → ∞", [1 / dist["n_vocab"]] * len(labels)))
    fig, axes = plt.subplots(1, len(panels), figsize=(13, 3.6), sharey=True)
    for ax, (title, probs) in zip(axes, panels):
        ax.bar(range(len(probs)), probs, color=BLUE if "∞" not in title else PURPLE)
        ax.set_title(title)
        ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.6)
        if "∞" not in title:
            ax.text(0.98, 0.95, f"top token {100 * probs[0]:.1f}%", transform=ax.transAxes, ha="right", va="top",
                    fontsize=9)
    axes[-1].text(0.5, 0.5, f"uniform: every one of\nthe {dist['n_vocab']:,} tokens\ngets 1/{dist['n_vocab']:,}",
                  transform=axes[-1].transAxes, ha="center", va="center", fontsize=9)
    axes[0].set_ylabel("probability")
    fig.suptitle(f"Next token after “{dist['prompt']}”: softmax(logits / T), the 12 most likely tokens at T = 1",
                 fontsize=11)
    fig.tight_layout()
    return fig


def draw_topk_topp(plt, dist):
    labels = [_label(e["text"]) for e in dist["top"]]
    probs = [e["prob"] for e in dist["top"]]
    k = 10
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [1.1, 1]})
    a.bar(range(len(probs)), probs, color=[GREEN if i < k else GRID for i in range(len(probs))])
    a.axvline(k - 0.5, color=RED, linestyle="--")
    a.text(k - 0.6, max(probs) * 0.95, f"top-k = {k}: keep these {k}", ha="right", va="top", color=FG)
    a.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    a.set_ylabel("probability")
    a.set_title("top-k keeps a fixed number of tokens", fontsize=11)
    ranks, mass = zip(*dist["cumulative"])
    b.plot(ranks, mass, color=BLUE)
    b.set_xscale("log")
    b.set_xlabel("number of most likely tokens kept (log scale)")
    b.set_ylabel("probability mass kept")
    b.grid(alpha=0.6)
    for p, color in (("0.5", ORANGE), ("0.9", RED)):
        n = dist["nucleus"][p]
        b.axhline(float(p), color=color, linestyle=":")
        b.plot([n], [float(p)], "o", color=color)
        b.annotate(f"top-p = {p}: {n:,} tokens", (n, float(p)), textcoords="offset points", xytext=(-8, 6),
                   ha="right", color=FG, fontsize=9)
    mass_k = dict(dist["cumulative"]).get(k)
    if mass_k is not None:
        b.plot([k], [mass_k], "s", color=GREEN)
        b.annotate(f"top-k = {k}: {100 * mass_k:.0f}% of the mass", (k, mass_k), textcoords="offset points",
                   xytext=(8, -12), color=FG, fontsize=9)
    b.set_title("top-p keeps the smallest set reaching mass p", fontsize=11)
    fig.suptitle(f"Cut-offs on the distribution after “{dist['prompt']}” ({dist['n_vocab']:,} tokens)", fontsize=11)
    fig.tight_layout()
    return fig


def draw_quantization(plt, study):
    src = study["source"]
    rows = [(f"{src['type']}\n(source)", src["file_size"], 0.0, src["perplexity"], src["bits_per_weight"])]
    rows += [(v["type"], v["file_size"], v["kl_mean_bits"], v["perplexity"], v["bits_per_weight"])
             for v in study["variants"]]
    names = [r[0] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    specs = [("file size (MB)", [r[1] / 1e6 for r in rows], BLUE, "{:.0f}"),
             ("KL from source (bits, mean)", [r[2] for r in rows], ORANGE, "{:.3f}"),
             ("perplexity on a passage", [r[3] for r in rows], PURPLE, "{:.1f}")]
    for ax, (title, values, color, fmt) in zip(axes, specs):
        bars = ax.bar(names, values, color=color)
        ax.set_title(title, fontsize=11)
        ax.grid(axis="y", alpha=0.6)
        for bar, v in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), fmt.format(v), ha="center", va="bottom",
                    fontsize=9)
    for name, row in zip(axes[0].get_xticklabels(), rows):
        name.set_text(f"{row[0]}")
    axes[0].set_xticks(range(len(rows)), [f"{r[0]}\n{r[4]:.2f} bpw" for r in rows], fontsize=9)
    note = (f"The source is itself {src['type']}: requantized copies cannot be more precise than it."
            if study["source_is_quantized"] else "")
    fig.suptitle(f"Requantizing the deck's model with llama.cpp. {note}", fontsize=11)
    fig.tight_layout()
    return fig


def draw_surprisal(plt, s):
    bits = s["surprisal_bits"]
    labels = [_label(p) for p in s["pieces"]]
    fig, ax = plt.subplots(figsize=(13, 4))
    ax.bar(range(len(bits)), bits, color=[RED if b > 8 else ORANGE if b > 3 else GREEN for b in bits])
    ax.set_xticks(range(len(labels)), labels, rotation=70, ha="right", fontsize=9)
    ax.set_ylabel("surprisal (bits) = −log₂ p")
    ax.grid(axis="y", alpha=0.6)
    mean = sum(bits) / len(bits)
    ax.axhline(mean, color=BLUE, linestyle="--")
    ax.text(len(bits) - 0.5, mean, f" mean {mean:.1f} bits (perplexity {s['perplexity']:.1f})", va="bottom",
            ha="right", color=FG, fontsize=9)
    ax.set_title(f"How surprised the deck's model is by each token (after “{s['first']}”)", fontsize=11)
    fig.tight_layout()
    return fig


def draw_context_windows(plt, windows):
    from build_hooks.figures import timeline
    colours = {"fg": FG, "product": (BLUE, "o", False), "research": (RED, "o", True),
               "open weights": (GREEN, "s", False)}
    return timeline.draw(plt, windows, colours)


def draw_sora_patches(plt):
    from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle
    fig, ax = plt.subplots(figsize=(12, 4.2))
    ax.set_xlim(0, 12.5)
    ax.set_ylim(0, 4.6)
    ax.axis("off")
    n_frames, size, grid, dx, dy = 4, 2.4, 3, 0.55, 0.35
    for f in reversed(range(n_frames)):                       # frames stacked along time
        x0, y0 = 0.6 + f * dx, 0.8 + f * dy
        ax.add_patch(Rectangle((x0, y0), size, size, facecolor=BG, edgecolor=FG, linewidth=1.2))
        for g in range(1, grid):
            ax.plot([x0 + g * size / grid] * 2, [y0, y0 + size], color=GRID, linewidth=0.8)
            ax.plot([x0, x0 + size], [y0 + g * size / grid] * 2, color=GRID, linewidth=0.8)
    c = size / grid                                           # one spacetime cube, two frames deep
    x0, y0 = 0.6, 0.8
    front = [(x0, y0), (x0 + c, y0), (x0 + c, y0 + c), (x0, y0 + c)]
    ax.add_patch(Polygon(front, facecolor=ORANGE, alpha=0.85, edgecolor=FG))
    top = [(x0, y0 + c), (x0 + c, y0 + c), (x0 + c + 2 * dx, y0 + c + 2 * dy), (x0 + 2 * dx, y0 + c + 2 * dy)]
    side = [(x0 + c, y0), (x0 + c + 2 * dx, y0 + 2 * dy), (x0 + c + 2 * dx, y0 + c + 2 * dy), (x0 + c, y0 + c)]
    ax.add_patch(Polygon(top, facecolor=ORANGE, alpha=0.55, edgecolor=FG))
    ax.add_patch(Polygon(side, facecolor=ORANGE, alpha=0.4, edgecolor=FG))
    ax.annotate("", xy=(0.6 + 3 * dx + 0.3, 0.45 + 3 * dy), xytext=(0.6, 0.45),
                arrowprops={"arrowstyle": "->", "color": FG})
    ax.text(0.6, 0.15, "time: frames of the (compressed) video", fontsize=10, color=FG)
    ax.annotate("one spacetime patch\n= a few pixels × a few frames", xy=(x0 + c / 2, y0 + c / 2),
                xytext=(5.0, 3.5), fontsize=10, color=FG, arrowprops={"arrowstyle": "->", "color": FG})
    ax.add_patch(FancyArrowPatch((5.4, 2.2), (6.7, 2.2), arrowstyle="-|>", mutation_scale=20, color=FG))
    ax.text(6.05, 2.45, "flatten", ha="center", fontsize=10, color=FG)
    for i in range(10):                                       # the token sequence
        ax.add_patch(Rectangle((7.0 + i * 0.52, 1.95), 0.44, 0.5, facecolor=ORANGE if i == 0 else BLUE,
                               alpha=0.85, edgecolor=FG))
    ax.text(7.0, 1.5, "a sequence of patch tokens → a diffusion transformer", fontsize=10, color=FG)
    ax.text(7.0, 0.75, "like words in a sentence, but each token\nis a small cube of space and time", fontsize=10,
            color=FG)
    ax.text(0.0, 4.45, "Illustration after OpenAI, “Video generation models as world simulators” (15 Feb 2024): "
            "“spacetime patches of video and image latent codes”", fontsize=8.5, color=FG)
    return fig


DRAW = {"temperature": draw_temperature, "topk_topp": draw_topk_topp, "quantization": draw_quantization,
        "surprisal": draw_surprisal, "context_windows": draw_context_windows, "sora_patches": draw_sora_patches}
NAMES = tuple(DRAW)
