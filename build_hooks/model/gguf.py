"""A small pure-Python GGUF reader: header, metadata key/values, tensor infos.

GGUF (llama.cpp's model file) is one self-describing file:

    magic "GGUF" | version u32 | tensor_count u64 | kv_count u64
    kv_count x   (key: string, value_type: u32, value)
    tensor_count x (name: string, n_dims: u32, dims: u64 x n_dims, ggml_type: u32, offset: u64)
    padding to `general.alignment` (default 32)
    tensor data (each tensor at data_start + offset)

Strings are a u64 byte length followed by UTF-8 bytes; arrays are an element type (u32),
a count (u64) and the elements. All little-endian. The tokenizer (vocabulary, merges,
token types) lives in the metadata, which is why a GGUF is a "single-file deployment".

We read it ourselves, without llama.cpp, to reject a bad file with a clear message
BEFORE llama.cpp sees it (it would abort or crash), and to describe the model
(model card, vocabulary snapshot) on machines that have no llama.cpp at all.

Example:
>>> info = read("SmolLM2-135M-Instruct.Q4_1.gguf")            # doctest: +SKIP
>>> info.metadata["general.architecture"], len(info.tensors)   # doctest: +SKIP
('llama', 272)
"""

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = b"GGUF"

# value type -> struct format of one scalar (8 = string and 9 = array are handled apart)
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
STRING, ARRAY = 8, 9

# ggml tensor type -> (name, elements per block, bytes per block): enough to size every tensor.
GGML_TYPES = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
    26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56), 30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
}

# general.file_type (llama_ftype) -> the name people use for the whole file
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}


class GGUFError(ValueError):
    """The file is not a usable GGUF; the message names the file and says what to do."""


@dataclass
class Tensor:
    name: str
    shape: tuple[int, ...]
    type: int
    offset: int          # relative to the start of the data section

    @property
    def type_name(self) -> str:
        return GGML_TYPES.get(self.type, (f"type{self.type}",))[0]

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def n_bytes(self) -> int | None:
        """Bytes of data, or None for a type this reader does not know."""
        if self.type not in GGML_TYPES:
            return None
        _, block, size = GGML_TYPES[self.type]
        return self.n_elements // block * size


@dataclass
class GGUF:
    path: Path
    version: int
    metadata: dict = field(default_factory=dict)
    tensors: list[Tensor] = field(default_factory=list)
    data_start: int = 0
    file_size: int = 0

    header_end: int = 0  # where the tensor infos end (a vocab-only file ends here: no padding, no data)

    @property
    def expected_size(self) -> int:
        """Smallest file size that holds every tensor's data (the header alone when there are no tensors,
        as in llama.cpp's vocab-only files: llama.cpp loads those, so we do too)."""
        ends = [self.data_start + t.offset + (t.n_bytes or 0) for t in self.tensors]
        return max(ends, default=self.header_end)

    @property
    def n_params(self) -> int:
        return sum(t.n_elements for t in self.tensors)

    @property
    def architecture(self) -> str:
        return self.metadata.get("general.architecture", "?")

    def arch(self, key: str, default=None):
        """An architecture-scoped key: arch("block_count") reads "llama.block_count"."""
        return self.metadata.get(f"{self.architecture}.{key}", default)


# Helpers -------------------------------------------------------------------------------------


class Cursor:
    """Reads little-endian values from a buffer, turning a short buffer into `EOFError`."""

    def __init__(self, buf, arrays: bool):
        self.buf, self.pos, self.arrays = buf, 0, arrays

    def unpack(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise EOFError(self.pos + size)
        value = struct.unpack_from(fmt, self.buf, self.pos)[0]
        self.pos += size
        return value

    def string(self) -> str:
        n = self.unpack("<Q")
        if self.pos + n > len(self.buf):
            raise EOFError(self.pos + n)
        raw = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def value(self, vtype: int):
        if vtype in SCALARS:
            return self.unpack(SCALARS[vtype])
        if vtype == STRING:
            return self.string()
        if vtype == ARRAY:
            etype, count = self.unpack("<I"), self.unpack("<Q")
            if not self.arrays and etype in SCALARS:       # skip big arrays cheaply
                self.pos += count * struct.calcsize(SCALARS[etype])
                if self.pos > len(self.buf):
                    raise EOFError(self.pos)
                return ArrayInfo(etype, count)
            if not self.arrays and etype == STRING:            # skip strings without decoding
                buf, pos, unpack = self.buf, self.pos, struct.unpack_from
                for _ in range(count):
                    if pos + 8 > len(buf):
                        raise EOFError(pos + 8)
                    pos += 8 + unpack("<Q", buf, pos)[0]
                self.pos = pos
                if pos > len(buf):
                    raise EOFError(pos)
                return ArrayInfo(etype, count)
            return [self.value(etype) for _ in range(count)]
        raise GGUFError(f"unknown metadata value type {vtype} at byte {self.pos}")


@dataclass(frozen=True)
class ArrayInfo:
    """Stands in for an array that was skipped (read(..., arrays=False))."""
    type: int
    count: int

    def __len__(self):
        return self.count


def read(path, arrays: bool = False) -> GGUF:
    """Read a GGUF's header, metadata and tensor infos, and check the file is complete.

    `arrays=False` skips the contents of array values (the tokenizer's 49k strings) and
    keeps their length: enough to validate and describe the file in milliseconds.
    Raises GGUFError naming the file for a missing, non-GGUF or truncated file.

    Example:
    >>> read("/etc/hostname")                      # doctest: +SKIP
    GGUFError: /etc/hostname is not a GGUF file (it starts with b'myho', not b'GGUF'). ...
    """
    path = Path(path)
    if not path.is_file():
        raise GGUFError(f"{path}: no such file. Check the path (or the model name) and try again.")
    size = path.stat().st_size
    if size < 4:
        raise GGUFError(f"{path} is not a GGUF file (only {size} bytes). Point the deck at a .gguf model file.")
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        if buf[:4] != MAGIC:
            raise GGUFError(
                f"{path} is not a GGUF file (it starts with {bytes(buf[:4])!r}, not b'GGUF'). "
                "Point the deck at a .gguf model file (llama.cpp's format), e.g. one downloaded from Hugging Face.")
        cur = Cursor(buf, arrays)
        cur.pos = 4
        try:
            info = _parse(cur, path, size)
        except EOFError as e:
            raise GGUFError(_truncated(path, expected=e.args[0], actual=size)) from None
    if info.file_size < info.expected_size:
        raise GGUFError(_truncated(path, expected=info.expected_size, actual=info.file_size))
    return info


def _parse(cur: Cursor, path: Path, size: int) -> GGUF:
    version = cur.unpack("<I")
    if version not in (2, 3):
        raise GGUFError(f"{path}: GGUF version {version} is not supported (2 or 3 expected). "
                        "Re-convert the model with a current llama.cpp.")
    n_tensors, n_kv = cur.unpack("<Q"), cur.unpack("<Q")
    metadata = {}
    for _ in range(n_kv):
        key = cur.string()
        metadata[key] = cur.value(cur.unpack("<I"))
    tensors = []
    for _ in range(n_tensors):
        name = cur.string()
        dims = tuple(cur.unpack("<Q") for _ in range(cur.unpack("<I")))
        tensors.append(Tensor(name, dims, cur.unpack("<I"), cur.unpack("<Q")))
    align = metadata.get("general.alignment", 32) or 32
    data_start = -(-cur.pos // align) * align
    return GGUF(path, version, metadata, tensors, data_start, size, header_end=cur.pos)


def _truncated(path: Path, expected: int, actual: int) -> str:
    return (f"{path} is truncated: a complete file has at least {expected:,} bytes, this one has {actual:,}. "
            "The download or copy was probably interrupted: fetch the file again.")


def file_type_name(info: GGUF) -> str:
    """The file's quantization as people name it (Q4_1, Q8_0, ...), else the commonest tensor type.

    Example:
    >>> file_type_name(read("SmolLM2-135M-Instruct.Q4_1.gguf"))   # doctest: +SKIP
    'Q4_1'
    """
    ft = info.metadata.get("general.file_type")
    if ft in FILE_TYPES:
        return FILE_TYPES[ft]
    counts = tensor_type_counts(info)
    return max(counts, key=counts.get) if counts else "?"


def tensor_type_counts(info: GGUF) -> dict[str, int]:
    """How many tensors are stored in each ggml type, e.g. {"Q4_1": 211, "F32": 61}."""
    counts: dict[str, int] = {}
    for t in info.tensors:
        counts[t.type_name] = counts.get(t.type_name, 0) + 1
    return dict(sorted(counts.items()))


def bits_per_weight(info: GGUF) -> float:
    """Average bits per weight over the tensor data (the file's headers excluded)."""
    data = sum(t.n_bytes or 0 for t in info.tensors)
    return 8 * data / max(info.n_params, 1)


def sizeof(path) -> int:
    return os.stat(path).st_size
