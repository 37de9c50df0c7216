"""The talk itself: every outline topic has slides, every slide has a heading and speaker notes,
every source link is well formed, every figure has alt text, and the strict build passes.

Fast checks read the Markdown in slides/ with the same splitter the build uses
(`build_hooks.slides.split_slides`); one test uses the session's real strict build (`built_site`).

Fences and figures that wait for their implementation sit in HTML comments in the decks:

    <!-- TODO-FENCE snapshot next_tokens        (becomes ```snapshot next_tokens ... ```)
    prompt: "The cat sat on the"
    -->
    <!-- TODO-FIGURE ![alt text](figures/NAME.svg) -->

The checks below treat those exactly like live fences and figures, so un-commenting one never
breaks a rule here.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from build_hooks.deck.slides import find_fences, split_slides

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "slides"
DECKS = sorted(SLIDES.glob("*.md"))

# Data ----------------------------------------------------------------------------------------

# The outline of issue 5, item by item: the deck that covers it and words its text must contain
# (slides and notes, case-insensitive).
OUTLINE = {
    "1 opening": ("index.md", ["SLUUG", "previous", "not an AI researcher"]),
    "2 why local": ("01-why-local.md", ["privacy", "control", "latency", "FastAPI", "TinyLlama",
                                        "many GPUs", "experiment", "DIY", "cheaper"]),
    "3 models on disk": ("02-models-on-disk.md", ["Hugging Face", "2M models", "safetensors", "GGUF",
                                                  "ollama", "background service", "VRAM", "CPU", "12 GB",
                                                  "TheBloke/CapybaraHermes-2.5-Mistral-7B-GGUF",
                                                  "Q4_K_M", "llama-cli", "ollama run"]),
    "4 quantization": ("03-quantization.md", ["16-bit", "8", "4", "2 bits", "quant_study", "regularizer",
                                              "arxiv.org/abs/1511.00363"]),
    "5 gemini": ("04-gemini.md", ["1 million", "10M", "needle", "arxiv.org/abs/2403.05530", "version 5"]),
    "6 sora": ("05-sora.md", ["openai.com/index/video-generation-models-as-world-simulators",
                              "spacetime patches", "Jim Fan", "LeCun", "DeepMind", "world model"]),
    "7 wolfram": ("06-wolfram.md", ["Stephen Wolfram", "Mathematica",
                                    "writings.stephenwolfram.com/2023/02/what-is-chatgpt-doing",
                                    "One Word at a Time"]),
    "8 n-grams": ("07-ngrams.md", ["naive", "in context", "generative", "predictive", "demo ngram",
                                   "ngrams-from-scratch.ipynb"]),
    "9 sampling": ("08-sampling.md", ["The cat sat on the", "red", "green", "T = 1", "T = 0", "T → ∞",
                                      "training", "top-p = 0.9", "top-k = 10", "min-p", "out of distribution",
                                      "beam search", "chain of thought", "tree of thoughts", "self-consistency",
                                      "demo sampling", "demo beam", "snapshot completion"]),
    "10 tokens": ("09-tokens.md", ["word2vec", "deeper layers", "audio", "image", "space-time",
                                   "demo tokenizer", "snapshot tokens"]),
    "11 closing": ("10-closing.md", ["make serve", "make test", "Sources"]),
}

# `beam` has no fence of its own: the beam demo's static view is drawn from the beam snapshot.
SNAPSHOT_KINDS = {"next_tokens", "completion", "tokens", "model_card", "quant_study", "embeddings", "haystack",
                  "prompting", "score"}
DEMO_NAMES = {"sampling", "ngram", "tokenizer", "beam", "code", "live"}
FIGURES = {"temperature", "topk_topp", "quantization", "surprisal", "context_windows", "sora_patches", "embeddings"}

MAX_BULLETS = 6                      # projector: at most six top-level bullets on a slide
ARXIV = re.compile(r"^/abs/\d{4}\.\d{4,5}(v\d+)?$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
TODO_FENCE = re.compile(r"<!-- TODO-FENCE (\w+) (\w+)\n(.*?)-->", re.S)


# Helpers -------------------------------------------------------------------------------------


def deck_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def all_fences(text: str) -> list[tuple[str, str, str]]:
    """(lang, kind, YAML body) of every snapshot/demo fence, live or waiting in a TODO-FENCE comment.

    Example: all_fences("<!-- TODO-FENCE demo code\\n-->") == [("demo", "code", "")]
    """
    live = [(f.lang, f.info.split()[0] if f.info else "", f.body) for f in find_fences(text)
            if f.lang in ("snapshot", "demo")]
    waiting = [(m[1], m[2], m[3]) for m in TODO_FENCE.finditer(text)]
    return live + waiting


def bullets(body: str) -> int:
    """Top-level list items in a slide body, code blocks excluded.

    Example: bullets("- a\\n  - b\\n- c\\n```\\n- d\\n```\\n") == 2
    """
    count, in_code = 0, False
    for line in body.splitlines():
        if line.startswith(("```", "~~~")):
            in_code = not in_code
        elif not in_code and re.match(r"^(- |\* |\d+\. )", line):
            count += 1
    return count


# Tests: the outline and the slide format ------------------------------------------------------


def test_decks_exist_with_front_matter_in_order():
    assert (SLIDES / "index.md").exists()
    metas = {p.name: split_slides(deck_text(p), str(p)).meta for p in DECKS}
    assert len(metas) >= 11, sorted(metas)
    orders = [m["order"] for m in metas.values()]
    assert len(set(orders)) == len(orders), f"two decks share an order: {metas}"
    assert metas["index.md"]["order"] == min(orders), "the title deck comes first"
    # how the minutes add up, and to what: test_talk_facts.py


@pytest.mark.parametrize("item", OUTLINE)
def test_outline_item_is_covered(item):
    deck, words = OUTLINE[item]
    text = deck_text(SLIDES / deck).lower()
    missing = [w for w in words if w.lower() not in text]
    assert not missing, f"outline item {item}: {deck} never mentions {missing}"
    assert len(split_slides(deck_text(SLIDES / deck), deck).slides) >= 1


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_every_slide_has_a_heading_notes_and_few_bullets(path):
    deck = split_slides(deck_text(path), str(path))
    assert deck.slides, f"{path.name} has no slides"
    for i, slide in enumerate(deck.slides):
        where = f"{path.name}:{slide.line} (slide {i + 1})"
        first = next(ln for ln in slide.body.splitlines() if ln.strip())
        assert first.startswith("#") and slide.heading, f"{where}: a slide starts with a heading"
        assert slide.level in ((1, 2) if i == 0 else (2,)), f"{where}: use `#` for the deck's first slide, `##` after"
        assert len(slide.notes.strip()) >= 200, f"{where}: speaker notes missing or too thin"
        assert bullets(slide.body) <= MAX_BULLETS, f"{where}: more than {MAX_BULLETS} bullets for a projector"


def test_the_self_deprecating_opening_and_the_previous_talk_are_in_the_notes():
    notes = " ".join(s.notes for s in split_slides(deck_text(SLIDES / "index.md")).slides)
    assert "previous SLUUG presenter" in notes
    assert "correct me" in notes


# Tests: sources, links and figures ------------------------------------------------------------


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_links_are_well_formed(path):
    text = deck_text(path)
    urls = LINK.findall(text) + re.findall(r'<a [^>]*href="([^"]+)"', text)
    for url in urls:
        parts = urlparse(url)
        if parts.scheme:
            assert parts.scheme in ("http", "https") and parts.netloc and " " not in url, f"{path.name}: bad URL {url}"
            if parts.netloc.endswith("arxiv.org"):
                assert parts.netloc == "arxiv.org" and ARXIV.match(parts.path), \
                    f"{path.name}: write arXiv links as https://arxiv.org/abs/XXXX.XXXXX, got {url}"
        else:
            target = (SLIDES / parts.path) if parts.path else path
            assert parts.path.endswith((".md", ".ipynb")) or parts.path == "", f"{path.name}: odd local link {url}"
            if "TODO-LINK" not in text or parts.path != "ngrams-from-scratch.ipynb":
                assert target.exists(), f"{path.name}: local link to a missing page {url}"


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_images_have_alt_text_and_stay_local(path):
    text = deck_text(path)
    assert "<iframe" not in text.lower(), f"{path.name}: no iframes (the site never loads another origin)"
    assert not re.search(r"<(img|video|audio|source)\b[^>]*\bsrc=\"https?:", text, re.I), \
        f"{path.name}: no remote media; link to the source page instead"
    for alt, src in IMAGE.findall(text):
        assert len(alt.split()) >= 4, f"{path.name}: image {src} needs real alt text, got {alt!r}"
        assert not urlparse(src).scheme, f"{path.name}: remote image {src}; generate or store it locally"


def test_the_fences_and_figures_of_the_talk_are_all_there():
    text = "".join(deck_text(p) for p in DECKS)
    fences = all_fences(text)
    kinds = {k for lang, k, _ in fences if lang == "snapshot"}
    demos = {k for lang, k, _ in fences if lang == "demo"}
    figures = {Path(src).stem for _, src in IMAGE.findall(text) if src.startswith("figures/")}
    assert kinds >= SNAPSHOT_KINDS, f"missing snapshot kinds: {SNAPSHOT_KINDS - kinds}"
    assert demos >= DEMO_NAMES, f"missing demos: {DEMO_NAMES - demos}"
    assert figures >= FIGURES, f"missing figures: {FIGURES - figures}"
    assert kinds <= SNAPSHOT_KINDS and demos <= DEMO_NAMES and figures <= FIGURES


def test_fence_options_are_yaml_and_valid_snapshot_requests():
    from build_hooks.snapshots.kinds import normalize
    talk = yaml.safe_load((SLIDES / "data" / "fences.yml").read_text(encoding="utf-8"))   # the talk's defaults
    for path in DECKS:
        for lang, kind, body in all_fences(deck_text(path)):
            options = yaml.safe_load(body) or {}
            assert isinstance(options, dict), f"{path.name}: {lang} {kind} options must be a YAML mapping"
            if lang == "snapshot":
                options = {k: v for k, v in options.items() if k != "caption"}
                normalize(kind, {**talk.get("snapshot", {}).get(kind, {}), **options})  # ValueError names the option


def test_the_quoted_report_versions_are_named():
    gemini = deck_text(SLIDES / "04-gemini.md")
    assert "2403.05530v5" in gemini and "16 Dec 2024" in gemini
    sampling = deck_text(SLIDES / "08-sampling.md")
    assert "17.9%" in sampling and "first version said 10 percent" in " ".join(sampling.split())
    disk = deck_text(SLIDES / "02-models-on-disk.md")
    assert "read 2 Dec 2026" in disk  # the Hub's model count, with its date and source
    quant = deck_text(SLIDES / "03-quantization.md")
    assert "On average, no" in quant and "by noise" in quant  # the honest regularizer claim


# Tests: the real strict build ------------------------------------------------------------------


class Resources(HTMLParser):
    """Collects every URL a page would fetch by itself (not the <a href> a reader may click)."""

    def __init__(self):
        super().__init__()
        self.fetched, self.iframes = [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "iframe":
            self.iframes += 1
        if tag in ("img", "script", "iframe", "video", "audio", "source", "embed") and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "alternate"):
            self.fetched.append(a["href"])
        if tag == "object" and a.get("data"):
            self.fetched.append(a["data"])


def test_strict_build_renders_every_deck_with_local_resources_only(built_site):
    for path in DECKS:
        page = built_site / ("index.html" if path.name == "index.md" else f"{path.stem}/index.html")
        assert page.exists(), f"the build has no page for {path.name}"
        html = page.read_text(encoding="utf-8")
        parser = Resources()
        parser.feed(html)
        remote = [u for u in parser.fetched if urlparse(u).scheme in ("http", "https") or u.startswith("//")]
        assert not remote, f"{page.name} of {path.name} would fetch from another origin: {remote}"
        assert parser.iframes == 0
        heading = split_slides(deck_text(path), str(path)).slides[0].heading
        assert heading.split(":")[0].split()[0] in html
