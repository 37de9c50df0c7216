"""A tiny, runnable llama-architecture GGUF around a real vocabulary (random weights, seeded).

llama.cpp's test vocabularies have no weights, so a whole deck can't be built on them. This writes
one layer of 32-wide random F32 tensors after the vocabulary's own key/values: llama.cpp loads it
and runs it (it says nonsense, quickly), and its tokenizer is exactly the vocabulary's.

Example:
>>> tiny_llama(Path("ggml-vocab-llama-spm.gguf"), Path("tiny-spm.gguf"))    # doctest: +SKIP
"""

from __future__ import annotations

import random
import struct
from array import array
from pathlib import Path

DIMS = {"block_count": 1, "context_length": 2048, "embedding_length": 32, "feed_forward_length": 64,
        "attention.head_count": 2, "attention.head_count_kv": 2, "rope.dimension_count": 16}


def _set_u32(data: bytearray, key: str, value: int) -> None:
    pair = struct.pack("<Q", len(key)) + key.encode()
    at = data.find(pair)
    assert at >= 0, f"no key {key}"
    at += len(pair)
    kind = struct.unpack_from("<I", data, at)[0]
    assert kind in (4, 5), f"{key} is not a 32-bit integer"
    struct.pack_into("<I", data, at + 4, value)


def tiny_llama(vocab_gguf: Path, out: Path, seed: int = 0) -> Path:
    """Write `out`: the vocab-only llama GGUF `vocab_gguf` plus one small random layer."""
    data = bytearray(vocab_gguf.read_bytes())
    assert struct.unpack_from("<Q", data, 8)[0] == 0, "expects a vocab-only GGUF"
    for name, value in DIMS.items():
        _set_u32(data, f"llama.{name}", value)
    _set_u32(data, "general.file_type", 0)                        # all F32
    n_vocab = struct.unpack_from("<I", data, data.find(b"llama.vocab_size") + len(b"llama.vocab_size") + 4)[0]
    e, ff = DIMS["embedding_length"], DIMS["feed_forward_length"]
    shapes = {"token_embd.weight": (e, n_vocab), "output_norm.weight": (e,), "output.weight": (e, n_vocab),
              "blk.0.attn_norm.weight": (e,), "blk.0.attn_q.weight": (e, e), "blk.0.attn_k.weight": (e, e),
              "blk.0.attn_v.weight": (e, e), "blk.0.attn_output.weight": (e, e), "blk.0.ffn_norm.weight": (e,),
              "blk.0.ffn_gate.weight": (e, ff), "blk.0.ffn_up.weight": (e, ff), "blk.0.ffn_down.weight": (ff, e)}
    rng = random.Random(seed)
    infos, blobs, offset = bytearray(), [], 0
    for name, shape in shapes.items():
        n = 1
        for d in shape:
            n *= d
        values = array("f", [1.0] * n if name.endswith("norm.weight") else [rng.gauss(0, 0.5) for _ in range(n)])
        infos += struct.pack("<Q", len(name)) + name.encode() + struct.pack("<I", len(shape))
        infos += b"".join(struct.pack("<Q", d) for d in shape) + struct.pack("<IQ", 0, offset)
        blob = values.tobytes()
        blob += b"\0" * (-len(blob) % 32)
        blobs.append(blob)
        offset += len(blob)
    struct.pack_into("<Q", data, 8, len(shapes))
    data += infos
    data += b"\0" * (-len(data) % 32)
    out.write_bytes(bytes(data) + b"".join(blobs))
    return out
