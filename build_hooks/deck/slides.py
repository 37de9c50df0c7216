"""The slide source format: one Markdown file per deck, split into slides.

A deck is Markdown with YAML front matter (title, minutes, order). A line holding only `---`
starts a new slide, unless it sits inside a code fence, the front matter, or right after a table
row. A line starting `Note:` starts the slide's speaker notes, which run to the slide's end.

    ---
    title: Why local?
    minutes: 5
    order: 1
    ---

    ## Privacy

    Your prompts never leave the laptop.

    Note:
    Ask who has pasted a secret into a chatbot.

    ---

    ## Cost
    ...

Everything here is a plain function on strings (no MkDocs): the plugin (build_hooks/plugin/) is a thin layer on top.
Line numbers are always those of the raw file (1-based, front matter included), so errors read
`slides/why.md:12: ...` and point at the line to fix.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from build_hooks import schema
from build_hooks.schema import REQUIRED

# Front-matter options, in the one option schema (build_hooks/schema.py): the deck's own (required) and a
# few MkDocs/Material page keys we let through.
FRONT_MATTER = {
    "title": (str, REQUIRED, None, "a string"),
    "minutes": ((int, float), REQUIRED, lambda v: v > 0, "a number of minutes above 0 (your time budget)"),
    "order": (int, REQUIRED, None, "an integer (the deck's place in the nav and the talk)"),
    **{key: (types, None, None, hint) for key, types, hint in [
        ("description", str, "a string"), ("hide", list, "a list"), ("icon", str, "a string"),
        ("status", str, "a string"), ("search", dict, "a mapping"), ("template", str, "a string")]},
}
NOTES_TITLE = "Speaker notes"
NOTES_CLASS = "deck-notes"          # the collapsed details block: `<details class="note deck-notes">`
MARKER_CLASS = "deck-slide-marker"  # raw HTML that survives rendering and marks where a slide starts

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*$")


class SlideError(ValueError):
    """A problem in a deck's source, at `path:line`, with what to do about it."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class Fence:
    line: int               # 1-based line of the opening fence
    lang: str               # first word of the info string ("python", "snapshot", "demo")
    info: str               # the rest of the info string ("next_tokens")
    body: str               # the lines between the fences, with the fence's indentation removed
    end_line: int | None    # line of the closing fence (None: never closed)
    indent: str = ""
    marker: str = "```"


@dataclass
class Slide:
    line: int                   # first line of the slide in the raw file
    body: str                   # Markdown of the slide, notes excluded
    notes: str = ""             # Markdown of the speaker notes ("" when none)
    notes_line: int | None = None
    heading: str | None = None  # text of the slide's first heading, if any
    level: int = 0              # that heading's level (1 for `#`, 2 for `##`, ...)


@dataclass
class Deck:
    meta: dict
    slides: list[Slide] = field(default_factory=list)
    fences: list[Fence] = field(default_factory=list)   # every fenced block, with its raw line


# ---------------------------------------------------------------- front matter

def front_matter_span(lines: list[str]) -> tuple[int, int] | None:
    """Where the front matter sits: (index of the opening `---`, index of the closing line), or None.

    Example: front_matter_span(["---", "title: T", "---", "# Hi"]) == (0, 2)
    """
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return (0, i)
    return (0, -1)  # opened but never closed


def parse_front_matter(text: str, path: str = "deck.md") -> tuple[dict, int]:
    """Parse and check a deck's front matter; return (meta, index of the first line after it).

    Example: parse_front_matter("---\\ntitle: T\\nminutes: 5\\norder: 1\\n---\\n# T\\n")
             == ({"title": "T", "minutes": 5, "order": 1}, 5)
    """
    lines = text.splitlines()
    span = front_matter_span(lines)
    if span is None:
        raise SlideError(path, 1, "missing front matter; start the file with a `---` line, then "
                         "`title: ...`, `minutes: ...`, `order: ...` and a closing `---` line")
    start, end = span
    if end < 0:
        raise SlideError(path, 1, "front matter is never closed; add a `---` line after its last key")
    try:
        meta = schema.mapping("\n".join(lines[start + 1:end]), "front matter", line=start + 2,
                              fix="write one `key: value` a line (title, minutes, order)")
    except schema.BadYAML as err:
        raise SlideError(path, err.line, err.problem) from None

    def key_line(key: str) -> int:  # the raw file line where `key:` is written
        for i in range(start + 1, end):
            if re.match(rf"\s*{re.escape(str(key))}\s*:", lines[i]):
                return i + 1
        return start + 1

    try:
        meta = schema.check(FRONT_MATTER, meta, "front matter", fill=False,
                            fix="add a `{name}: ...` line (title: a string, minutes: a number, order: an integer)")
    except schema.MissingOption as err:
        raise SlideError(path, end + 1, str(err)) from None
    except schema.OptionError as err:
        raise SlideError(path, key_line(err.option), str(err)) from None
    return meta, end + 1


# ---------------------------------------------------------------- fences

def find_fences(text: str) -> list[Fence]:
    """Every fenced code block (``` or ~~~, any length, any indentation), outside the front matter.

    A fence closes on a line of the same character, at least as long, with nothing else on it:
    so a ```` fence can show a ``` fence inside it. An unclosed fence has `end_line=None`.

    Example: [f.lang for f in find_fences("```snapshot tokens\\ntext: hi\\n```\\n")] == ["snapshot"]
    """
    lines = text.splitlines()
    span = front_matter_span(lines)
    i = span[1] + 1 if span and span[1] > 0 else 0
    fences = []
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m or (m["marker"][0] == "`" and "`" in m["info"]):
            i += 1
            continue
        marker, indent = m["marker"], m["indent"]
        close = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        info = m["info"].strip()
        lang, _, rest = info.partition(" ")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = [ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1:j]]
        fences.append(Fence(line=i + 1, lang=lang.lstrip("{.").rstrip("}"), info=rest.strip(),
                            body="\n".join(body) + ("\n" if body else ""),
                            end_line=j + 1 if j < len(lines) else None, indent=indent, marker=marker))
        i = j + 1
    return fences


# ---------------------------------------------------------------- splitting

TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def is_table_row(lines: list[str], i: int) -> bool:
    """Whether lines[i] belongs to a Markdown table: a run of lines with pipes whose second line is the
    delimiter row (`|---|---|`). A paragraph line that merely holds a `|` is not one.

    Example:
    >>> is_table_row(["| a | b |", "|---|---|", "| 1 | 2 |"], 2), is_table_row(["Pipe it: `a | b`"], 0)
    (True, False)
    """
    start = i
    while start >= 0 and "|" in lines[start] and lines[start].strip():
        start -= 1
    run = lines[start + 1:i + 1]
    return len(run) >= 2 and "|" in run[1] and bool(TABLE_DELIMITER.match(run[1]))


def split_slides(text: str, path: str = "deck.md") -> Deck:
    """Split a deck's raw text into slides (with raw-file line numbers), checking it on the way.

    Example: [s.heading for s in split_slides(
                 "---\\ntitle: T\\nminutes: 1\\norder: 0\\n---\\n# T\\n---\\n## Two\\n").slides]
             == ["T", "Two"]
    """
    meta, first = parse_front_matter(text, path)
    lines = text.splitlines()
    in_fence = set()  # raw line indexes inside (or on) a fence
    fences = find_fences(text)
    for fence in fences:
        if fence.end_line is None:
            raise SlideError(path, fence.line, f"code fence {fence.marker}{fence.lang} is never closed; "
                             f"add a closing {fence.marker} line where its code ends")
        in_fence.update(range(fence.line - 1, fence.end_line))

    # Cut at every `---` line that is not in a fence and does not follow a table row.
    cuts = [first - 1]  # the closing front-matter line acts as the first cut
    for i in range(first, len(lines)):
        if lines[i].strip() == "---" and not lines[i].startswith((" ", "\t")) and i not in in_fence \
                and not (i > 0 and (i - 1) not in in_fence and is_table_row(lines, i - 1)):
            cuts.append(i)
    cuts.append(len(lines))

    deck = Deck(meta=meta, fences=fences)
    for a, b in itertools.pairwise(cuts):
        deck.slides.append(_make_slide(lines, a + 1, b, in_fence, path, cut_line=a + 1))
    return deck


@functools.lru_cache(maxsize=256)
def parse_deck(text: str, path: str = "deck.md") -> Deck:
    """split_slides, once per build: the deck hooks and the fence pipeline share one parse of a deck
    (same text and path, same Deck object; treat it as read-only)."""
    return split_slides(text, path)


def _make_slide(lines, start, stop, in_fence, path, cut_line) -> Slide:
    """One slide from raw lines[start:stop]: body, notes, first heading; empty slides are errors."""
    notes_at = next((i for i in range(start, stop) if lines[i].startswith("Note:") and i not in in_fence), None)
    body_end = notes_at if notes_at is not None else stop
    body = lines[start:body_end]
    if not any(ln.strip() for ln in body):
        where = f"after the `---` on line {cut_line}" if start > 0 else "at the start of the deck"
        raise SlideError(path, cut_line, f"empty slide {where}; remove the extra `---` line or give the slide "
                         "some content (a `## Heading` at least)")
    slide = Slide(line=start + 1 + next(k for k, ln in enumerate(body) if ln.strip()),
                  body="\n".join(body).strip("\n") + "\n")
    if notes_at is not None:
        notes = [lines[notes_at][len("Note:"):].strip()] + lines[notes_at + 1:stop]
        slide.notes = "\n".join(notes).strip("\n") + "\n"
        slide.notes_line = notes_at + 1
    for i in range(start, body_end):
        m = HEADING.match(lines[i])
        if m and i not in in_fence:
            slide.heading = re.sub(r"\s*\{[^}]*\}\s*$", "", m["text"])  # drop attr_list `{#id}`
            slide.level = len(m["hashes"])
            break
    return slide


# ---------------------------------------------------------------- Markdown for MkDocs

def to_markdown(deck: Deck) -> str:
    """Rewrite a deck as one MkDocs page: a marker before each slide, notes as a collapsed block.

    The marker is a raw HTML block that Python-Markdown passes through untouched, so the hook can
    find slide boundaries in the rendered HTML. Notes become `??? note deck-notes "Speaker notes"`
    (pymdownx.details, collapsed), their lines indented by four spaces.

    Example: "??? note deck-notes" in to_markdown(split_slides(text_with_notes))
    """
    out = []
    for n, slide in enumerate(deck.slides, 1):
        out.append(f'<div class="{MARKER_CLASS}" data-slide="{n}" data-line="{slide.line}"></div>\n')
        out.append(slide.body)
        if slide.notes.strip():
            indented = "\n".join("    " + ln if ln.strip() else "" for ln in slide.notes.splitlines())
            out.append(f'??? note {NOTES_CLASS} "{NOTES_TITLE}"\n\n{indented}\n')
    return "\n".join(out)
