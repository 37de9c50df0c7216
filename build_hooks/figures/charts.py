"""The deck's charts, drawn for a projector: every one readable from the back of the room.

A slide shows a figure at most 1,140 px wide (95 % of the 1,200 px content box) and 460 px tall.
Every chart here is WIDTH_IN inches wide, so one point of type becomes 1140 / (72 x 12) = 1.32 px:
labels at LABEL_PT (13 pt, 17 px on the slide), captions and sources at CAPTION_PT (11 pt, 14.5 px),
the slide text rule (16 px, captions 14 px; tests/test_figures_browser.py measures it in Chromium).
Large type leaves little room, so each chart says one thing: few labels, short words, no title
that repeats the slide's own heading. Source lines are captions: `caption(text_artist)` marks them.

Colours are sentinels (draw.FG, draw.BG, draw.GRID) that draw.py swaps for CSS variables, so a
chart follows the page's light or dark scheme.
"""

from __future__ import annotations

WIDTH_IN = 12                   # every chart: a slide shows it 1,140 px wide, 1.32 px per point
LABEL_PT, CAPTION_PT = 13, 11   # 17 px and 14.5 px on the slide
BLUE, ORANGE, GREEN, RED, PURPLE = "#4e8ef7", "#f28e2b", "#3fae5a", "#e15759", "#b07aa1"


def caption(text):
    """Mark a matplotlib Text as a caption or source line (allowed down to 14 px on the slide)."""
    fig = text.get_figure(root=True)
    fig.captions = getattr(fig, "captions", 0) + 1          # ids unique within the SVG
    text.set_gid(f"caption-{fig.captions}")
    return text


def label(text: str) -> str:
    """A token as the charts show it: spaces as ␣, newlines as ↵, the empty token as ∅.

    Example:
    >>> label(" cat"), label("")
    ('␣cat', '∅')
    """
    return text.replace(" ", "␣").replace("\n", "↵") or "∅"


def percent(p: float) -> str:
    """A probability in as few digits as a slide needs.

    Example:
    >>> percent(0.7236), percent(0.0733)
    ('72%', '7.3%')
    """
    return f"{100 * p:.0f}%" if p >= 0.1 else f"{100 * p:.1f}%"


def temperature(plt, colours, dist, shown: int = 8):
    """One next-token distribution at each temperature, grouped by token (the `shown` most likely)."""
    fg, grid = colours["fg"], colours["grid"]
    tokens = [label(e["text"]) for e in dist["top"][:shown]]
    temps = list(dist["by_temperature"])
    palette = [RED, ORANGE, BLUE, GREEN, PURPLE]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.5))
    width = 0.8 / len(temps)
    for k, t in enumerate(temps):
        probs = dist["by_temperature"][t][:shown]
        ax.bar([i - 0.4 + (k + 0.5) * width for i in range(len(tokens))], probs, width * 0.92,
               color=palette[k % len(palette)], label=f"T = {t}: top token {percent(probs[0])}")
    ax.set_xticks(range(len(tokens)), tokens)
    ax.set_ylabel("probability")
    ax.grid(axis="y", color=grid, alpha=0.6)
    ax.legend(loc="upper right", frameon=False, bbox_to_anchor=(1, 1.02))
    n = dist["n_vocab"]
    ax.text(0.99, 0.38, f"T → ∞: every one of the {n:,} tokens\ngets 1/{n:,}", transform=ax.transAxes,
            ha="right", va="top", color=fg)
    caption(ax.set_title(f"Next token after “{dist['prompt']}”: softmax(logits / T), the {shown} most likely tokens",
                         fontsize=CAPTION_PT, loc="left"))
    fig.tight_layout()
    return fig


def topk_topp(plt, colours, dist, k: int = 10):
    """Left: the top tokens, the first k kept. Right: the mass kept against the number of tokens kept."""
    fg, grid = colours["fg"], colours["grid"]
    tokens = [label(e["text"]) for e in dist["top"]]
    probs = [e["prob"] for e in dist["top"]]
    fig, (a, b) = plt.subplots(1, 2, figsize=(WIDTH_IN, 3.9), gridspec_kw={"width_ratios": [1, 1]})
    a.bar(range(len(probs)), probs, color=[GREEN if i < k else grid for i in range(len(probs))])
    a.axvline(k - 0.5, color=RED, linestyle="--")
    a.text(k - 0.7, max(probs), f"top-k = {k}:\nkeep these {k}", ha="right", va="top", color=fg)
    a.set_xticks(range(len(tokens)), tokens, rotation=50, ha="right", rotation_mode="anchor")
    a.set_ylabel("probability")
    a.set_title("top-k: a fixed number of tokens")
    ranks, mass = zip(*dist["cumulative"])
    b.plot(ranks, mass, color=BLUE, linewidth=2)
    b.set_xscale("log")
    b.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")        # 1,000, not 10 with a tiny exponent
    b.set_xlabel(f"tokens kept, most likely first (of {dist['n_vocab']:,})")
    b.set_ylabel("mass kept")
    b.grid(color=grid, alpha=0.6)
    # 0.9 high on the curve: its label to the left, above the line; the others below the curve, to the right
    for p, colour, offset, ha, va in (("0.5", ORANGE, (12, -6), "left", "top"),
                                      ("0.9", RED, (-10, 6), "right", "bottom")):
        n = dist["nucleus"][p]
        b.axhline(float(p), color=colour, linestyle=":")
        b.plot([n], [float(p)], "o", color=colour, markersize=8)
        b.annotate(f"top-p = {p}: {n:,} tokens", (n, float(p)), textcoords="offset points", xytext=offset,
                   ha=ha, va=va, color=fg)
    mass_k = dict(dist["cumulative"]).get(k)
    if mass_k is not None:
        b.plot([k], [mass_k], "s", color=GREEN, markersize=8)
        b.annotate(f"top-k = {k}: {100 * mass_k:.0f}% of the mass", (k, mass_k), textcoords="offset points",
                   xytext=(12, -6), va="top", color=fg)
    b.set_ylim(0, 1.02)
    b.set_title("top-p: the fewest tokens reaching mass p")
    fig.tight_layout(w_pad=2)
    return fig


def quantization(plt, colours, study):
    """File size, KL divergence from the source and perplexity, one panel each, the source first."""
    src = study["source"]
    rows = [(f"{src['type']}\nsource", src["file_size"], 0.0, src["perplexity"], src["bits_per_weight"])]
    rows += [(v["type"], v["file_size"], v["kl_mean_bits"], v["perplexity"], v["bits_per_weight"])
             for v in study["variants"]]
    fig, axes = plt.subplots(1, 3, figsize=(WIDTH_IN, 3.4))
    specs = [("file size (MB)", [r[1] / 1e6 for r in rows], BLUE, "{:.0f}"),
             ("KL from source (bits)", [r[2] for r in rows], ORANGE, "{:.3f}"),
             ("perplexity", [r[3] for r in rows], PURPLE, "{:.1f}")]
    for ax, (title, values, colour, fmt) in zip(axes, specs):
        bars = ax.bar(range(len(rows)), values, color=colour, width=0.7)
        ax.set_title(title)
        ax.set_xticks(range(len(rows)), [r[0] for r in rows])
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_ylim(0, max(values) * 1.25 or 1)
        for bar, v in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), fmt.format(v), ha="center", va="bottom",
                    color=colours["fg"])
    axes[0].set_xticks(range(len(rows)), [f"{r[0]}\n{r[4]:.2f} bpw" for r in rows])
    note = (f"The source is itself {src['type']}: a requantized copy cannot be more precise than it."
            if study["source_is_quantized"] else "")
    caption(fig.text(0.01, 0.01, f"Requantized with llama.cpp from the deck's model. {note}", fontsize=CAPTION_PT,
                     color=colours["fg"]))
    fig.tight_layout(rect=(0, 0.07, 1, 1), w_pad=2)
    return fig


def surprisal(plt, colours, s):
    """Bits of surprise for each token of a passage, coloured low / medium / high."""
    bits = s["surprisal_bits"]
    tokens = [label(p) for p in s["pieces"]]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.9))
    ax.bar(range(len(bits)), bits, color=[RED if b > 8 else ORANGE if b > 3 else GREEN for b in bits])
    ax.set_xticks(range(len(tokens)), tokens, rotation=60, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.7, len(bits) - 0.3)
    ax.set_ylabel("bits (−log₂ p)")
    ax.grid(axis="y", color=colours["grid"], alpha=0.6)
    mean = sum(bits) / len(bits)
    ax.axhline(mean, color=BLUE, linestyle="--")
    ax.text(len(bits) - 0.5, max(bits), f"mean {mean:.1f} bits\nperplexity {s['perplexity']:.1f}", va="top",
            ha="right", color=colours["fg"])
    caption(ax.set_title(f"How surprised the deck's model is by each token after “{s['first']}”",
                         fontsize=CAPTION_PT, loc="left"))
    fig.tight_layout()
    return fig


def sora_patches(plt, colours):
    """Frames stacked along time, one spacetime cube picked out, flattened into a row of tokens."""
    from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle
    fg, bg, grid = colours["fg"], colours["bg"], colours["grid"]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.2))
    ax.set_xlim(0, 12.5)
    ax.set_ylim(0, 4.6)
    ax.axis("off")
    n_frames, size, cells, dx, dy = 4, 2.4, 3, 0.55, 0.35
    for f in reversed(range(n_frames)):                       # frames stacked along time
        x0, y0 = 0.6 + f * dx, 0.9 + f * dy
        ax.add_patch(Rectangle((x0, y0), size, size, facecolor=bg, edgecolor=fg, linewidth=1.2))
        for g in range(1, cells):
            ax.plot([x0 + g * size / cells] * 2, [y0, y0 + size], color=grid, linewidth=0.8)
            ax.plot([x0, x0 + size], [y0 + g * size / cells] * 2, color=grid, linewidth=0.8)
    c = size / cells                                          # one spacetime cube, two frames deep
    x0, y0 = 0.6, 0.9
    front = [(x0, y0), (x0 + c, y0), (x0 + c, y0 + c), (x0, y0 + c)]
    top = [(x0, y0 + c), (x0 + c, y0 + c), (x0 + c + 2 * dx, y0 + c + 2 * dy), (x0 + 2 * dx, y0 + c + 2 * dy)]
    side = [(x0 + c, y0), (x0 + c + 2 * dx, y0 + 2 * dy), (x0 + c + 2 * dx, y0 + c + 2 * dy), (x0 + c, y0 + c)]
    for face, alpha in ((front, 0.85), (top, 0.55), (side, 0.4)):
        ax.add_patch(Polygon(face, facecolor=ORANGE, alpha=alpha, edgecolor=fg))
    ax.annotate("", xy=(0.6 + 3 * dx + 0.4, 0.55 + 3 * dy), xytext=(0.6, 0.55),
                arrowprops={"arrowstyle": "->", "color": fg})
    ax.text(0.6, 0.12, "time: frames of the compressed video", color=fg)
    ax.annotate("one spacetime patch:\na few pixels × a few frames", xy=(x0 + c / 2, y0 + c / 2),
                xytext=(4.9, 3.55), color=fg, arrowprops={"arrowstyle": "->", "color": fg})
    ax.add_patch(FancyArrowPatch((5.3, 2.2), (6.5, 2.2), arrowstyle="-|>", mutation_scale=20, color=fg))
    ax.text(5.9, 2.45, "flatten", ha="center", color=fg)
    for i in range(10):                                       # the token sequence
        ax.add_patch(Rectangle((6.8 + i * 0.55, 1.95), 0.47, 0.5, facecolor=ORANGE if i == 0 else BLUE,
                               alpha=0.85, edgecolor=fg))
    ax.text(6.8, 1.55, "a sequence of patch tokens\nfor a diffusion transformer", va="top", color=fg)
    caption(ax.text(0.0, 4.6, "After OpenAI, “Video generation models as world simulators” (15 Feb 2024)",
                    va="top", fontsize=CAPTION_PT, color=fg))
    return fig


def embedding_map(plt, colours, emb):
    """Each word of the embeddings snapshot with its nearest tokens, on the two main directions (PCA)."""
    palette = [BLUE, ORANGE, GREEN, RED, PURPLE]
    groups = list(dict.fromkeys(p["group"] for p in emb["map"]))
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.4))
    for k, group in enumerate(groups):
        pts = [p for p in emb["map"] if p["group"] == group]
        colour = palette[k % len(palette)]
        ax.scatter([p["x"] for p in pts], [p["y"] for p in pts], s=[120 if p["query"] else 40 for p in pts],
                   color=colour, marker="o", zorder=3)
        for n, p in enumerate(pts):       # labels fan out around their point so case variants stay readable
            dx, dy = ((8, 6), (8, -14), (-8, 6), (-8, -14))[n % 4]
            ax.annotate(label(p["text"]), (p["x"], p["y"]), textcoords="offset points", xytext=(dx, dy),
                        ha="left" if dx > 0 else "right", color=colours["fg"],
                        fontweight="bold" if p["query"] else "normal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.18)
    ax.set_xlabel("first main direction (PCA)")
    ax.set_ylabel("second")
    caption(ax.set_title(f"{len(groups)} tokens (bold) and their {emb['map_top']} nearest, from the model's "
                         f"{emb['rows']:,} × {emb['dims']} embedding table", fontsize=CAPTION_PT, loc="left"))
    fig.tight_layout()
    return fig
