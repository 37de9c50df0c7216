"""What a GGUF says about itself, read from its metadata: a model card (the tokenizer's vocabulary: vocab.py).

Example:
>>> from build_hooks.model import choice
>>> model_card(gguf.read(choice.embedded_path()))["layers"]       # doctest: +SKIP
30
"""

from build_hooks.model import gguf


def model_card(info) -> dict:
    """What the GGUF says about itself: enough for a model-card slide."""
    md = info.metadata
    return {
        "name": md.get("general.name"), "organization": md.get("general.organization"),
        "license": md.get("general.license"), "architecture": info.architecture,
        "parameters": info.n_params, "size_label": md.get("general.size_label"),
        "layers": info.arch("block_count"), "context_length": info.arch("context_length"),
        "embedding_length": info.arch("embedding_length"), "heads": info.arch("attention.head_count"),
        "kv_heads": info.arch("attention.head_count_kv"),
        "vocab_size": len(md.get("tokenizer.ggml.tokens", [])), "tokenizer": md.get("tokenizer.ggml.model"),
        "pre_tokenizer": md.get("tokenizer.ggml.pre"), "quantization": gguf.file_type_name(info),
        "tensor_types": gguf.tensor_type_counts(info), "bits_per_weight": gguf.bits_per_weight(info),
        "file_size": info.file_size, "gguf_version": info.version, "tensors": len(info.tensors),
    }
