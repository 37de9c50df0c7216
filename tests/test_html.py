"""Well-formed HTML: every page of the built site, and each fence kind's HTML fragment, Markdown in and HTML out.

The checker is a small tag-balance pass over html.parser: every element closes in order, nothing
closes that was not open (a stray `</td>`), void elements never close. The HTML spec's optional
end tags (`</p>`, `</li>`, ...) are the one leniency; our renderers always write them anyway.
"""

from html.parser import HTMLParser

import markdown
import pytest

from build_hooks.fences.pipeline import Pipeline
from helpers import ROOT

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        pass                                       # <img/>, <path/> (inline SVG): opened and closed at once

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes a void element")
            return
        while self.stack and self.stack[-1][0] != tag and self.stack[-1][0] in OPTIONAL_END:
            self.stack.pop()                       # an optional end tag left out
        if not self.stack or self.stack[-1][0] != tag:
            open_ = self.stack[-1] if self.stack else ("nothing", 0)
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> but <{open_[0]}> (line {open_[1]}) is open")
            return
        self.stack.pop()


def problems(html: str) -> list[str]:
    """Example: problems("<table><tr><td>a</td></td></tr></table>") names the stray </td>."""
    checker = Balance()
    checker.feed(html)
    checker.close()
    left = [f"<{t}> (line {n}) never closed" for t, n in checker.stack if t not in OPTIONAL_END]
    return checker.problems + left


def test_the_checker_catches_what_the_beam_table_used_to_emit():
    assert problems("<table><tr><td>a</td></td><td>b</td></tr></table>")        # the old </td></td>
    assert problems("<div><span></div>") and problems("<div>") and problems("<br></br>")
    assert problems("<ul><li>a<li>b</ul><p>x") == []                            # optional end tags


def test_every_page_of_the_built_site_is_well_formed(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    bad = {str(p.relative_to(built_site)): problems(p.read_text(encoding="utf-8"))[:3] for p in pages}
    assert not {k: v for k, v in bad.items() if v}


# --- fragments: each fence kind through real Markdown + SuperFences, against fixed data -----------

MODEL = {"name": "m", "display_name": "Tiny 1M", "quantization": "Q4_1"}
DATA = {
    "next_tokens": {"prompt": "a", "top": [{"id": 7, "text": " b", "prob": 0.5, "logprob": -0.693}], "rest": 0.5,
                    "entropy_bits": 1.0},
    "score": {"prompt": "a", "continuations": [{"text": " b c", "ids": [7, 8], "logprob": -2.996, "prob": 0.05,
                                                "tokens": [{"id": 7, "text": " b", "logprob": -0.693, "prob": 0.5},
                                                           {"id": 8, "text": " c", "logprob": -2.303, "prob": 0.1}]}]},
    "beam": {"prompt": "a", "width": 1, "depth": 1, "beams": {"1": [{"text": " b", "logprob": -0.693, "ids": [7]}]},
             "expansions": {"": [{"id": 7, "text": " b", "logprob": -0.693}]}},
    "tokens": {"text": "ab", "ids": [1, 2], "pieces": ["a", "b"], "bytes": ["61", "62"]},
}


class FixedStore:
    """Serves DATA (a snapshot store stand-in: the fragments depend on the renderers only)."""
    model_info = MODEL

    def get(self, kind, params, where):
        return {**DATA[kind], "model": MODEL}


def render(source: str) -> str:
    from types import SimpleNamespace
    cfg = SimpleNamespace(docs=ROOT / "slides", data=ROOT / "slides" / "data", where=str, model_name=None)
    pipeline = Pipeline(cfg, FixedStore(), page="slides/t.md")
    configs = {}
    pipeline.register(configs)
    return markdown.markdown(source, extensions=["pymdownx.superfences"], extension_configs=configs)


SNAPSHOT_NEXT = (
    '<figure class="snapshot snapshot-next-tokens"><table class="snap-table"><thead><tr><th>#</th><th>next token</th>'
    '<th>id</th><th>probability</th><th>log p</th></tr></thead><tbody><tr><td class="snap-rank">1</td><td><code '
    'class="snap-token"><span class="snap-ws" title="space">␣</span>b</code></td><td class="snap-id">7</td><td '
    'class="snap-prob"><span class="snap-bar" style="--snap-p: 50.00; --snap-hue: 85"></span><span class="snap-num">'
    '50.0%</span></td><td class="snap-logprob">-0.69</td></tr><tr class="snap-rest"><td></td><td colspan="2">all '
    'other tokens</td><td class="snap-prob"><span class="snap-bar" style="--snap-p: 50.00; --snap-hue: 230"></span>'
    '<span class="snap-num">50.0%</span></td><td></td></tr></tbody><tfoot><tr class="snap-entropy"><td colspan="5">'
    'Entropy over all tokens: 1.00 bits, as unsure as a fair pick among 2.0 tokens (2<sup>1.00</sup>)</td></tr>'
    '</tfoot></table><figcaption>What comes after <q>a</q>? Tiny 1M (Q4_1)</figcaption></figure>')
# a continuation's probability: one row per token, then their product (and the odds when it is small)
SNAPSHOT_SCORE = (
    '<figure class="snapshot snapshot-score"><table class="snap-table snap-score"><thead><tr><th>continuation</th>'
    '<th>token</th><th>probability</th><th>log p</th></tr></thead><tbody><tr><td><q> b c</q></td><td><code class="s'
    'nap-token"><span class="snap-ws" title="space">␣</span>b</code></td><td class="snap-num">50.0%</td><td class="'
    'snap-logprob">-0.69</td></tr><tr><td></td><td><code class="snap-token"><span class="snap-ws" title="space">␣</'
    'span>c</code></td><td class="snap-num">10.0%</td><td class="snap-logprob">-2.30</td></tr><tr class="snap-produ'
    'ct"><td></td><td>product of 2</td><td class="snap-num">5.0% (1 in 20)</td><td class="snap-logprob">-3.00</td><'
    '/tr></tbody></table><figcaption>How likely is each continuation after <q>a</q>? Each token\'s probability '
    'given the prompt and the tokens before it; the continuation\'s is their product (log p: their sum). Tiny 1'
    'M (Q4_1)</figcaption></figure>')
SNAPSHOT_BEAM = (
    '<figure class="snapshot snapshot-beam"><table class="snap-table"><thead><tr><th>width</th><th>continuation</th>'
    '<th>total log p</th><th>probability</th></tr></thead><tbody><tr><td>1</td><td> b</td><td class="snap-logprob">'
    '-0.69</td><td class="snap-num">50.0%</td></tr></tbody></table><figcaption>Beam search from <q>a</q>, depth 1: '
    'the beams kept at widths 1 to 1 (width 1 is greedy). Tiny 1M (Q4_1)</figcaption></figure>')
SNAPSHOT_TOKENS = (
    '<figure class="snapshot snapshot-tokens"><div class="snap-pieces"><span class="snap-piece">'
    '<code class="snap-token">a</code><span class="snap-id">1</span></span><span class="snap-piece">'
    '<code class="snap-token">b</code><span '
    'class="snap-id">2</span></span></div><figcaption><q>ab</q>: 2 characters, 2 tokens. Tiny 1M (Q4_1)'
    '</figcaption></figure>')


@pytest.mark.parametrize("markdown_in, html_out", [
    ('```snapshot next_tokens\nprompt: "a"\ntop: 1\n```', SNAPSHOT_NEXT),
    ('```snapshot beam\nprompt: "a"\nwidth: 1\ndepth: 1\n```', SNAPSHOT_BEAM),
    ('```snapshot tokens\ntext: "ab"\n```', SNAPSHOT_TOKENS),
    ('```snapshot score\nprompt: "a"\ncontinuations: [" b c"]\n```', SNAPSHOT_SCORE),
], ids=["next_tokens", "beam", "tokens", "score"])
def test_snapshot_fence_fragments(markdown_in, html_out):
    assert render(markdown_in) == html_out
    assert problems(html_out) == []


DEMO_BEAM = (
    '<div class="demo demo-beam" data-demo="beam" data-state="static"><div class="demo-head"><span class="demo-'
    'title">Beam search after “a”</span><span class="demo-status" role="status" aria-live="polite">Static previ'
    'ew: use a control to run it live (Python in your browser).</span></div><script type="application/json" cla'
    'ss="demo-data">{"prompt":"a","snapshot":{"expansions":{"":[{"id":7,"text":" b","logprob":-0.693}]}}}</scri'
    'pt><div class="demo-controls"><label class="demo-field"><span>Beam width</span><input type="range" name="w'
    'idth" min="1" max="1" step="1" value="1"><output>1</output></label><label class="demo-field"><span>Length '
    '(tokens)</span><input type="range" name="depth" min="1" max="1" step="1" value="1"><output>1</output></lab'
    'el><label class="demo-field"><span>Seed (sampled path)</span><input type="number" name="seed" min="0" max='
    '"999999" step="1" value="0"></label></div><div class="demo-output"><table class="demo-beams"><thead><tr><t'
    'h scope="col">path</th><th scope="col">continuation</th><th scope="col">log-prob</th><th scope="col">prob<'
    '/th></tr></thead><tbody><tr data-kind="beam"><th scope="row">beam</th><td class="demo-beam-text">␣b</td><t'
    'd class="demo-num">-0.69</td><td class="demo-num">50.0%</td></tr><tr data-kind="greedy"><th scope="row">gr'
    'eedy</th><td class="demo-beam-text">␣b</td><td class="demo-num">-0.69</td><td class="demo-num">50.0%</td><'
    '/tr><tr data-kind="sampled"><th scope="row">sampled</th><td class="demo-beam-text">␣b</td><td class="demo-'
    'num">-0.69</td><td class="demo-num">50.0%</td></tr></tbody></table></div><p class="demo-note">Replays the '
    'model&#x27;s recorded choices: the top children of every prefix any search expands. The sampled path draws'
    ' each step among those recorded children only (renormalized), not the whole vocabulary; every log-prob sho'
    'wn is the model&#x27;s.</p></div>')
DEMO_TOKENIZER = (
    '<div class="demo demo-tokenizer" data-demo="tokenizer" data-state="static"><div class="demo-head"><span cl'
    'ass="demo-title">The model&#x27;s own tokenizer: llama (SentencePiece BPE)</span><span class="demo-status"'
    ' role="status" aria-live="polite">Static preview: use a control to run it live (Python in your browser).</'
    'span></div><script type="application/json" class="demo-data">{"text":"ab"}</script><div class="demo-contro'
    'ls"><label class="demo-field demo-text-field"><span>Text</span><textarea name="text" rows="4" spellcheck="'
    'false">\nab</textarea></label></div><div class="demo-output"><div class="demo-tokens" data-token-ids="[1,2'
    ']"><span class="demo-token" data-c="0"><span class="demo-piece">a</span><span class="demo-id">1</span></sp'
    'an><span class="demo-token" data-c="1"><span class="demo-piece">b</span><span class="demo-id">2</span></sp'
    'an></div><p class="demo-count">2 tokens</p></div><p class="demo-note">Live ids come from demos/tokenizers,'
    ' Python in your browser; tests check them against llama.cpp&#x27;s own ids (tests/test_tokenizers.py, on l'
    'lama.cpp&#x27;s tokenizer test strings).</p></div>')
DEMO_TOKENIZER_REFUSED = (
    '<div class="demo demo-tokenizer" data-demo="tokenizer" data-state="static" data-live="off"><div class="dem'
    'o-head"><span class="demo-title">The model&#x27;s own tokenizer (wpm)</span><span class="demo-status" role'
    '="status" aria-live="polite">Static: llama.cpp&#x27;s ids from the build.</span></div><script type="applic'
    'ation/json" class="demo-data">{"text":"ab"}</script><div class="demo-controls"><label class="demo-field de'
    'mo-text-field"><span>Text</span><textarea name="text" rows="4" spellcheck="false" readonly>\nab</textarea>'
    '</label></div><div class="demo-output"><div class="demo-tokens" data-token-ids="[1,2]"><span class="demo-t'
    'oken" data-c="0"><span class="demo-piece">a</span><span class="demo-id">1</span></span><span class="demo-t'
    'oken" data-c="1"><span class="demo-piece">b</span><span class="demo-id">2</span></span></div><p class="dem'
    'o-count">2 tokens</p></div><p class="demo-note">These are llama.cpp&#x27;s ids, computed when the deck was'
    ' built. The live tokenizer does not support this model&#x27;s tokenizer type (wpm).</p></div>')


@pytest.mark.parametrize("markdown_in, vocab, html_out", [
    ('```demo beam\nprompt: "a"\nwidth: 1\ndepth: 1\n```', None, DEMO_BEAM),
    # the talk's default text would apply if the fence gave none; here the fence gives its own
    ('```demo tokenizer\ntext: "ab"\n```', {"type": "llama", "family": "SentencePiece BPE"}, DEMO_TOKENIZER),
    # a tokenizer the browser can't run: llama.cpp's ids from the build, read-only, and the page says so
    ('```demo tokenizer\ntext: "ab"\n```', {"type": "wpm", "unsupported": "wpm"}, DEMO_TOKENIZER_REFUSED),
], ids=["beam", "tokenizer", "tokenizer refused"])
def test_demo_fence_fragments(markdown_in, vocab, html_out, monkeypatch):
    monkeypatch.setitem(DATA, "vocab", vocab)
    assert render(markdown_in) == html_out
    assert problems(html_out) == []


@pytest.mark.parametrize("kind, body", [
    ("sampling", 'prompt: "a"\ntop: 2'), ("code", 'prompt: "a"\ntop: 2'), ("beam", 'prompt: "a"\nwidth: 1\ndepth: 1'),
    ("ngram", "n: 2\nlength: 5"),
])
def test_demo_fence_fragments_are_one_well_formed_widget(kind, body):
    """A demo fence becomes exactly one widget <div> (never a code block), well formed."""
    html = render(f"```demo {kind}\n{body}\n```")
    assert html.startswith(f'<div class="demo demo-{kind}" data-demo="{kind}" data-state="static"')
    assert html.endswith("</div>") and "<pre><code" not in html and problems(html) == []
