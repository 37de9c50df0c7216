"""llama.cpp's own sampler chain, as the reference the deck's sampling is held to (test modules never
import each other: tests/test_sampling_parity.py and tests/test_sampling_held.py take it from here).

llama-cpp-python's low-level sampler API runs llama.cpp's default order: top-k, top-p, min-p, then
temperature, then its dist sampler, which fills in the probabilities of what survived.

Example:
>>> import numpy as np
>>> [(i, round(p, 3)) for i, p in llama_chain_keeps(np.log(np.float32([0.5, 0.3, 0.2])), 1.0, 2, 1.0, 0.0)]
[(0, 0.625), (1, 0.375)]
"""

import ctypes
import math

import numpy as np

from demos.vocabulary import percent

# llama.cpp's llama_token_data: {llama_token id; float logit; float p}
TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])


def llama_chain_keeps(logits32: np.ndarray, temperature, top_k, top_p, min_p) -> list[tuple[int, float]]:
    """The (token id, probability) pairs llama.cpp's chain keeps from float32 logits, in its order."""
    import llama_cpp as L

    n = len(logits32)
    data = (L.llama_token_data * n)()
    fields = np.frombuffer(data, dtype=TOKEN_DATA)      # the C array itself: filled and read at numpy speed
    fields["id"], fields["logit"], fields["p"] = np.arange(n), logits32, 0.0
    cur = L.llama_token_data_array(data=data, size=n, selected=-1, sorted=False)
    chain = L.llama_sampler_chain_init(L.llama_sampler_chain_default_params())
    for smpl in (L.llama_sampler_init_top_k(top_k), L.llama_sampler_init_top_p(top_p, 1),
                 L.llama_sampler_init_min_p(min_p, 1), L.llama_sampler_init_temp(temperature),
                 L.llama_sampler_init_dist(1)):
        L.llama_sampler_chain_add(chain, smpl)         # the chain owns them and frees them
    try:
        L.llama_sampler_apply(chain, ctypes.byref(cur))
    finally:
        L.llama_sampler_free(chain)
    kept = fields[:cur.size]
    # T = 0 leaves every token but the best at logit -inf (probability 0): those are not kept
    return [(int(i), float(q)) for i, x, q in zip(kept["id"], kept["logit"], kept["p"]) if x != -math.inf]


def f32(x: float) -> float:
    """x as llama.cpp's C API takes it (float32)."""
    return float(np.float32(x))


def logits_after(prompt: str) -> np.ndarray:
    """The deck's model's float32 logits for the token after `prompt` (BOS as the GGUF asks), through
    the deck's loader: the numbers llama.cpp's sampler starts from."""
    import llama_cpp

    from build_hooks.model import loader
    from build_hooks.model.choice import embedded_path
    llama = loader.load(embedded_path(), n_ctx=256)
    try:
        llama.eval(llama.tokenize(prompt.encode(), add_bos=True, special=False))    # as build_hooks/model/llm.py
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llama.ctx, -1), shape=(llama.n_vocab(),))
        return logits.astype(np.float32).copy()
    finally:
        llama.close()


DEFAULTS = {"temperature": "0.8", "top_k": "40", "top_p": "0.95", "min_p": "0.05"}     # common/common.h


def llama_cpps_bars_of(d, t, k, p, min_p):
    """What a sampling widget's bars and "all other tokens" must say at (t, k, p, min_p) by llama.cpp's own
    chain on the deck's model, for the widget's data `d` (its script.demo-data): [(id, kept, shown)], rest."""
    want = dict(llama_chain_keeps(logits_after(d["prompt"]), f32(t), k, f32(p), f32(min_p)))
    logprobs = {c["id"]: c["logprob"] for c in d["candidates"]}
    bars = [(c["id"], c["id"] in want, percent(want[c["id"]]) if c["id"] in want else
             f"cut ({percent(math.exp(logprobs[c['id']]))})") for c in d["candidates"]]
    return bars, percent(math.fsum(q for i, q in want.items() if i not in logprobs))
