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

MkDocs checks every value before any event runs. What each option accepts is said once, in the one
option schema every fence kind and the front matter use (build_hooks/schema.py), so a bad value gets
the same sentence as a bad fence option, naming the field as the author finds it in mkdocs.yml:
`mkdocs.yml: option `plugins.deck.theme` is 'league'; it must be one of white, black (...)`.

Example:
>>> cfg = DeckPluginConfig()
>>> cfg.load_dict({"theme": "black", "live": False})
>>> failed, warnings = cfg.validate()
>>> failed, cfg.theme, cfg.live.enabled, cfg.live.max_mb
([], 'black', False, 150)
"""

from __future__ import annotations

import contextlib

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from build_hooks import schema
from build_hooks.browser.live import DEFAULT_MAX_MB
from build_hooks.deck.present import THEMES

WHERE, PREFIX = "mkdocs.yml", "plugins.deck."

OPTIONS = {
    "model": (str, None, lambda v: v.strip() != "",
              "a .gguf path, ollama:NAME[:TAG], hf:OWNER/REPO/FILE.gguf or embedded"),
    "model_name": (str, None, lambda v: v.strip() != "",
                   "a name that is not empty: what the slides call the model, e.g. SmolLM2 135M Instruct"),
    "theme": (str, "white", lambda v: v in THEMES,
              f"one of {', '.join(THEMES)} (reveal.js themes whose fonts are embedded; the others fetch Google Fonts)"),
}
LIVE = {
    "enabled": (bool, True, None, "true or false"),
    "max_mb": ((int, float), DEFAULT_MAX_MB, lambda v: v > 0,
               "a number of megabytes above 0 (the largest model the site ships to readers)"),
}


class _Checked:
    """MkDocs' own check of a value, then the schema's (build_hooks/schema.py), in the schema's words."""

    def __init__(self, *args, name: str, option, **kwargs):
        super().__init__(*args, **kwargs)
        self.name, self.option = name, option

    def run_validation(self, value):
        with contextlib.suppress(ValidationError):      # the schema says what is wrong with it, in its words
            value = super().run_validation(value)
        try:
            value = schema.value(PREFIX + self.name, self.option, value, WHERE)
        except schema.OptionError as err:
            raise ValidationError(str(err)) from None
        return value.strip() if isinstance(value, str) and self.name.startswith("model") else value


class CheckedType(_Checked, c.Type):
    pass


class CheckedChoice(_Checked, c.Choice):
    pass


def unknown_keys(config: base.Config, prefix: str = PREFIX) -> list[str]:
    """The schema's sentence for the first key that is not an option (MkDocs itself only warns).

    Example:
    >>> cfg = LiveConfig(); cfg.load_dict({"max_md": 5}); unknown_keys(cfg, "plugins.deck.live.")
    ['mkdocs.yml: unknown option `plugins.deck.live.max_md`; did you mean `max_mb`? Options: enabled, max_mb']
    """
    known = {name: None for name, _ in config._schema}
    try:
        schema.unknown(known, dict.fromkeys(config.keys()), WHERE, prefix)
    except schema.UnknownOption as err:
        return [str(err)]
    return []


class LiveConfig(base.Config):
    """`live:` the model in the reader's browser (see build_hooks/browser/live.py)."""
    enabled = CheckedType(bool, default=True, name="live.enabled", option=LIVE["enabled"])
    max_mb = CheckedType((int, float), default=DEFAULT_MAX_MB, name="live.max_mb", option=LIVE["max_mb"])


class LiveOption(c.SubConfig[LiveConfig]):
    """`live: false` is short for `live: {enabled: false}`; an unknown key is an error, not a warning."""

    def run_validation(self, value):
        if isinstance(value, bool):
            value = {"enabled": value}
        if not isinstance(value, dict):
            raise ValidationError(f"{WHERE}: option `{PREFIX}live` is {value!r}; it must be true, false or a "
                                  f"mapping (enabled: true, max_mb: {DEFAULT_MAX_MB})")
        try:
            config = super().run_validation(value)
        except ValidationError as err:        # MkDocs says "Sub-option 'max_mb': " before our sentence
            message = str(err).split(": ", 1)[-1] if str(err).startswith("Sub-option") else str(err)
            raise ValidationError(message) from None
        problems = unknown_keys(config, PREFIX + "live.")
        if problems:
            raise ValidationError(problems[0])
        return config


class DeckPluginConfig(base.Config):
    model = c.Optional(CheckedType(str, name="model", option=OPTIONS["model"]))
    model_name = c.Optional(CheckedType(str, name="model_name", option=OPTIONS["model_name"]))
    theme = CheckedChoice(THEMES, default="white", name="theme", option=OPTIONS["theme"])
    live = LiveOption()
