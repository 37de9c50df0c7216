"""One option schema (build_hooks/schema.py) for every place an author writes options, one wording.

The same kind of mistake reads the same wherever it is made: a snapshot fence, a demo fence, the
talk's slides/data/fences.yml, a deck's front matter, the plugin's options in mkdocs.yml.
"""

from __future__ import annotations

import re

import pytest

from build_hooks import schema
from build_hooks.deck import slides
from build_hooks.fences import defaults, demo, pipeline, snapshot
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



# A bad body, wherever it is written: the whole message, with the file, the line at fault and the fix.
OPTIONS_FIX = "write one `option: value` a line"
FENCES_FIX = "write `KIND: {{option: value}}` lines under `demo:` or `snapshot:`"
FRONT_FIX = "write one `key: value` a line (title, minutes, order)"


def beam(body):          # a `demo beam` fence whose body starts on line 13 of slides/a.md
    return lambda tmp: demo.parse("beam", body, path="slides/a.md", line=13)


def next_tokens(body):   # a `snapshot next_tokens` fence whose body starts on line 3
    return lambda tmp: snapshot.parse("next_tokens", body, path="slides/a.md", line=3)


def fences_yml(text):
    return lambda tmp: pipeline.load_defaults(ROOT / "slides", _data(tmp, text))


def front_matter(text):
    return lambda tmp: slides.parse_front_matter(front(text), "slides/a.md")


BAD_BODIES = {
    "demo fence, YAML syntax": (beam("prompt: Hi\nwidth: [2\n"),
                                "slides/a.md:14: demo beam: not valid YAML: the `[` on this line is never closed"),
    "demo fence, YAML syntax mid-body": (beam("prompt: Hi\nwidth: 2: 3\ndepth: 4\n"),
                                         "slides/a.md:14: demo beam: not valid YAML (mapping values are not allowed "
                                         "here)"),
    "demo fence, YAML cut short": (beam("prompt: Hi\nwidth: [\n"),         # the text's last line, not the fence's
                                   "slides/a.md:14: demo beam: not valid YAML (while parsing a flow node, expected "
                                   "the node content, but found '<stream end>')"),
    "demo fence, not a mapping": (beam("# the beam's options\n- prompt: Hi\n"),
                                  "slides/a.md:14: demo beam: holds a list (`- item` lines), not `key: value` lines"),
    "snapshot fence, YAML syntax": (next_tokens('top: 5\nprompt: "The cat\n'),
                                    "slides/a.md:4: snapshot next_tokens: not valid YAML: the `\"` on this line is "
                                    "never closed"),
    "snapshot fence, not a mapping": (next_tokens("The cat sat on the\n"),
                                      "slides/a.md:3: snapshot next_tokens: holds a single string, not `key: value` "
                                      "lines"),
    "fences.yml, YAML syntax": (fences_yml("demo:\n  beam: {width: 2\n"),
                                "{tmp}/fences.yml:2: not valid YAML: the `{{` on this line is never closed"),
    "fences.yml, not a mapping": (fences_yml("- demo\n"),
                                  "{tmp}/fences.yml:1: holds a list (`- item` lines), not `key: value` lines"),
    "front matter, YAML syntax": (front_matter("title: T\nminutes: 5\norder: 1: 2\n"),
                                  "slides/a.md:4: front matter: not valid YAML (mapping values are not allowed here)"),
    "front matter, not a mapping": (front_matter("- title: T\n"),
                                    "slides/a.md:2: front matter: holds a list (`- item` lines), not `key: value` "
                                    "lines"),
}
FIXES = {"demo": OPTIONS_FIX, "snapshot": OPTIONS_FIX, "fences.yml": FENCES_FIX, "front": FRONT_FIX}


@pytest.mark.parametrize("place", BAD_BODIES)
def test_a_bad_yaml_body_names_its_file_line_and_fix(place, tmp_path):
    make, message = BAD_BODIES[place]
    fix = FIXES[place.split()[0].rstrip(",")]
    assert error(make, tmp_path) == f"{message}; {fix}".format(tmp=tmp_path)


def test_an_empty_body_or_one_of_comments_is_no_options():
    assert schema.mapping("") == schema.mapping("  \n# nothing here yet\n") == {}


def test_yaml_is_read_in_one_place():
    """Every option an author writes as YAML goes through schema.mapping, so it reads and fails alike."""
    readers = [p.relative_to(ROOT).as_posix() for p in (ROOT / "build_hooks").rglob("*.py")
               if re.search(r"\byaml\.(safe_)?load\b", p.read_text(encoding="utf-8"))]
    assert readers == ["build_hooks/schema.py"]
