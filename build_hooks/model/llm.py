"""Run the GGUF with llama-cpp-python and read what it "thinks": full next-token distributions.

An LLM maps a sequence of token ids to one score (logit) per vocabulary entry for the NEXT
token; softmax turns the scores into probabilities. Everything the slides show is built on
that one operation:

    ids = tokenize("The cat sat on the")          # [504, 2644, 3290, 335, 260]
    logprobs = next_logprobs(ids)                  # 49,152 log-probabilities, one per token id

llama-cpp-python 0.3.x only keeps the last position's logits when `logits_all=False`, and
`create_completion(logprobs=k)` merges tokens that detokenize to the same text, so we read
the logits buffer directly (`llama_get_logits_ith(ctx, -1)`) and keep token ids.

This module is imported lazily: a build whose snapshots are all fresh never imports it, so
GitHub Pages needs no llama.cpp. The model is loaded once per process and per file.

Example:
>>> m = get("SmolLM2-135M-Instruct.Q4_1.gguf")                 # doctest: +SKIP
>>> m.next_tokens("The cat sat on the", top=3)["top"][0]["text"] # doctest: +SKIP
' cat'
"""

import functools
import random

import llama_cpp
import numpy as np

from build_hooks.model import sampler
from build_hooks.model.loader import N_CTX, load


@functools.cache
def get(path: str) -> "Model":
    """The model at `path`, loaded once per process."""
    return Model(str(path))


class Model:
    def __init__(self, path: str, n_ctx: int = N_CTX):
        self.path = path
        self.llm = load(path, n_ctx=n_ctx)      # one thread, fixed seed, no weight repacking (loader.py)
        self.n_vocab = self.llm.n_vocab()
        self.eog = {t for t in (self.llm.token_eos(), self.llm._model.token_eot()) if t >= 0}

    # Tokens ----------------------------------------------------------------------------------

    def tokenize(self, text: str, prompt: bool = True) -> list[int]:
        """Token ids of `text`. prompt=True adds BOS if (and only if) the GGUF asks for it."""
        return self.llm.tokenize(text.encode("utf-8"), add_bos=prompt, special=False)

    def piece(self, token_id: int) -> bytes:
        """The bytes one token stands for (may be half a UTF-8 character)."""
        return self.llm.detokenize([token_id], special=True)

    def text(self, token_id: int) -> str:
        return self.piece(token_id).decode("utf-8", errors="backslashreplace")

    # Logits ----------------------------------------------------------------------------------

    def next_logprobs(self, ids: list[int]) -> np.ndarray:
        """Log-probabilities (float64, n_vocab) of the token that follows `ids`.

        Reuses the KV cache for the longest common prefix with the previous call, so beam
        search and generation only evaluate the new tokens.
        """
        if not ids:
            raise ValueError("need at least one token")
        llm = self.llm
        keep = 0
        while keep < min(llm.n_tokens, len(ids) - 1) and llm.input_ids[keep] == ids[keep]:
            keep += 1
        llm.n_tokens = keep                     # eval() drops the KV cache from here on
        llm.eval(ids[keep:])
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(self.n_vocab,))
        return log_softmax(logits.astype(np.float64))

    def all_logprobs(self, ids: list[int]) -> np.ndarray:
        """Log-probabilities at EVERY position: row i is the distribution of token i+1.

        Needs the logits of all positions: we fill llama.cpp's batch ourselves with every
        position's `logits` flag set (what logits_all=True does, without its n_ctx x n_vocab buffer).
        """
        llm, rows = self.llm, []
        llm.reset()
        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        for start in range(0, len(ids), llm.n_batch):
            chunk = ids[start:start + llm.n_batch]
            llm._batch.set_batch(batch=chunk, n_past=start, logits_all=True)
            llm._ctx.decode(llm._batch)
            for i in range(len(chunk)):
                row = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, i), shape=(self.n_vocab,))
                rows.append(log_softmax(row.astype(np.float64)))
            llm.input_ids[start:start + len(chunk)] = chunk
            llm.n_tokens = start + len(chunk)
        return np.stack(rows)

    # What the slides show ----------------------------------------------------------------------

    def entry(self, token_id: int, logprobs: np.ndarray) -> dict:
        lp = float(logprobs[token_id])
        return {"id": int(token_id), "text": self.text(token_id), "prob": float(np.exp(lp)), "logprob": lp}

    def next_tokens(self, prompt: str, top: int = 10) -> dict:
        ids = self.tokenize(prompt)
        lp = self.next_logprobs(ids)
        best = top_ids(lp, top)
        entries = [self.entry(i, lp) for i in best]
        return {"prompt": prompt, "prompt_ids": ids, "top": entries,
                "rest": max(0.0, 1.0 - sum(e["prob"] for e in entries)),
                "entropy_bits": float(-(np.exp(lp) * lp).sum() / np.log(2))}

    def distribution(self, prompt: str, top: int, temperatures: list[float]) -> dict:
        """The next-token distribution reshaped by temperature, and how many tokens top-p keeps.

        softmax(logits / T) is renormalized over the WHOLE vocabulary; we keep the `top` tokens
        most likely at T = 1, and the cumulative mass by rank (for the top-k / top-p picture).
        """
        ids = self.tokenize(prompt)
        lp = self.next_logprobs(ids)
        best = top_ids(lp, top)
        by_t = {f"{t:g}": [float(np.exp(log_softmax(lp / t)[i])) for i in best] for t in temperatures}
        mass = np.cumsum(np.sort(np.exp(lp))[::-1])
        ranks = sorted({*range(1, top + 1), *np.unique(np.geomspace(1, self.n_vocab, 60).astype(int)).tolist()})
        return {"prompt": prompt, "prompt_ids": ids, "n_vocab": self.n_vocab,
                "top": [self.entry(i, lp) for i in best], "by_temperature": by_t,
                "cumulative": [[int(r), float(mass[r - 1])] for r in ranks],
                "nucleus": {f"{p:g}": int(np.searchsorted(mass, p)) + 1 for p in (0.5, 0.8, 0.9, 0.95)}}

    def tokens(self, text: str) -> dict:
        ids = self.tokenize(text, prompt=False)
        pieces = [self.piece(i) for i in ids]
        return {"text": text, "ids": ids,
                "pieces": [p.decode("utf-8", errors="backslashreplace") for p in pieces],
                "bytes": [p.hex() for p in pieces]}

    def generate(self, prompt_ids: list[int], max_tokens: int, temperature: float, seed: int | None,
                 top_k: int = 0, top_p: float = 1.0, min_p: float = 0.0) -> list[dict]:
        """Generate up to `max_tokens`: greedy when temperature == 0, else seeded sampling.

        Each step records the chosen token with its probability under the MODEL (T = 1)
        and the model's top-5 alternatives at that point.
        """
        rng = random.Random(seed)          # the browser demo's generator: same seed, same draws
        ids, steps = list(prompt_ids), []
        for _ in range(max_tokens):
            lp = self.next_logprobs(ids)
            choice = sampler.sample(lp, rng, temperature, top_k, top_p, min_p)
            step = self.entry(choice, lp)
            step["top"] = [self.entry(i, lp) for i in top_ids(lp, 5)]
            steps.append(step)
            ids.append(choice)
            if choice in self.eog:
                break
        return steps

    def completion(self, prompt: str, max_tokens: int, temperatures: list[float], seed: int,
                   top_k: int = 0, top_p: float = 1.0, min_p: float = 0.0) -> dict:
        ids = self.tokenize(prompt)
        runs = []
        for t in temperatures:
            steps = self.generate(ids, max_tokens, float(t), None if t == 0 else seed, top_k, top_p, min_p)
            text = b"".join(self.piece(s["id"]) for s in steps if s["id"] not in self.eog)
            runs.append({"label": "greedy" if t == 0 else f"T = {t:g}, seed {seed}",
                         "temperature": float(t), "seed": None if t == 0 else seed,
                         "text": text.decode("utf-8", errors="replace"), "tokens": steps})
        return {"prompt": prompt, "prompt_ids": ids, "max_tokens": max_tokens, "runs": runs}

    def beam(self, prompt: str, width: int, depth: int) -> dict:
        """The top-`width` children of every prefix any beam search of width 1..width expands."""
        from demos.beam import beam_search

        ids = self.tokenize(prompt)
        expansions = {}

        def expand(prefix):
            key = ",".join(map(str, prefix))
            if key not in expansions:
                if prefix and prefix[-1] in self.eog:
                    expansions[key] = []
                else:
                    lp = self.next_logprobs(ids + list(prefix))
                    expansions[key] = [self.entry(i, lp) for i in top_ids(lp, width)]
                    for e in expansions[key]:
                        e.pop("prob")
            return [(c["id"], c["logprob"]) for c in expansions[key]]

        results = {}
        for w in range(1, width + 1):
            beams = beam_search(expand, w, depth)
            results[str(w)] = [{"ids": list(p), "logprob": s,
                                "text": b"".join(self.piece(i) for i in p).decode("utf-8", "replace")}
                               for p, s in beams]
        return {"prompt": prompt, "prompt_ids": ids, "width": width, "depth": depth,
                "expansions": dict(sorted(expansions.items())), "beams": results}

    def perplexity(self, text: str) -> dict:
        """Per-token surprisal (bits) along `text`, and the perplexity exp(mean negative log-likelihood)."""
        ids = self.tokenize(text)       # the first token has no context: it is not scored
        lp = self.all_logprobs(ids)
        nll = [-float(lp[i, ids[i + 1]]) for i in range(len(ids) - 1)]
        return {"text": text, "first": self.text(ids[0]), "ids": ids[1:], "pieces": [self.text(i) for i in ids[1:]],
                "surprisal_bits": [float(x / np.log(2)) for x in nll],
                "perplexity": float(np.exp(np.mean(nll)))}


# Helpers -------------------------------------------------------------------------------------


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Example:
    >>> np.round(np.exp(log_softmax(np.array([0.0, 0.0]))), 2).tolist()
    [0.5, 0.5]
    """
    shifted = logits - logits.max()
    return shifted - np.log(np.exp(shifted).sum())


def top_ids(logprobs: np.ndarray, n: int) -> list[int]:
    """Ids of the n most likely tokens, most likely first; ties go to the lower id.

    Example:
    >>> top_ids(np.array([-1.0, -0.5, -0.5, -3.0]), 2)
    [1, 2]
    """
    n = min(n, len(logprobs))
    cut = np.partition(logprobs, len(logprobs) - n)[len(logprobs) - n]   # the n-th largest value
    candidates = np.flatnonzero(logprobs >= cut)                        # ascending ids
    order = candidates[np.argsort(-logprobs[candidates], kind="stable")]  # stable: lower id first on ties
    return [int(i) for i in order[:n]]


def library_version() -> str:
    return llama_cpp.__version__


