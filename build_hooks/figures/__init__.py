"""Figures drawn with matplotlib from snapshots (draw): deterministic SVG, light and dark."""
