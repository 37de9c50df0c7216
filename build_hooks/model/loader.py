"""The one way this project opens a GGUF with llama-cpp-python: `load(path, ...)`.

Everything that runs llama.cpp (the build's snapshots, the quantization study, the tests, the
benchmarks) opens the model here, so it behaves the same on every x86-64 CPU:

- **No weight repacking** (`llama_model_params.use_extra_bufts = False`). llama.cpp built with
  `-march=native` (pip compiles llama-cpp-python on the machine) includes the CPU's "extra buffer
  types": on an Intel Xeon with AMX (Sapphire Rapids class, `amx_int8` in /proc/cpuinfo) it repacks
  the weights into its AMX buffer type at load, and the first `llama_decode` segfaults
  (ggml-org/llama.cpp#20824). Without extra buffers the weights stay as the file stores them and
  the plain CPU kernels run them: the same numbers as the committed snapshots (" cat" 0.0733294
  after "The cat sat on the", with and without repacking, on a CPU that has no AMX), at the speed
  of a 135M model that needs no repacking anyway. llama.cpp's own CLI calls this `--no-repack`.
- **One thread, a fixed seed**: the float sums, and so the snapshots, are the same on every run.

llama-cpp-python 0.3.36's `Llama(...)` has no argument for `use_extra_bufts`: it builds its
`llama_model_params` from `llama_model_default_params()` inside `__init__` and loads at once. So
for the length of that call we hand it defaults with the field cleared (under a lock), then check
on the params it really loaded with (`llm.model_params`) that the field is off.

Example:
>>> llm = load("SmolLM2-135M-Instruct.Q4_1.gguf")              # doctest: +SKIP
>>> llm.model_params.use_extra_bufts                            # doctest: +SKIP
False
"""

from __future__ import annotations

import contextlib
import threading

import llama_cpp
from llama_cpp import llama_cpp as capi

SEED = 1234
N_CTX = 512           # every prompt on the slides is short; small contexts load fast
# One thread: a 135M model is quick anyway, and on a busy machine ggml's spinning worker threads
# made 2 threads 10x SLOWER.
N_THREADS = 1

_lock = threading.Lock()


@contextlib.contextmanager
def _no_extra_buffers():
    """While inside, llama-cpp-python's default model params have `use_extra_bufts` off."""
    with _lock:
        original = capi.llama_model_default_params

        def defaults():
            params = original()
            params.use_extra_bufts = False
            return params

        capi.llama_model_default_params = defaults
        try:
            yield
        finally:
            capi.llama_model_default_params = original


def load(path, *, n_ctx: int = N_CTX, vocab_only: bool = False, n_threads: int = N_THREADS,
         verbose: bool = False) -> llama_cpp.Llama:
    """The GGUF at `path` as a `llama_cpp.Llama`, without repacked weights (see above).

    vocab_only=True reads the tokenizer only (no tensors: fast, and enough for token ids).
    """
    with _no_extra_buffers():
        llm = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_batch=n_ctx, n_threads=n_threads,
                              n_threads_batch=n_threads, seed=SEED, logits_all=False, vocab_only=vocab_only,
                              verbose=verbose)
    if llm.model_params.use_extra_bufts:       # a llama-cpp-python that builds its params another way
        llm.close()
        raise RuntimeError(f"llama-cpp-python {llama_cpp.__version__} ignored use_extra_bufts=False: "
                           "build_hooks/model/loader.py needs updating for it")
    return llm
