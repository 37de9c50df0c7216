"""The model's own tokenizer, in pure Python: the same ids as llama.cpp, or an honest refusal.

A GGUF names its tokenizer in `tokenizer.ggml.model`. We implement the two families nearly
every small model uses, exactly as llama.cpp runs them with special=False:

    "gpt2"    byte-level BPE with merges, after a regex pre-tokenizer (SmolLM2, Llama 3, Qwen,
              GPT-2, Falcon, StarCoder, DeepSeek...): bpe.py + pretokenize.py
    "gemma4"  the same BPE on raw UTF-8 with '▁' for spaces (Gemma 4): bpe.py
    "llama"   SentencePiece-style merging by score with byte fallback (Llama 2, Mistral,
              Gemma 1-3, Phi-3): spm.py

Anything else ("bert" WordPiece, "t5" Unigram, "rwkv"...) raises Unsupported, naming it.

Example:
>>> tok = load(vocab.dumps({"model": "gpt2", "pre": "gpt-2"}, ["h", "i", "hi"], ["h i"]))
>>> tok.encode("hi")
[2]
"""

from demos.tokenizers import vocab
from demos.tokenizers.bpe import BPETokenizer
from demos.tokenizers.pretokenize import PreTokenizer, Unsupported
from demos.tokenizers.spm import SPMTokenizer

FAMILIES = {"gpt2": "byte-level BPE", "gemma4": "BPE on UTF-8 (Gemma 4)", "llama": "SentencePiece BPE"}

__all__ = ["FAMILIES", "Unsupported", "check", "from_vocab", "load"]


def check(model, pre=None):
    """Raise Unsupported (with a sentence a reader understands) unless we tokenize like llama.cpp.

    Example:
    >>> check("bert")
    Traceback (most recent call last):
    ...
    demos.tokenizers.pretokenize.Unsupported: tokenizer type 'bert' is not supported by the browser tokenizer ...
    """
    if model not in FAMILIES:
        raise Unsupported(f"tokenizer type {model!r} is not supported by the browser tokenizer "
                          f"(it implements {', '.join(FAMILIES)})")
    if model == "gpt2":
        PreTokenizer(pre)           # raises for a pre-tokenizer we do not implement


def from_vocab(v):
    """A tokenizer from a loaded vocabulary dict (vocab.loads())."""
    check(v["model"], v.get("pre"))
    if v["model"] == "llama":
        return SPMTokenizer(v)
    if v["model"] == "gemma4":
        v = dict(v, pre="gemma4")   # llama.cpp forces this pre-tokenizer for the gemma4 model
    return BPETokenizer(v)


def load(text):
    """A tokenizer from the vocabulary file's text (what the browser fetched)."""
    return from_vocab(vocab.loads(text))
