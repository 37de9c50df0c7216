"""Figures: deterministic SVG, themed for light and dark, with a <title>; cached by digest."""

from build_hooks.figures import draw as figures


def test_figures_are_deterministic_themed_and_titled(tmp_path):
    for name in ("context_windows", "sora_patches"):
        a, b = figures.render(name, []), figures.render(name, [])
        assert a == b
        svg = a.decode()
        assert "<title>" in svg and "prefers-color-scheme: dark" in svg and "var(--fg)" in svg
        assert figures.FG not in svg and "<dc:date>" not in svg
    assert "2403.05530" in figures.render("context_windows", []).decode()     # the source is in the figure


def test_figure_cache_is_keyed_by_data(tmp_path):
    p1 = figures.build("sora_patches", [], tmp_path)
    mtime = p1.stat().st_mtime_ns
    assert figures.build("sora_patches", [], tmp_path) == p1 and p1.stat().st_mtime_ns == mtime
    assert figures.digest("quantization", [{"a": 1}]) != figures.digest("quantization", [{"a": 2}])
