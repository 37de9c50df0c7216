"""One option schema (build_hooks/schema.py) for every place an author writes options, one wording.

The same kind of mistake reads the same wherever it is made: a snapshot fence, a demo fence, the
talk's slides/data/fences.yml, a deck's front matter, the plugin's options in mkdocs.yml.
"""

from __future__ import annotations

import re

import pytest

from build_hooks import schema
from build_hooks.deck import slides
from build_hooks.fences import defaults, demo, pipeline
from build_hooks.snapshots import kinds
from helpers import ROOT, options

BAD_VALUE = re.compile(r"option `(?P<name>[\w.]+)` is (?P<value>.+?); it must be (?P<hint>.+)")
UNKNOWN = re.compile(r"unknown option `(?P<name>[\w.]+)`; did you mean `(?P<close>\w+)`\? Options: ")


def error(fn, *args, **kwargs) -> str:
    with pytest.raises(ValueError) as err:
        fn(*args, **kwargs)
    return str(err.value)


def front(text: str) -> str:
    return f"---\n{text}---\n# T\n"


BAD_VALUES = {      # place -> (how to make the mistake, the option named in the message)
    "snapshot fence": (lambda tmp: kinds.normalize("beam", {"prompt": "Hi", "width": 9}), "width"),
    "demo fence": (lambda tmp: demo.parse("beam", "width: 9", defaults={"prompt": "Hi"}), "width"),
    "fences.yml": (lambda tmp: pipeline.load_defaults(ROOT / "slides", _data(tmp, "demo:\n  beam: {width: 9}\n")),
                   "width"),
    "front matter": (lambda tmp: slides.parse_front_matter(front("title: T\nminutes: 0\norder: 1\n")), "minutes"),
    "mkdocs.yml": (lambda tmp: options(live={"max_mb": 0}), "plugins.deck.live.max_mb"),
}
UNKNOWNS = {
    "snapshot fence": (lambda tmp: kinds.normalize("beam", {"prompt": "Hi", "widht": 2}), "widht", "width"),
    "demo fence": (lambda tmp: demo.parse("beam", "widht: 2", defaults={"prompt": "Hi"}), "widht", "width"),
    "fences.yml": (lambda tmp: pipeline.load_defaults(ROOT / "slides", _data(tmp, "demo:\n  beam: {widht: 2}\n")),
                   "widht", "width"),
    "front matter": (lambda tmp: slides.parse_front_matter(front("title: T\nminuts: 1\norder: 1\n")),
                     "minuts", "minutes"),
    "mkdocs.yml": (lambda tmp: options(live={"max_md": 2}), "plugins.deck.live.max_md", "max_mb"),
}

def _data(folder, text: str):
    """`folder`, holding a fences.yml with `text`."""
    (folder / defaults.FILE).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("place", BAD_VALUES)
def test_a_bad_value_reads_the_same_everywhere(place, tmp_path):
    make, name = BAD_VALUES[place]
    message = error(make, tmp_path)
    found = BAD_VALUE.search(message)
    assert found and found["name"] == name, message
    assert found["hint"] and found["value"] in ("9", "0"), message


@pytest.mark.parametrize("place", UNKNOWNS)
def test_an_unknown_option_reads_the_same_everywhere_and_suggests_the_closest(place, tmp_path):
    make, name, close = UNKNOWNS[place]
    message = error(make, tmp_path)
    found = UNKNOWN.search(message)
    assert found and (found["name"], found["close"]) == (name, close), message


def test_every_fence_kind_declares_its_options_in_the_schema():
    """A new kind (its options as Option or 4-tuples) is checked by the same validator, nothing else."""
    for kind in kinds.KINDS.values():
        for option in kind.options.values():
            schema.Option(*option)
    for spec in demo.OPTIONS.values():
        for option in spec.values():
            schema.Option(*option)


def test_a_missing_required_option_says_where_to_give_it():
    message = error(kinds.normalize, "quant_study", {"passage": "x"})
    assert message.startswith("snapshot quant_study: needs the option `prompts` (a list of prompts, none empty)")
    assert "slides/data/fences.yml under `snapshot: quant_study:`" in message

