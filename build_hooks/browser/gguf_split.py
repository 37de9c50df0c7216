"""Split a GGUF into shards that llama.cpp (and wllama in the browser) load as one model.

GitHub refuses files over 100 MB and warns above 50 MB; a static host is happier with smaller
files, and the browser can fetch shards in parallel. llama.cpp's `gguf-split` format is plain
GGUF files named `<stem>-00001-of-00003.gguf`, ...; each one is a complete GGUF holding

    shard 1   every metadata key of the model + split.no = 0, split.count, split.tensors.count
              + the tensor infos and data of its tensors
    shard k   only split.no = k - 1, split.count, split.tensors.count + its tensors

Tensor offsets start again at 0 in every shard. Given the first shard, llama.cpp finds the
others by name and checks `split.tensors.count` against the tensors it found.

We copy the source's metadata bytes verbatim (no re-encoding of the 49k-token vocabulary) and
write the three split keys and the tensor infos ourselves, as llama.cpp's gguf-split.cpp does.

Example:
>>> paths = split("SmolLM2-135M-Instruct.Q4_1.gguf", "out", "model", 45 * 2**20)   # doctest: +SKIP
>>> [p.name for p in paths]                                                        # doctest: +SKIP
['model-00001-of-00003.gguf', 'model-00002-of-00003.gguf', 'model-00003-of-00003.gguf']
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
from pathlib import Path

from build_hooks.files import FILE_MODE
from build_hooks.model.gguf import MAGIC, Cursor, GGUFError, Tensor, read

DEFAULT_ALIGNMENT = 32      # GGUF's default; a shard without `general.alignment` uses it
U16, I32 = 2, 5             # GGUF value types of the split keys


def shard_name(stem: str, index: int, count: int) -> str:
    """llama.cpp's split file name (`llama_split_path`), index counted from 0.

    Example:
    >>> shard_name("model", 0, 3)
    'model-00001-of-00003.gguf'
    """
    return f"{stem}-{index + 1:05d}-of-{count:05d}.gguf"


def pad(n: int, align: int) -> int:
    """n rounded up to a multiple of align.

    Example:
    >>> pad(33, 32), pad(64, 32)
    (64, 64)
    """
    return -(-n // align) * align


def split_kvs(no: int, count: int, n_tensors: int) -> bytes:
    """The three split keys, encoded as GGUF key/values (split.no and split.count are u16)."""
    out = b""
    for key, vtype, fmt, value in (("split.no", U16, "<H", no), ("split.count", U16, "<H", count),
                                   ("split.tensors.count", I32, "<i", n_tensors)):
        out += _string(key) + struct.pack("<I", vtype) + struct.pack(fmt, value)
    return out


def tensor_info(t: Tensor, offset: int) -> bytes:
    """One tensor info: name, dims, ggml type, offset in its shard's data section."""
    return (_string(t.name) + struct.pack("<I", len(t.shape)) + b"".join(struct.pack("<Q", d) for d in t.shape)
            + struct.pack("<IQ", t.type, offset))


def plan(tensors: list[Tensor], first_header: int, max_bytes: int,
         align: int = DEFAULT_ALIGNMENT) -> list[list[Tensor]]:
    """Group tensors, in file order, into shards of at most max_bytes each (headers included).

    first_header: bytes of shard 1's metadata (the model's keys). Every shard also carries its
    split keys and tensor infos; data is padded to `align`. A single tensor bigger than a shard
    cannot be split: that is an error naming the tensor.

    Example:
    >>> ts = [Tensor(f"t{i}", (32,), 0, 0) for i in range(4)]        # 128 bytes of f32 each
    >>> [len(s) for s in plan(ts, first_header=100, max_bytes=700)]
    [2, 2]
    """
    fixed = 4 + 4 + 8 + 8 + len(split_kvs(0, 0, 0)) + align     # magic, version, counts, split keys, padding
    shards, current, size = [], [], fixed + first_header
    for t in tensors:
        if t.n_bytes is None:
            raise GGUFError(f"tensor {t.name} has ggml type {t.type}, unknown to build_hooks/gguf.py: "
                            "add its block size to GGML_TYPES")
        cost = len(tensor_info(t, 0)) + pad(t.n_bytes, align)
        if current and size + cost > max_bytes:
            shards.append(current)
            current, size = [], fixed
        if size + cost > max_bytes:
            raise GGUFError(f"tensor {t.name} alone needs {cost:,} bytes, more than a shard's limit of "
                            f"{max_bytes:,}: raise the limit")
        current.append(t)
        size += cost
    return shards + [current]


def split(src, out_dir, stem: str, max_bytes: int) -> list[Path]:
    """Write `src` as shards of at most max_bytes into out_dir; returns their paths in order.

    Shards are written to temporary files and renamed at the end: a failed split leaves no
    half-written shard behind (and no stale shard of an earlier split of another count).
    """
    src, out_dir = Path(src), Path(out_dir)
    info = read(src)
    if any(k.startswith("split.") for k in info.metadata):
        raise GGUFError(f"{src} is already one shard of a split model (it has split.* keys): "
                        "merge it first (llama-gguf-split --merge) or point the deck at a single .gguf")
    align = int(info.metadata.get("general.alignment", DEFAULT_ALIGNMENT) or DEFAULT_ALIGNMENT)
    with open(src, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        kv_start, kv_end = _kv_range(buf)
        groups = plan(info.tensors, kv_end - kv_start, max_bytes, max(align, DEFAULT_ALIGNMENT))
        out_dir.mkdir(parents=True, exist_ok=True)
        n_kv = struct.unpack_from("<Q", buf, 16)[0]
        temps = []
        try:
            for no, tensors in enumerate(groups):
                model_kvs = bytes(buf[kv_start:kv_end]) if no == 0 else b""
                shard_align = align if no == 0 else DEFAULT_ALIGNMENT
                temps.append(_write_shard(out_dir, buf, info.data_start, tensors, model_kvs,
                                          (n_kv if no == 0 else 0) + 3,
                                          split_kvs(no, len(groups), len(info.tensors)), shard_align))
            paths = [out_dir / shard_name(stem, no, len(groups)) for no in range(len(groups))]
            for tmp, path in zip(temps, paths):
                os.replace(tmp, path)
        except BaseException:
            for tmp in temps:
                Path(tmp).unlink(missing_ok=True)
            raise
    return paths


# Helpers -------------------------------------------------------------------------------------


def _string(s: str) -> bytes:
    raw = s.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def _kv_range(buf) -> tuple[int, int]:
    """Byte range of the metadata key/values in a GGUF (after magic, version and the two counts)."""
    assert bytes(buf[:4]) == MAGIC
    n_kv = struct.unpack_from("<Q", buf, 16)[0]
    cur = Cursor(buf, arrays=False)
    cur.pos = 24
    for _ in range(n_kv):
        cur.string()
        cur.value(cur.unpack("<I"))
    return 24, cur.pos


def _write_shard(out_dir: Path, buf, data_start: int, tensors: list[Tensor], model_kvs: bytes,
                 n_kv: int, split_keys: bytes, align: int) -> str:
    offsets, offset = [], 0
    for t in tensors:
        offsets.append(offset)
        offset += pad(t.n_bytes, align)
    head = (MAGIC + struct.pack("<IQQ", 3, len(tensors), n_kv) + model_kvs + split_keys
            + b"".join(tensor_info(t, o) for t, o in zip(tensors, offsets)))
    head += bytes(pad(len(head), align) - len(head))
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".shard.", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(head)
        for t in tensors:
            start = data_start + t.offset
            f.write(buf[start:start + t.n_bytes])
            f.write(bytes(pad(t.n_bytes, align) - t.n_bytes))
    os.chmod(tmp, FILE_MODE)
    return tmp
