"""Pacing: each deck's front-matter `minutes`, spread over its slides for reveal.js's speaker view.

reveal.js paces a talk from `totalTime` (seconds, in the Reveal config) and `data-timing` (seconds,
on each slide): its speaker view then shows, next to the elapsed time, how far ahead or behind the
speaker is at the current slide. This module decides those seconds.

A slide's share of its deck's minutes follows the talk's own clock (README, "The talk"): its
speaker notes read at 140 words a minute, plus a minute for a slide with a live widget, where the
room plays with the demo. The shares are scaled to the deck's budget and rounded to whole seconds
that add up to it exactly, so the whole talk's pacing is the sum of its decks'.
"""

from __future__ import annotations

import html
import re

WORDS_PER_MINUTE = 140        # reading speed of the notes (tests/test_talk_facts.py uses the same)
DEMO_MINUTES = 1.0            # a slide with a live widget: about a minute of the room using it
FLOOR_MINUTES = 1 / 6         # a slide without notes still stays up 10 s or so
TAG = re.compile(r"<[^>]+>")
WIDGET = re.compile(r'<div class="demo\b[^"]*" data-demo="')


def words(notes_html: str) -> int:
    """The words of a slide's notes (their rendered HTML, tags dropped).

    Example:
    >>> words("<p>Say <em>why</em> it&#x27;s local.</p>")
    4
    """
    return len(html.unescape(TAG.sub(" ", notes_html)).split())


def weight(slide_html: str, notes_html: str) -> float:
    """Minutes a slide needs by the talk's clock: its notes at 140 words a minute, +1 for a widget.

    Example:
    >>> weight("<h2>A</h2>", "<p>" + "word " * 70 + "</p>")
    0.5
    >>> weight('<div class="demo" data-demo="live">...</div>', "<p>" + "word " * 140 + "</p>")
    2.0
    """
    minutes = words(notes_html) / WORDS_PER_MINUTE + (DEMO_MINUTES if WIDGET.search(slide_html) else 0.0)
    return max(minutes, FLOOR_MINUTES)


def spread(weights: list[float], minutes: float) -> list[int]:
    """Whole seconds per slide, in proportion to `weights`, adding up to `minutes` exactly.

    Largest remainder rounding: every slide gets the whole seconds of its share, then the seconds
    left over go, one by one, to the slide most short-changed so far (the earlier one on a tie).
    Every slide gets at least one second (reveal.js reads 0 as "no timing"); what those floors
    add is taken back from the slides most over their share.

    Example:
    >>> spread([1, 1, 1], 1)
    [20, 20, 20]
    >>> spread([0.5, 1.0, 2.0], 0.5)
    [4, 9, 17]
    >>> sum(spread([0.3, 2.2, 1.1, 0.4], 7.5))
    450
    """
    total = round(minutes * 60)
    if not weights:
        return []
    if total < len(weights):
        raise ValueError(f"{minutes} minutes cannot give each of {len(weights)} slides a second")
    shares = [total * w / sum(weights) for w in weights]
    seconds = [max(1, int(s)) for s in shares]

    def over(i):                                      # seconds given beyond the share
        return seconds[i] - shares[i]

    while sum(seconds) < total:
        seconds[min(range(len(seconds)), key=over)] += 1
    while sum(seconds) > total:
        seconds[max((i for i in range(len(seconds)) if seconds[i] > 1), key=over)] -= 1
    return seconds


def deck_timings(slides, minutes: float) -> list[int]:
    """Seconds for each slide of one deck (`slides`: objects with .html and .notes_html).

    Example:
    >>> from types import SimpleNamespace as S
    >>> deck_timings([S(html="<h1>T</h1>", notes_html="<p>hi</p>"), S(html="<h2>B</h2>", notes_html="")], 1)
    [30, 30]
    """
    return spread([weight(s.html, s.notes_html) for s in slides], minutes)
