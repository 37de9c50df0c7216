"""One option schema for everything an author writes as YAML options, checked by one validator in one wording:
every fence kind (snapshot and demo), the talk's slides/data/fences.yml, a deck's front matter and the
`deck` plugin's options in mkdocs.yml. `mapping(text, ...)` is the one reader of such YAML: it says
which file and line went wrong, and how to write it instead (BadYAML).

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

import yaml


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


class BadYAML(OptionError):
    """Text that holds no YAML mapping. `line` is the file's line at fault; `problem` is the message
    without its `path:line: ` (for a caller that names the place its own way, as a SlideError does)."""

    def __init__(self, message: str, line: int, problem: str):
        super().__init__(message)
        self.line, self.problem = line, problem


# What a YAML text holds instead of a mapping, in an author's words.
HOLDS = {list: "a list (`- item` lines)", str: "a single string", int: "a single number", float: "a single number",
         bool: "a single true/false"}


def mapping(text: str, where: str = "", *, path: str = "", line: int = 1,
            fix: str = "write one `option: value` a line") -> dict:
    """The `option: value` mapping `text` writes in YAML; {} for a text of blanks and comments only.

    `path` and `line` place the text: its file, and the file's line the text starts on (a fence's
    body starts the line after its fence). BadYAML names `path:line` of the line at fault, `where`
    (what the text is, as check() names it), what is wrong and `fix`. An unclosed bracket or quote
    is found at the end of the text; its line is the one that opened it.

    Example:
    >>> mapping("prompt: Hi\\ntop: 5\\n")
    {'prompt': 'Hi', 'top': 5}
    >>> mapping("prompt: Hi\\ntop: [5\\n", "demo beam", path="slides/a.md", line=13)
    Traceback (most recent call last):
    build_hooks.schema.BadYAML: slides/a.md:14: demo beam: not valid YAML: the `[` on this line is never closed; \
write one `option: value` a line
    >>> mapping("- prompt: Hi\\n", "demo beam", path="slides/a.md", line=13)
    Traceback (most recent call last):
    build_hooks.schema.BadYAML: slides/a.md:13: demo beam: holds a list (`- item` lines), not `key: value` lines; \
write one `option: value` a line
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark, context = getattr(err, "problem_mark", None), getattr(err, "context_mark", None)
        words = ", ".join(w for w in (getattr(err, "context", None), getattr(err, "problem", None)) if w)
        what, at = f"not valid YAML ({words or err})", mark.line if mark else 0
        if mark is not None and not text[mark.index:].strip():
            # PyYAML finds an unclosed `[`, `{` or quote only where the text ends: the line to fix is
            # the one that opened it (the error's context mark points at that character), else the
            # text's last line (the end itself may be the fence's closing line).
            if context is not None and text[context.index:context.index + 1] in ("[", "{", '"', "'"):
                at, what = context.line, f"not valid YAML: the `{text[context.index]}` on this line is never closed"
            else:
                at = len(text.rstrip().splitlines()) - 1
        raise _bad(what, where, path, line + max(at, 0), fix) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        rows = text.splitlines()      # the line at fault: the first that is not blank or a comment
        first = next((n for n, row in enumerate(rows) if row.strip() and not row.lstrip().startswith("#")), 0)
        holds = HOLDS.get(type(data), f"a {type(data).__name__}")
        raise _bad(f"holds {holds}, not `key: value` lines", where, path, line + first, fix)
    return data


def _bad(what: str, where: str, path: str, line: int, fix: str) -> BadYAML:
    problem = f"{_at(where)}{what}; {fix}"
    return BadYAML(f"{path}:{line}: {problem}" if path else f"line {line}: {problem}", line, problem)


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
