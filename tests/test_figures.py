"""Figures: deterministic SVG, themed for light and dark, with a <title>; cached by digest."""

from pathlib import Path

import pytest

from build_hooks.figures import draw as figures

TALK = figures.load(Path(__file__).resolve().parents[1] / "slides" / "data")     # slides/data/figures.yml
WINDOWS = figures.inputs("context_windows", TALK)


def test_the_talk_data_file_is_checked(tmp_path):
    with pytest.raises(ValueError, match=r"figures\.yml is missing"):
        figures.load(tmp_path)
    (tmp_path / "figures.yml").write_text("prompt: x\ntemperatures: [1]\npassage: y\ncontext_windows: [[1, 2]]\n")
    with pytest.raises(ValueError, match=r"figures\.yml: context_windows entry 1 must be"):
        figures.load(tmp_path)


def test_figures_are_deterministic_themed_and_titled(tmp_path):
    for name, data in (("context_windows", WINDOWS), ("sora_patches", [])):
        a, b = figures.render(name, data), figures.render(name, data)
        assert a == b
        svg = a.decode()
        assert "<title>" in svg and "prefers-color-scheme: dark" in svg and "var(--fg)" in svg
        assert figures.FG not in svg and "<dc:date>" not in svg
    assert "2403.05530" in figures.render("context_windows", WINDOWS).decode()     # the source is in the figure


def test_figure_cache_is_keyed_by_data(tmp_path):
    p1 = figures.build("sora_patches", [], tmp_path)
    mtime = p1.stat().st_mtime_ns
    assert figures.build("sora_patches", [], tmp_path) == p1 and p1.stat().st_mtime_ns == mtime
    assert figures.digest("quantization", [{"a": 1}]) != figures.digest("quantization", [{"a": 2}])


def test_context_windows_reads_from_the_back_of_the_room():
    """Large type, no label on another, the 2024-25 windows and their sources on the figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    with matplotlib.rc_context(figures.RC):
        fig = figures.DRAW["context_windows"](plt, *WINDOWS)
        fig.canvas.draw()                                    # lay out legend and ticks before measuring
        renderer = fig.canvas.get_renderer()
        shown = [tick.label1 for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for tick in axis.get_major_ticks()
                 if min(axis.get_view_interval()) <= tick.get_loc() <= max(axis.get_view_interval())]
        ticks = {id(t) for t in shown}
        hidden = {id(t) for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()} - ticks
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]
        small = [(t.get_text()[:30], t.get_fontsize()) for t in texts if t.get_fontsize() < 14]
        assert not small, f"text under 14 pt on a {fig.get_figwidth()}-inch figure: {small}"
        pad = 3 * fig.dpi / 72               # 3 pt of clear space: a browser's font runs a little wider
        boxes = [(t.get_text()[:30], Text.get_window_extent(t, renderer).padded(pad), id(t) in ticks)
                 for t in texts]
        plt.close(fig)
    overlapping = [(a, b) for i, (a, box_a, tick_a) in enumerate(boxes) for b, box_b, tick_b in boxes[i + 1:]
                   if not (tick_a and tick_b) and box_a.overlaps(box_b)]    # two axis ticks may share a corner
    assert not overlapping, f"labels on top of each other: {overlapping}"
    svg = figures.render("context_windows", WINDOWS).decode()
    for label, source in (("Gemini 1.5 Pro: 2M", "27 Jun 2024"), ("Llama 4 Scout: 10M", "5 Apr 2025")):
        assert label in svg and source in svg, f"{label} ({source}) missing from the chart"


def test_legibility_finds_small_text_through_groups_transforms_and_exponents():
    """The measure behind tests/test_figures_browser.py: sizes in the SVG's units, scaled by the
    transforms around them and by the width the page gives the image; captions may be smaller."""
    from build_hooks.figures import legibility
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="864pt" viewBox="0 0 864 300">'
           '<g transform="translate(5 5) scale(2)"><text style="font-size: 7px">doubled</text></g>'
           '<text><tspan style="font-size: 14px">10</tspan><tspan style="font-size: 9.8px">3</tspan></text>'
           '<g id="caption-1"><text style="font-size: 11px">Source: x</text></g></svg>')
    assert legibility.too_small(svg, 1140) == ["'3' 12.9 px (at least 16)"]
    assert legibility.too_small(svg, 864) == ["'3' 9.8 px (at least 16)", "'Source: x' 11.0 px (at least 14)",
                                             "'10' 14.0 px (at least 16)", "'doubled' 14.0 px (at least 16)"]


def test_source_lines_are_marked_as_captions():
    svg = figures.render("context_windows", WINDOWS).decode()
    from build_hooks.figures import legibility
    assert [t.text[:8] for t in legibility.texts(svg) if t.caption] == ["Sources.", "GPT-4 Tu", "Gemini 1"]
