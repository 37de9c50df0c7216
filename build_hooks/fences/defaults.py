"""The talk's defaults for its fences, read from slides/data/fences.yml.

The generator knows how a widget works, not what the talk says with it: the prompt, the
tokenizer's starting text, the n-gram corpus and the quantization study's prompts belong to the
talk, so they live beside it, once, and every fence that leaves them out gets them from here:

    demo:
      sampling: {prompt: "The cat sat on the"}
    snapshot:
      quant_study: {prompts: [...], passage: "..."}

A fence's own option always wins. The file is optional (no file: no defaults). Every entry is
checked when the file is read, so a bad default fails the build naming this file, not a fence.

Example:
>>> parse("demo:\\n  beam: {width: 2}\\n", "fences.yml", {("demo", "beam"): lambda opts: None})
{('demo', 'beam'): {'width': 2}}
>>> parse("demo:\\n  bean: {}\\n", "fences.yml", {("demo", "beam"): lambda opts: None})
Traceback (most recent call last):
ValueError: fences.yml: `demo: bean:` is not a demo kind; use one of: beam
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from build_hooks.schema import MissingOption, mapping

FILE = "fences.yml"       # in the talk's data folder (DeckConfig.data: slides/data/)


def parse(text: str, where: str, checks: dict[tuple[str, str], Callable[[dict], object]]) -> dict:
    """{(lang, kind): options} from the file's text. `checks[lang, kind](options)` raises ValueError
    for a bad option (a missing required one is fine here: a fence may give it)."""
    langs = sorted({lang for lang, _ in checks})
    sections = " or ".join(f"`{lang}:`" for lang in langs)
    data = mapping(text, path=where, fix=f"write `KIND: {{option: value}}` lines under {sections}")
    out = {}
    for lang, kinds in data.items():
        if lang not in langs:
            raise ValueError(f"{where}: `{lang}:` is not a fence language; use {' or '.join(langs)}")
        if not isinstance(kinds or {}, dict):
            raise ValueError(f"{where}: `{lang}:` must hold `KIND: {{option: value}}` lines, one per {lang} kind")
        names = [k for l_, k in checks if l_ == lang]
        for kind, options in (kinds or {}).items():
            if (lang, kind) not in checks:
                raise ValueError(f"{where}: `{lang}: {kind}:` is not a {lang} kind; use one of: {', '.join(names)}")
            if not isinstance(options, dict):
                raise ValueError(f"{where}: `{lang}: {kind}:` must map options to values, e.g. {{prompt: \"...\"}}")
            try:
                checks[lang, kind](options)
            except MissingOption:
                pass
            except ValueError as err:
                raise ValueError(f"{where}: `{lang}: {kind}:` {err}") from None
            out[lang, kind] = options
    return out


def load(data_dir: Path, checks: dict, where: Callable[[Path], str] = str) -> dict:
    """parse() of <data_dir>/fences.yml, or {} when the talk has no such file."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        return {}
    return parse(path.read_text(encoding="utf-8"), where(path), checks)
