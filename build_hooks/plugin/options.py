"""The `deck` plugin's options in mkdocs.yml, typed with MkDocs' own config_options.

    plugins:
      - search
      - deck:
          model: embedded        # DECK_MODEL wins; a .gguf path, ollama:NAME[:TAG], hf:OWNER/REPO/FILE.gguf
          model_name: My Model   # what the slides call the model (default: derived from the GGUF)
          theme: white           # present mode's reveal.js theme: white or black (fonts embedded)
          live:                  # the live model in the reader's browser (or `live: false`)
            enabled: true
            max_mb: 150

MkDocs checks every value before any event runs. A bad one stops the build with one sentence that
names the field as the author finds it in mkdocs.yml and says what it must be, e.g.
`mkdocs.yml: plugins.deck.theme is 'league'; it must be one of white, black (...)`.

Example:
>>> cfg = DeckPluginConfig()
>>> cfg.load_dict({"theme": "black", "live": False})
>>> failed, warnings = cfg.validate()
>>> failed, cfg.theme, cfg.live.enabled, cfg.live.max_mb
([], 'black', False, 150)
"""

from __future__ import annotations

import difflib

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from build_hooks.browser.live import DEFAULT_MAX_MB
from build_hooks.deck.present import THEMES

PREFIX = "mkdocs.yml: plugins.deck."


class _Worded:
    """MkDocs' check of a value, said our way: `mkdocs.yml: plugins.deck.FIELD is VALUE; it must be HINT`.

    `field` is the option's path under plugins.deck; `check` (optional) is a further test of a value
    MkDocs accepted: it returns the value to use, or raises ValueError.
    """

    def __init__(self, *args, field: str, hint: str, check=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.field, self.hint, self.check = field, hint, check

    def run_validation(self, value):
        try:
            value = super().run_validation(value)
            return self.check(value) if self.check else value
        except (ValidationError, ValueError):
            raise ValidationError(f"{PREFIX}{self.field} is {value!r}; it must be {self.hint}") from None


class WordedType(_Worded, c.Type):
    pass


class WordedChoice(_Worded, c.Choice):
    pass


def _positive(value):
    if isinstance(value, bool) or value <= 0:
        raise ValueError(value)
    return value


def _name(value):
    if value is not None and not value.strip():
        raise ValueError(value)
    return value.strip() if value else None


def unknown_keys(config: base.Config, where: str = "") -> list[str]:
    """One sentence per key the schema does not know, with the closest known key (MkDocs only warns).

    Example:
    >>> cfg = LiveConfig(); cfg.load_dict({"max_md": 5}); unknown_keys(cfg, "live")
    ["mkdocs.yml: plugins.deck.live has an unknown key 'max_md'; did you mean 'max_mb'? Known keys: enabled, max_mb"]
    """
    known = [name for name, _ in config._schema]
    out = []
    for key in sorted(set(config.keys()) - set(known), key=str):
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        out.append(f"{PREFIX}{where or ''}".rstrip(".") + f" has an unknown key {key!r}; {hint}"
                   f"Known keys: {', '.join(known)}")
    return out


class LiveConfig(base.Config):
    """`live:` the model in the reader's browser (see build_hooks/browser/live.py)."""
    enabled = WordedType(bool, default=True, field="live.enabled", hint="true or false")
    max_mb = WordedType((int, float), default=DEFAULT_MAX_MB, field="live.max_mb", check=_positive,
                        hint="a number of megabytes > 0 (the largest model the site ships to readers)")


class LiveOption(c.SubConfig[LiveConfig]):
    """`live: false` is short for `live: {enabled: false}`; an unknown key is an error, not a warning."""

    def run_validation(self, value):
        if isinstance(value, bool):
            value = {"enabled": value}
        if not isinstance(value, dict):
            raise ValidationError(f"{PREFIX}live is {value!r}; it must be true, false or a mapping "
                                  f"(enabled: true, max_mb: {DEFAULT_MAX_MB})")
        config = super().run_validation(value)
        problems = unknown_keys(config, "live")
        if problems:
            raise ValidationError(problems[0])
        return config


class DeckPluginConfig(base.Config):
    model = c.Optional(WordedType(str, field="model", check=_name,
                                  hint="a .gguf path, ollama:NAME[:TAG], hf:OWNER/REPO/FILE.gguf or embedded"))
    model_name = c.Optional(WordedType(str, field="model_name", check=_name,
                                       hint="a non-empty string: the name the slides show, "
                                            "e.g. model_name: SmolLM2 135M Instruct"))
    theme = WordedChoice(THEMES, default="white", field="theme",
                         hint=f"one of {', '.join(THEMES)} (reveal.js themes whose fonts are embedded; "
                              "the others fetch Google Fonts)")
    live = LiveOption()

