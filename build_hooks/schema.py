"""One option schema for everything an author writes as YAML options, checked by one validator in one wording:
every fence kind (snapshot and demo), the talk's slides/data/fences.yml, a deck's front matter and the
`deck` plugin's options in mkdocs.yml.

An option is `Option(types, default, check, hint)`; a plain 4-tuple is one too:

    types    what the YAML must hold: str, int, (int, float), list, bool, dict
    default  the value when nobody gives one, or REQUIRED: somebody must
    check    a further test of a value of those types (None: any)
    hint     what the option accepts, for the error: "an integer from 1 to 100"

`check(schema, values, where)` returns the values with the defaults filled in, or raises one of
(all ValueError, all saying `where` first):

    UnknownOption   demo beam: unknown option `wdth`; did you mean `width`? Options: prompt, width, depth
    BadValue        demo beam: option `width` is 9; it must be an integer from 1 to 5
    MissingOption   demo beam: needs the option `prompt` (a prompt string, not empty); <the caller's fix>

A whole float (2.0) counts as an int; a bool (true) is never a number.

Example:
>>> BEAM = {"prompt": Option(str, REQUIRED, None, "a prompt"), "width": (int, 3, lambda v: 1 <= v <= 5, "1 to 5")}
>>> check(BEAM, {"prompt": "Hi", "width": 2.0}, "demo beam")
{'prompt': 'Hi', 'width': 2}
>>> check(BEAM, {"prompt": "Hi", "wdth": 2}, "demo beam")
Traceback (most recent call last):
build_hooks.schema.UnknownOption: demo beam: unknown option `wdth`; did you mean `width`? Options: prompt, width
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, NamedTuple


class _Required:
    def __repr__(self):
        return "REQUIRED"


REQUIRED: Any = _Required()     # the default of an option somebody must give


class Option(NamedTuple):
    types: type | tuple
    default: Any = REQUIRED
    check: Callable[[Any], bool] | None = None
    hint: str = ""


class OptionError(ValueError):
    """A bad option; `option` is its name (for a caller that points at its line)."""

    def __init__(self, message: str, option: str = ""):
        super().__init__(message)
        self.option = option


class UnknownOption(OptionError):
    pass


class BadValue(OptionError):
    pass


class MissingOption(OptionError):
    """A required option nobody gave (a fence may still get it from slides/data/fences.yml)."""


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def value(name: str, option, given, where: str = ""):
    """One value checked against its option (BadValue if it does not fit); a whole float becomes an int.

    Example:
    >>> value("top", (int, 10, lambda v: 1 <= v <= 100, "an integer from 1 to 100"), 0, "snapshot next_tokens")
    Traceback (most recent call last):
    build_hooks.schema.BadValue: snapshot next_tokens: option `top` is 0; it must be an integer from 1 to 100
    """
    types, _, test, hint = Option(*option)
    wants_int = types is int or (isinstance(types, tuple) and int in types and float not in types)
    if wants_int and isinstance(given, float) and given.is_integer():
        given = int(given)
    is_bool = isinstance(given, bool)
    fits = (not is_bool or _allows(types, bool)) and isinstance(given, types) and (test is None or test(given))
    if not fits:
        raise BadValue(f"{_at(where)}option `{name}` is {given!r}; it must be {hint}", name)
    return given


def _allows(types, kind) -> bool:
    return types is kind or (isinstance(types, tuple) and kind in types)


def unknown(schema: dict, values: dict, where: str = "", prefix: str = "") -> None:
    """UnknownOption for the first key the schema lacks, with the closest known name."""
    for key in values:
        if key not in schema:
            close = difflib.get_close_matches(str(key), [str(k) for k in schema], n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise UnknownOption(f"{_at(where)}unknown option `{prefix}{key}`; {hint}"
                                f"Options: {', '.join(map(str, schema)) or 'none'}", str(key))


def check(schema: dict, values: dict, where: str = "", *, fill: bool = True, fix: str = "", prefix: str = "") -> dict:
    """The values checked against the schema (unknown names first, then each value, then what is missing),
    the defaults filled in unless fill=False. `fix` ends a MissingOption's message ({name} is the option);
    `prefix` is put before each name in messages ("plugins.deck.live.").

    Example:
    >>> check({"n": (int, 4, None, "an integer")}, {})
    {'n': 4}
    >>> check({"title": (str, REQUIRED, None, "a string")}, {}, "front matter", fix="add a `{name}: ...` line")
    Traceback (most recent call last):
    build_hooks.schema.MissingOption: front matter: needs the option `title` (a string); add a `title: ...` line
    """
    unknown(schema, values, where, prefix)
    out = {name: value(f"{prefix}{name}", schema[name], given, where) for name, given in values.items()}
    for name, option in schema.items():
        _, default, _, hint = Option(*option)
        if name in out:
            continue
        if default is REQUIRED:
            tail = f"; {fix.format(name=name)}" if fix else ""
            raise MissingOption(f"{_at(where)}needs the option `{prefix}{name}` ({hint}){tail}", name)
        if fill:
            out[name] = default
    return {name: out[name] for name in schema if name in out}
