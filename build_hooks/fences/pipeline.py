"""One build's fences: every deck read once, every fence checked and its snapshots fetched before rendering.

    pipeline = Pipeline(cfg, store)
    pipeline.prepare(pages)          # each (path, text): parse, validate, fetch; FenceError lists
                                     # every bad fence as `slides/FILE.md:LINE: what; the fix`;
                                     # then the figures the pages show
    pipeline.register(mdx_configs)   # superfences calls pipeline.validate / pipeline.format

`format` only renders what `prepare` fetched; a fence `prepare` did not see is prepared on the
spot. Any failure there raises pymdownx's SuperFencesException (SuperFences swallows every
other exception and would print the fence as inline code), so a strict build never passes
with a fence missing.

Example:
>>> name_of({"next_tokens": "next_tokens"}), name_of({})
('next_tokens', '')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymdownx.superfences import SuperFencesException

from build_hooks import schema
from build_hooks.deck import slides
from build_hooks.fences import defaults as talk_defaults
from build_hooks.fences.registry import KINDS, LANGS, FenceKind, lookup
from build_hooks.figures import draw as figures
from build_hooks.snapshots.store import SnapshotError


def load_defaults(docs, data, where=str) -> dict:
    """{(lang, kind): options} from the talk's <data>/fences.yml, each entry checked by its kind's
    own option parser (so a bad default names the file); {} when the talk has no such file."""
    checks = {key: (lambda opts, k=kind: k.parse("", docs, opts)) for key, kind in KINDS.items()}
    return talk_defaults.load(data, checks, where)


class FenceError(ValueError):
    """One or more bad fences; the message has one `file:line: problem; fix` line each."""


FIGURE_REF = re.compile(r"figures/([a-z_]+)\.svg")


def name_of(inputs: dict) -> str:
    """The kind from superfences' parsed info string: ```snapshot next_tokens gives {"next_tokens": "next_tokens"}."""
    names = [k for k, v in inputs.items() if k == v]
    return names[0] if len(names) == 1 else ""


def body_key(body: str) -> str:
    """Fences are matched by their body: superfences and find_fences strip the indentation alike."""
    return "\n".join(line.rstrip() for line in body.strip().splitlines())


@dataclass
class Ready:
    kind: FenceKind
    options: dict
    data: list          # the fetched snapshots' data, in kind.needs order
    where: str          # the first `file:line` that asked for it


@dataclass
class Pipeline:
    cfg: object                      # build_hooks.plugin.project.DeckConfig
    store: object                    # build_hooks.snapshots.store.Store
    ready: dict = field(default_factory=dict)    # (lang, name, body key) -> Ready
    page: str = "a page"             # the page MkDocs renders now (set by the hook), for messages
    figures: dict = field(default_factory=dict)  # figure name -> its SVG file (only those a page shows)
    talk: dict | None = None         # the talk's figure data (slides/data/figures.yml), read on first use
    defaults: dict | None = None     # the talk's fence defaults (slides/data/fences.yml), read on first use
    live: dict | None = None         # the live model's page config (build_hooks/browser/live.py), set in on_files

    # Before rendering --------------------------------------------------------------------------

    def prepare(self, pages) -> None:
        """Check every fence of every page ((path, text) pairs) and fetch what it needs."""
        try:
            self.fence_defaults("", "")          # a bad slides/data/fences.yml fails first, naming itself
        except ValueError as err:
            raise FenceError(str(err)) from None
        problems, shown = [], {}
        for path, text in pages:
            where = self.cfg.where(path)
            for n, line in enumerate(text.splitlines(), 1):
                for name in FIGURE_REF.findall(line):
                    shown.setdefault(name, f"{where}:{n}")
            try:
                fences = slides.parse_deck(text, where).fences
            except slides.SlideError as err:
                problems.append(str(err))
                continue
            for fence in fences:
                if fence.lang not in LANGS:
                    continue
                try:
                    self._prepare(fence.lang, (fence.info.split() or [""])[0], fence.body, where, fence.line)
                except (ValueError, SnapshotError) as err:
                    problems.append(str(err))
        for name, where in shown.items():
            try:
                self._figure(name, where)
            except (ValueError, SnapshotError) as err:
                problems.append(str(err))
        if problems:
            raise FenceError("\n".join(problems))

    def uses(self, lang: str, name: str) -> bool:
        """Whether a page has a `lang name` fence (after prepare), e.g. uses("demo", "tokenizer")."""
        return any(key[:2] == (lang, name) for key in self.ready)

    def fence_defaults(self, lang: str, name: str) -> dict:
        """The talk's options for every `lang name` fence (slides/data/fences.yml; {} when none)."""
        if self.defaults is None:
            self.defaults = load_defaults(self.cfg.docs, self.cfg.data, self.cfg.where)
        return self.defaults.get((lang, name), {})

    def _figure(self, name: str, where: str) -> None:
        if name not in figures.NAMES:
            raise ValueError(f"{where}: there is no figure `figures/{name}.svg`; figures: {', '.join(figures.NAMES)}")
        if self.talk is None:
            self.talk = figures.load(self.cfg.data)
        # a figure drawn from a fence's kind (the quantization study) takes the talk's defaults for it
        data = [self.store.get(kind, {**self.fence_defaults("snapshot", kind), **params}, where)
                for kind, params in figures.needs(name, self.talk)]
        self.figures[name] = figures.build(name, data + figures.inputs(name, self.talk), self.cfg.figures)

    def _prepare(self, lang: str, name: str, body: str, where: str, line: int = 0) -> Ready:
        """The fence checked and its snapshots fetched; `line` is the fence's line in the page `where`
        (0 when superfences asks for one prepare() did not see: it gives no line)."""
        key = (lang, name, body_key(body))
        if key not in self.ready:
            at = f"{where}:{line}" if line else where
            try:
                kind = lookup(lang, name)
                place = {"path": where, "line": line + 1} if line else {}     # the body starts under the fence
                options = kind.parse(body, self.cfg.docs, self.fence_defaults(lang, name), **place)
            except schema.BadYAML as err:         # it names the body's own line at fault, in its file if known
                raise ValueError(str(err) if line else f"{where}: {err}") from None
            except ValueError as err:
                raise ValueError(f"{at}: {err}") from None
            data = [self.store.get(k, params, at) for k, params in kind.needs(options)]
            self.ready[key] = Ready(kind, options, data, at)
        return self.ready[key]

    def named(self, data: dict) -> dict:
        """A snapshot's data with the model's name as the slides say it: plugins.deck.model_name, else
        the name derived from the GGUF (recorded in the manifest for builds without the model)."""
        name = self.cfg.model_name or (self.store.model_info or {}).get("display_name")
        return {**data, "model": {**(data.get("model") or {}), "display_name": name}} if name else data

    # SuperFences entry points ------------------------------------------------------------------

    def register(self, mdx_configs: dict) -> None:
        """Point superfences' `snapshot` and `demo` fences at this pipeline (added if mkdocs.yml lacks them)."""
        fences = mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
        for lang in LANGS:
            entry = next((f for f in fences if f.get("name") == lang), None)
            if entry is None:
                entry = {"name": lang, "class": lang}
                fences.append(entry)
            entry.update(validator=self.validate, format=self.format)

    def validate(self, language, inputs, options, attrs, md) -> bool:
        options["kind"] = name_of(inputs)
        return True          # a bad kind fails loudly in format(), never as a silent code block

    def format(self, source, language, class_name, options, md, **kwargs) -> str:
        name = options.get("kind", "")
        try:
            ready = self._prepare(language, name, source, self.page)
        except (ValueError, SnapshotError) as err:
            raise SuperFencesException(str(err)) from None
        try:
            return ready.kind.render(ready.options, ready.data, self)
        except Exception as err:      # a renderer bug: name the fence, never print it as text
            raise SuperFencesException(f"{ready.where}: {language} {name}: {type(err).__name__}: {err}") from err
