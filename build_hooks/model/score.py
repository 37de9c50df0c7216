"""How likely is a continuation after a prompt? The product of its tokens' probabilities.

A model gives the probability of the NEXT token only. The probability of a longer continuation
follows from the chain rule: p(" on the mat" | prompt) = p(" on" | prompt) x p(" the" | prompt
" on") x p(" mat" | prompt " on the"). Each factor is one row of the model's output at one
position, so a single evaluation of prompt + continuation gives them all (llm.all_logprobs); the
log-probabilities add up to the continuation's log-probability (demos/score.py, the live widget's
own rule).

The continuation is tokenized on its own (no BOS) and appended to the prompt's tokens: the
probability is that of these tokens, which is what the model would have to generate.

Example:
>>> from build_hooks.model import llm                              # doctest: +SKIP
>>> out = run(llm.get("model.gguf"), "The cat sat on the", [" mat"])     # doctest: +SKIP
>>> out["continuations"][0]["tokens"][0]["text"]                       # doctest: +SKIP
' mat'
"""

import math

from demos import score as chain


def run(model, prompt: str, continuations: list[str]) -> dict:
    """Per continuation: its tokens with their probabilities in context, and their product."""
    ids = model.tokenize(prompt)
    scored = []
    for text in continuations:
        tail = model.tokenize(text, prompt=False)
        rows = model.all_logprobs(ids + tail)        # row i: the distribution of token i + 1
        tokens = []
        for j, token in enumerate(tail):
            lp = float(rows[len(ids) + j - 1, token])
            tokens.append({"id": int(token), "text": model.text(token), "logprob": lp, "prob": math.exp(lp)})
        whole = chain.score([t["prob"] for t in tokens])     # the product, as the live widget computes it
        scored.append({"text": text, "ids": [int(t) for t in tail], "tokens": tokens,
                       "logprob": whole["logprob"], "prob": whole["prob"]})
    return {"prompt": prompt, "prompt_ids": ids, "continuations": scored}
