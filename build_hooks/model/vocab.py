"""The model's tokenizer, taken out of the GGUF for the browser (demos/tokenizers/vocab.py format).

Everything the browser tokenizer needs is in the GGUF's metadata: `tokenizer.ggml.model`, `.pre`,
`.tokens`, `.merges`, `.scores`, `.token_type`, `.add_space_prefix`. Two things llama.cpp decides
in C++ rather than reading them from the file are decided here, once, with llama.cpp's rules
(src/llama-vocab.cpp, llama_vocab::impl::load):

- which tokens are cut out of typed text before BPE (user-defined ones, minus those llama.cpp
  promotes to control because of their name, such as <|im_end|>);
- which of those eat the spaces beside them (Phi-3's rstrip, the <mask> of Jina models' lstrip).

Example:
>>> text = export(gguf.read("SmolLM2-135M-Instruct.Q4_1.gguf", arrays=True))   # doctest: +SKIP
>>> text.splitlines()[1]                                                         # doctest: +SKIP
'<|endoftext|>'
"""

from demos.tokenizers import FAMILIES, Unsupported, check, vocab

# llama.cpp's token types (llama_token_type)
UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = range(7)

# Names llama.cpp turns into control tokens whatever the file says (end-of-turn, fill-in-the-middle,
# end-of-generation lists in load()); control tokens are not matched in typed text.
CONTROL_BY_NAME = frozenset([
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>",
    "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>", "<|eom_id|>", "<|return|>", "<|call|>",
    "<|flush|>", "<|calls|>", "</s>", "[EOS]", "<eos>", "<turn|>", "<|tool_response>", "[e~[",
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>",
    "<|prefix|>", "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
    "<|code_suffix|>", "<|suffix|>", "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>",
    "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>", "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
    "[PAD]", "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>",
])
# ... and names it turns back into user-defined ones (gpt-oss), last
USER_DEFINED_BY_NAME = frozenset(["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"])


class VocabError(ValueError):
    """The GGUF's tokenizer cannot be exported; the message says why."""


def split_first(tokens, types):
    """Ids of the tokens llama.cpp cuts out of typed text before BPE (special=False).

    Example:
    >>> split_first(["<|im_end|>", "<tool>", "a"], [USER_DEFINED, USER_DEFINED, NORMAL])
    [1]
    """
    names = set(tokens)
    out = []
    for i, (text, kind) in enumerate(zip(tokens, types)):
        if text in USER_DEFINED_BY_NAME:
            kind = USER_DEFINED
        elif text == "<|end|>" and ({"<|return|>", "<|call|>"} <= names or {"<|calls|>", "<|flush|>"} <= names):
            kind = USER_DEFINED              # llama.cpp's o200k_harmony / solar-open workaround
        elif text in CONTROL_BY_NAME:
            continue
        if kind == USER_DEFINED:
            out.append(i)
    return out


def strip_rules(metadata, tokens, specials):
    """(lstrip ids, rstrip ids): llama.cpp's per-model exceptions, by model and tokenizer name.

    Example:
    >>> strip_rules({"general.name": "Phi3"}, ["<s>", "<|user|>"], [1])
    ([], [1])
    """
    name = str(metadata.get("general.name", "")).lower()
    pre = str(metadata.get("tokenizer.ggml.pre", ""))
    arch = str(metadata.get("general.architecture", ""))
    ids = {t: i for i, t in enumerate(tokens)}
    lstrip, rstrip = [], []
    if any(p in pre for p in ("jina-v2-de", "jina-v2-es", "jina-v2-code")) or \
            any(a in arch for a in ("nomic-bert-moe", "jina-bert-v3")):
        lstrip = [ids["<mask>"]] if "<mask>" in ids else []
    elif "phi-3" in name or "phi3" in name:
        keep = {ids.get(t) for t in ("<unk>", "<s>", "<|endoftext|>")}
        rstrip = [i for i in specials if i not in keep]
    elif "modern-bert" in name:
        lstrip = [ids["[MASK]"]] if "[MASK]" in ids else []
    return lstrip, rstrip


def export(info):
    """The browser's vocabulary file (text) for a GGUF read with arrays=True.

    Raises Unsupported for a tokenizer type the browser tokenizer does not implement, and
    VocabError for a GGUF without a usable tokenizer.
    """
    md = info.metadata
    model = md.get("tokenizer.ggml.model")
    pre = md.get("tokenizer.ggml.pre")
    if model is None:
        raise VocabError(f"{info.path}: the GGUF has no tokenizer (no tokenizer.ggml.model key)")
    check(model, pre if model == "gpt2" else None)
    # llama.cpp names an empty token "[EMPTY_<id>]"; keep the same ids
    tokens = [t or f"[EMPTY_{i}]" for i, t in enumerate(md.get("tokenizer.ggml.tokens", []))]
    types = list(md.get("tokenizer.ggml.token_type", [])) or [NORMAL] * len(tokens)
    specials = split_first(tokens, types)
    lstrip, rstrip = strip_rules(md, tokens, specials)
    header = {"model": model, "pre": pre, "family": FAMILIES[model], "specials": specials,
              "lstrip": lstrip, "rstrip": rstrip,
              "add_space_prefix": bool(md.get("tokenizer.ggml.add_space_prefix", model == "llama"))}
    if model == "llama":
        scores = md.get("tokenizer.ggml.scores")
        if scores is None or len(scores) < len(tokens):
            raise VocabError(f"{info.path}: a SentencePiece (llama) tokenizer needs tokenizer.ggml.scores")
        return vocab.dumps(header, tokens, scores=[float(s) for s in scores[:len(tokens)]])
    merges = list(md.get("tokenizer.ggml.merges", []))
    if not merges:
        raise VocabError(f"{info.path}: a {model} tokenizer needs tokenizer.ggml.merges")
    return vocab.dumps(header, tokens, merges)


def describe(info) -> dict:
    """What the widget says about the tokenizer: its GGUF type, pre-tokenizer and family name.

    Example:
    >>> describe(type("GGUF", (), {"metadata": {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.pre": "smollm"}}))
    {'type': 'gpt2', 'pre': 'smollm', 'family': 'byte-level BPE'}
    """
    model = info.metadata.get("tokenizer.ggml.model")
    return {"type": model, "pre": info.metadata.get("tokenizer.ggml.pre"), "family": FAMILIES.get(model)}


def snapshot(info) -> dict:
    """The `vocab` snapshot: {"text": the vocabulary file, type, pre, family}, or, for a tokenizer the
    browser does not implement, {"unsupported": the reason, type, pre, family: None}."""
    try:
        return {**describe(info), "text": export(info)}
    except Unsupported as err:
        return {**describe(info), "unsupported": str(err)}


__all__ = ["Unsupported", "VocabError", "describe", "export", "snapshot", "split_first"]
