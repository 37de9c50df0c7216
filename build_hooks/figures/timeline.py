"""The context-window timeline: one labelled point per model, drawn for a projector.

Readable from the back of the room means large type (no text under 14 pt on a 12-inch-wide figure;
a slide shows it about 1,000 px wide, so 14 pt is about 16 px) and labels that never sit on
top of each other. Matplotlib places a label where it is told, overlapping or not, so the labels
are first drawn at their points, then measured, then pushed apart (`separate`) and tied to their
points with a thin leader line.
"""

import datetime as dt
import textwrap

LABEL_PT, SOURCE_PT = 16, 14                  # type sizes in points on a 12-inch-wide figure
GAP_PT = 7                                    # clear space kept between two labels
START, END = dt.date(2020, 1, 1), dt.date(2026, 12, 31)      # the time axis
COLUMN_AT = dt.date(2023, 2, 1)               # the crowded years' labels end here, left of their points


def stack(wanted: list[float], heights: list[float], gap: float) -> list[float]:
    """Centres for labels of `heights` stacked in one column, near their `wanted` centres, with `gap`
    clear between neighbours. Labels that would touch form a run; a run is stacked in order and
    centred on the mean of what its labels wanted, and runs that then touch merge.

    Example:
    >>> stack([0, 5, 100], [10, 10, 10], gap=2)
    [-3.5, 8.5, 100.0]
    """
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    runs = []                                   # runs of touching labels: [indices], each run centred
    for i in order:
        runs.append([i])
        while len(runs) > 1:
            low, high = runs[-2], runs[-1]
            top_low = _centre(low, wanted, heights, gap) + _span(low, heights, gap) / 2
            bottom_high = _centre(high, wanted, heights, gap) - _span(high, heights, gap) / 2
            if bottom_high >= top_low + gap:
                break
            runs[-2:] = [low + high]
    centres = list(wanted)
    for run in runs:
        y = _centre(run, wanted, heights, gap) - _span(run, heights, gap) / 2
        for i in run:
            centres[i] = y + heights[i] / 2
            y += heights[i] + gap
    return centres


def _span(run, heights, gap):
    return sum(heights[i] for i in run) + gap * (len(run) - 1)


def _centre(run, wanted, heights, gap):
    """Where a run of labels sits: centred on the mean of what its labels wanted."""
    return sum(wanted[i] for i in run) / len(run)


def short(tokens: int) -> str:
    """A window size as people say it: thousands as k (or as 1,024s for the powers of two), millions as M.

    Example:
    >>> [short(n) for n in (2_048, 32_768, 128_000, 2_000_000)]
    ['2,048', '32k', '128k', '2M']
    """
    if tokens % 1_000_000 == 0:
        return f"{tokens // 1_000_000}M"
    if tokens % 1000 == 0:
        return f"{tokens // 1000}k"
    return f"{tokens // 1024}k" if tokens % 1024 == 0 and tokens > 4096 else f"{tokens:,}"


def draw(plt, windows, colours):
    """The figure for `windows`, rows of (date, tokens, label, kind, source) with kind one of
    `colours`' keys (product, research, open weights)."""
    fg = colours["fg"]
    fig, ax = plt.subplots(figsize=(12, 5.4))
    labels = []
    for date, tokens, label, kind, _ in windows:
        d = dt.date.fromisoformat(date)
        colour, marker, hollow = colours[kind]
        ax.plot([d], [tokens], marker, color=colour, markersize=11, markeredgewidth=2,
                markerfacecolor="none" if hollow else colour, linestyle="none")
        right = d.year < 2021 or d > dt.date(2024, 3, 1)      # labels go where the plot is empty
        labels.append(ax.annotate(
            f"{label}: {short(tokens)}", (d, tokens), textcoords="offset points", xytext=(12 if right else -12, 0),
            ha="left" if right else "right", va="center", fontsize=LABEL_PT, color=fg,
            arrowprops={"arrowstyle": "-", "color": fg, "lw": 0.8, "shrinkA": 2, "shrinkB": 7}))
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(lambda value, _: short(round(value)))   # 10k, not 10 with a tiny exponent
    ax.set_xlim(START, END)
    ax.set_ylim(1_000, 40_000_000)
    ax.tick_params(labelsize=SOURCE_PT)
    ax.set_ylabel("tokens (log scale)", fontsize=SOURCE_PT, labelpad=10)
    ax.grid(alpha=0.6)
    for kind in ("product", "open weights", "research"):
        colour, marker, hollow = colours[kind]
        ax.plot([], [], marker, color=colour, markersize=11, markeredgewidth=2, linestyle="none",
                markerfacecolor="none" if hollow else colour, label=kind)
    ax.legend(loc="lower right", fontsize=SOURCE_PT, frameon=False)
    names = "; ".join(dict.fromkeys(source for *_, source in windows))    # each source once
    fig.text(0.01, 0.01, "\n".join(textwrap.wrap("Sources. " + names, 108)), fontsize=SOURCE_PT,
             va="bottom", color=fg, gid="caption-sources")     # a caption: 14 px is enough on the slide
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    _spread(fig, labels)
    return fig


def _spread(fig, labels):
    """Line the crowded years' labels (those left of their points) up in one column ending at
    COLUMN_AT, then stack them so none overlaps another; the leader lines follow the labels."""
    from matplotlib.text import Text  # the text alone, not its leader line
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72
    column = [label for label in labels if label.get_ha() == "right"]
    if not column:
        return
    ax = column[0].axes
    pt_per_day = ax.bbox.width / px_per_pt / (END - START).days
    boxes = [Text.get_window_extent(label, renderer) for label in column]
    wanted = [ax.transData.transform((0.0, float(label.xy[1])))[1] for label in column]
    centres = stack(wanted, [box.height for box in boxes], GAP_PT * px_per_pt)
    for label, want, centre in zip(column, wanted, centres):
        days = (label.xy[0] - COLUMN_AT).days
        label.set_position((-12 - days * pt_per_day, (centre - want) / px_per_pt))
