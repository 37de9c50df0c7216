"""Quantization study: requantize the model, then measure what was lost.

Quantization stores each weight in fewer bits (Q8_0 ~ 8.5 bits, Q4_0 ~ 4.5, Q2_K ~ 2.6 a weight,
block scales included). We requantize the chosen GGUF with llama.cpp's own
`llama_model_quantize` into a temporary directory, and for each copy measure:

- file size and bits per weight (from our GGUF reader),
- KL divergence KL(source || copy) of the next-token distributions over a fixed prompt set:
  how many extra bits, on average, the copy's distribution costs where the source's is "true",
- top-1 agreement: how often both pick the same most likely token,
- perplexity on a fixed passage: exp(mean negative log-likelihood), lower is better.

Honesty note: the embedded model is ITSELF quantized (Q4_1). A copy requantized from it can
only lose information: a "Q8_0" made from Q4_1 is Q4_1's precision in a bigger file.

Example:
>>> data = study(Path("SmolLM2-135M-Instruct.Q4_1.gguf"), ["Q8_0"],      # doctest: +SKIP
...              ["The cat sat on the"], "Once upon a time.")
>>> data["variants"][0]["type"]                                          # doctest: +SKIP
'Q8_0'
"""

import contextlib
import ctypes
import gc
import os
import sys
import tempfile
from pathlib import Path

import llama_cpp
import numpy as np

from build_hooks.model import gguf
from build_hooks.model.llm import Model

FULL_PRECISION = {"F32", "F16", "BF16"}


def study(source: Path, types: list[str], prompts: list[str], passage: str) -> dict:
    """Requantize `source` to each of `types`; measure KL divergence and top-1 agreement on the
    next-token distributions after `prompts`, and perplexity on `passage` (the talk's, from
    slides/data/fences.yml)."""
    info = gguf.read(source)
    source_type = gguf.file_type_name(info)
    ref = _measure(str(source), prompts, passage)
    result = {
        "source": {"type": source_type, "file_size": info.file_size,
                   "bits_per_weight": gguf.bits_per_weight(info), "perplexity": ref["perplexity"]},
        "prompts": prompts, "passage": passage, "variants": [],
        "source_is_quantized": source_type not in FULL_PRECISION,
        "note": (f"The source is itself {source_type}: copies requantized from it can only lose precision "
                 f"(a Q8_0 made from {source_type} is no more precise than {source_type}). The numbers show "
                 "what each further step costs, relative to the source."
                 if source_type not in FULL_PRECISION else
                 f"The source is {source_type} (full precision): the numbers show what each quantization costs."),
    }
    with tempfile.TemporaryDirectory(prefix="deck-quant-") as tmp:
        for qtype in types:
            dst = Path(tmp) / f"model.{qtype}.gguf"
            requantize(source, dst, qtype)
            qinfo = gguf.read(dst)
            m = _measure(str(dst), prompts, passage)
            kls = [kl(p, q) for p, q in zip(ref["logprobs"], m["logprobs"])]
            top1 = [int(np.argmax(p) == np.argmax(q)) for p, q in zip(ref["logprobs"], m["logprobs"])]
            result["variants"].append({
                "type": qtype, "file_size": qinfo.file_size, "bits_per_weight": gguf.bits_per_weight(qinfo),
                "tensor_types": gguf.tensor_type_counts(qinfo),
                "kl_mean_bits": float(np.mean(kls)), "kl_max_bits": float(np.max(kls)),
                "kl_bits": kls, "top1_agreement": float(np.mean(top1)), "perplexity": m["perplexity"],
            })
            dst.unlink()
    return result


def requantize(src: Path, dst: Path, qtype: str) -> None:
    """Write `src` requantized to `qtype` (e.g. "Q4_0") at `dst` with llama.cpp (0.3-0.5 s here)."""
    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{qtype}", None)
    if ftype is None:
        raise ValueError(f"unknown quantization type {qtype!r} (try Q8_0, Q4_0, Q4_K_M, Q2_K)")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.allow_requantize = True          # the source is already quantized
    params.nthread = 1
    with quiet_stderr():            # llama.cpp prints a line per tensor it falls back on
        status = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if status != 0:
        raise RuntimeError(f"llama_model_quantize failed to write {qtype} from {src}")


@contextlib.contextmanager
def quiet_stderr():
    """Silence C-level stderr (file descriptor 2) for a moment."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def kl(p_log: np.ndarray, q_log: np.ndarray) -> float:
    """KL(p || q) in bits, from log-probabilities (natural log).

    Example:
    >>> round(kl(np.log([0.5, 0.5]), np.log([0.25, 0.75])), 3)
    0.208
    """
    p = np.exp(p_log)
    return float((p * (p_log - q_log)).sum() / np.log(2))


def _measure(path: str, prompts: list[str], passage: str) -> dict:
    """Next-token log-probabilities for every prompt, and the passage's perplexity."""
    m = Model(path)
    try:
        logprobs = [m.next_logprobs(m.tokenize(p)) for p in prompts]
        return {"logprobs": logprobs, "perplexity": m.perplexity(passage)["perplexity"]}
    finally:
        m.llm.close()
        del m
        gc.collect()
