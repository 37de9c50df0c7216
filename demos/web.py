"""What the browser widgets call: the demos, shaped into rows a page can draw.

The build calls these same functions to make each widget's static render, and the
Web Worker calls them under Pyodide when a reader moves a control. One code path:
the numbers before and after Python starts in the browser come from the same lines.
Every function takes and returns plain JSON-able values.
"""

import json
import math
import random

from demos import beam, draws, live, ngram, runner, sampling, score, spread, tokenizers, vocabulary

# --- sampling ------------------------------------------------------------------------------

def parse_temperature(value):
    """'inf' (the last stop of the slider) or a number >= 0."""
    if value in ("inf", "∞", None) or (isinstance(value, float) and math.isinf(value)):
        return sampling.INF
    return max(0.0, float(value))


def sampling_rows(candidates, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0):
    """Bars for every candidate: kept ones with their renormalized probability.

    candidates: the snapshot's top list [{"id", "text", "logprob"}, ...].

    Example:
    >>> rows = sampling_rows([{"id": 5, "text": " a", "logprob": -0.1},
    ...                       {"id": 9, "text": " b", "logprob": -2.5}], top_k=1)
    >>> [(r["label"], r["kept"], r["prob"]) for r in rows]
    [('␣a', True, 1.0), ('␣b', False, 0.0)]
    """
    scores = [c["logprob"] for c in candidates]
    t = parse_temperature(temperature)
    kept = dict(sampling.distribution(scores, t, int(top_k or 0), float(top_p), float(min_p or 0)))
    before = sampling.softmax(scores, t)     # what the cut tokens would have had
    return [{"id": c["id"], "label": vocabulary.label(c["text"]), "kept": i in kept,
             "prob": kept.get(i, 0.0), "tempered": before[i]} for i, c in enumerate(candidates)]


def sampling_draws(candidates, temperature=1.0, top_k=0, top_p=1.0, n=8, seed=0, min_p=0.0):
    """n seeded draws: [{"label", "u"}], where u is the uniform number each draw used."""
    scores = [c["logprob"] for c in candidates]
    draws = sampling.sample(scores, int(n), parse_temperature(temperature), int(top_k or 0), float(top_p), int(seed),
                            float(min_p or 0))
    return [{"label": vocabulary.label(candidates[i]["text"]), "u": u} for i, u in draws]


def run_code(code, candidates, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0):
    """Run a reader's edited `distribution` and return its kept rows, or the error as text: a
    traceback of the reader's own code only (demos/runner.py), never this harness's frames.

    Example:
    >>> run_code("def distribution(*a): return [(0, 1.0)]", [{"id": 1, "text": "x", "logprob": 0.0}])
    {'rows': [{'label': 'x', 'prob': 1.0}]}
    >>> lines = run_code("def distribution(*a):\\n    return 1/0", [])["error"].splitlines()
    >>> lines[1], lines[2].strip(), lines[-1]       # no frame of this file; Python 3.11+ adds a ~^~ line
    ('  File "<your code>", line 2, in distribution', 'return 1/0', 'ZeroDivisionError: division by zero')
    """
    # the helpers of demos/sampling.py are there; distribution() itself must be the reader's
    namespace = {name: getattr(sampling, name) for name in dir(sampling)
                 if not name.startswith("__") and name != "distribution"}
    try:
        runner.execute(code, namespace)
        fn = namespace.get("distribution")
        if not callable(fn):
            return {"error": "Define a function named distribution(scores, temperature, top_k, top_p, min_p)."}
        scores = [c["logprob"] for c in candidates]
        # min-p only when it is on: a reader's four-argument distribution() keeps working without it
        extra = (float(min_p),) if min_p else ()
        if extra and not runner.takes(fn, 5):
            return {"error": f"Min-p is on ({float(min_p):g}) but your distribution() takes no min_p: add it as a "
                             "fifth argument, distribution(scores, temperature, top_k, top_p, min_p), or set "
                             "min-p to 0 (off)."}
        kept = fn(scores, parse_temperature(temperature), int(top_k or 0), float(top_p), *extra)
    except Exception as err:
        return {"error": runner.reader_traceback(err)}
    try:
        return {"rows": [{"label": vocabulary.label(candidates[i]["text"]), "prob": float(p)} for i, p in kept]}
    except (TypeError, ValueError, IndexError, KeyError):
        return {"error": f"distribution() returned {_short(kept)}: it must return a list of (index, probability) "
                         f"pairs, index from 0 to {len(candidates) - 1}."}


def _short(value, limit=60):
    """repr(value), cut to `limit` characters for a message.

    Example:
    >>> _short(list(range(40)), 12)
    '[0, 1, 2, 3…'
    """
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- n-grams -------------------------------------------------------------------------------

class Training:
    """Train an n-gram model in slices so the worker can report progress and be cancelled.

    Example:
    >>> job = Training("abcabd" * 10, n=3, level="char", slice_chars=16)
    >>> while job.step() < 1: pass
    >>> job.model.next_counts("ab")
    {'c': 10, 'd': 10}
    """

    def __init__(self, text, n=3, level="char", slice_chars=200_000):
        self.text, self.pos, self.slice = text, 0, slice_chars
        self.model = ngram.NGram(int(n), level)

    def step(self):
        end = min(len(self.text), self.pos + self.slice)
        if self.model.level == "word" and end < len(self.text):
            # never cut a word in two: move the slice end to the next whitespace
            while end < len(self.text) and not self.text[end].isspace():
                end += 1
        self.model.train(self.text[self.pos:end])
        self.pos = end
        return 1.0 if self.pos >= len(self.text) else self.pos / len(self.text)


def ngram_output(prompt="", length=60, temperature=1.0, seed=0, top=8, *, model):
    """A generated sample from `model` and the next-token distribution after it."""
    text = model.generate(int(length), prompt, parse_temperature(temperature), int(seed))
    context = ngram.tokenize(text, model.level)
    nxt = model.next_tokens(context, parse_temperature(temperature), top=int(top))
    return {"text": text, "next": [{"label": vocabulary.label(t), "prob": p} for t, p in nxt],
            "context": vocabulary.label(ngram.detokenize(context[-(model.n - 1):], model.level)) if model.n > 1 else "",
            "size": model.size()}


# --- tokenizer -----------------------------------------------------------------------------

def tokenize(text, tokenizer):
    """[{"id", "label"}] for each token of text. A token holding part of a character (an emoji
    is 4 bytes, often 2 tokens) is labelled with its bytes in hex.

    Example:
    >>> tokenize("ab", tokenizers.load(tokenizers.vocab.dumps({"model": "gpt2"}, ["a", "b", "ab"], ["a b"])))
    [{'id': 2, 'label': 'ab'}]
    """
    return [{"id": i, "label": vocabulary.piece_label(tokenizer.piece_bytes(i))} for i in tokenizer.encode(text)]


# --- beam search ---------------------------------------------------------------------------

def beam_rows(snapshot, width=3, depth=5, seed=0):
    """Beams of the given width and depth over a recorded `beam` snapshot, plus greedy and a sample.

    Example:
    >>> snap = {"expansions": {"": [{"id": 1, "text": "a", "logprob": -0.5}, {"id": 2, "text": "b", "logprob": -0.75}],
    ...         "1": [{"id": 3, "text": "c", "logprob": -2.0}], "2": [{"id": 5, "text": "d", "logprob": -0.25}]}}
    >>> [b["text"] for b in beam_rows(snap, 2, 2)["beams"]]
    ['bd', 'ac']
    """
    expansions = snapshot["expansions"]
    texts = {c["id"]: c["text"] for kids in expansions.values() for c in kids}
    expand = beam.tree_expand(expansions)

    def row(prefix, score):
        return {"text": "".join(texts[i] for i in prefix), "ids": list(prefix), "logprob": score,
                "prob": math.exp(score)}

    beams = [row(p, s) for p, s in beam.beam_search(expand, int(width), int(depth))]
    greedy = row(*beam.greedy(expand, int(depth)))
    # a sampled path: draw each step among the recorded children (renormalized)
    rng, prefix, score = random.Random(int(seed)), (), 0.0
    for _ in range(int(depth)):
        kids = expand(prefix)
        if not kids:
            break
        kept = sampling.distribution([lp for _, lp in kids])
        i, _ = sampling.draw(kept, rng)
        prefix, score = prefix + (kids[i][0],), score + kids[i][1]
    return {"beams": beams, "greedy": greedy, "sampled": row(prefix, score)}


# --- the worker's memory, per widget ------------------------------------------------------

class Page:
    """What one page's worker remembers. Every n-gram widget has its own training job and
    model, keyed by the widget's id, so two widgets on a page (the whole-talk present page
    has them all) never train or generate on each other's corpus. The tokenizer is shared:
    every tokenizer widget uses the same model vocabulary.

    Example:
    >>> page = Page()
    >>> page.ngram_start("a", "abcabd" * 5, n=2), page.ngram_start("b", "xyxy" * 5, n=2)
    (0.0, 0.0)
    >>> page.ngram_step("b"), page.ngram_step("a")
    (1.0, 1.0)
    >>> page.ngram_output("a", prompt="a", length=3, temperature=0)["text"]
    'abca'
    >>> page.ngram_output("b", prompt="x", length=3, temperature=0)["text"]
    'xyxy'
    """

    CALLS = ("ngram_start", "ngram_step", "ngram_output", "tokenizer_load", "tokenize")

    HELD = 16             # distributions of the live model kept at once (a generation makes one per token)

    def __init__(self):
        self.training = {}    # widget id -> Training still in progress
        self.models = {}      # widget id -> its trained NGram
        self.tokenizer = None
        self.held = {}        # key -> (ids, probs): the live model's distributions, newest last

    def live_hold(self, key, ids, probs, ranked=None, total=None):
        """Keep one of the live model's distributions: a call with dist=key then works on it, so
        49,152 numbers cross once, not per draw. The worker passes its typed arrays as memoryviews,
        kept as they are: a draw reads only the few tokens it walks (a list of 49,152 floats would
        cost more than the draw). ranked, total: what the page found reading them (live.draw).

        Example:
        >>> page = Page()
        >>> page.live_hold("d1", [3, 7], [0.6, 0.4], ranked=True, total=1.0)
        >>> page.call("live_draw", '{"dist": "d1", "temperature": 0}')[:9]
        '{"id": 3,'
        >>> page.call("live_rows", '{"dist": "d1", "top": 1}')[:19]
        '{"rows": [{"id": 3,'
        """
        self.held.pop(key, None)
        self.held[key] = {"ids": ids, "probs": probs, "ranked": ranked, "total": total}
        while len(self.held) > self.HELD:
            del self.held[next(iter(self.held))]

    def _held(self, key, name):
        """The arguments a held distribution gives `name`: the draw reads the arrays in place and
        takes what the page knows of them; every other function gets plain lists (made once)."""
        if key not in self.held:
            raise ValueError(f"the distribution {key!r} is no longer held: send it again")
        held = self.held[key]
        if name == "live_draw":
            return {k: held[k] for k in ("ids", "probs", "ranked", "total")}
        if "lists" not in held:
            held["lists"] = {"ids": list(held["ids"]), "probs": list(held["probs"])}
        return held["lists"]

    def ngram_start(self, widget, text, n=3, level="char"):
        """Begin training `widget`'s model; the worker then calls ngram_step(widget) until it returns 1."""
        self.models.pop(widget, None)
        self.training[widget] = Training(text, n, level)
        return 0.0

    def ngram_step(self, widget):
        done = self.training[widget].step()
        if done >= 1.0:
            self.models[widget] = self.training.pop(widget).model
        return done

    def ngram_output(self, widget, prompt="", length=60, temperature=1.0, seed=0, top=8):
        if widget not in self.models:
            raise ValueError(f"the n-gram widget {widget!r} has no trained model yet")
        return ngram_output(prompt, length, temperature, seed, top, model=self.models[widget])

    def tokenizer_load(self, vocab_text):
        """Build the tokenizer from the vocabulary file the worker fetched; returns its size."""
        self.tokenizer = tokenizers.load(vocab_text)
        return len(self.tokenizer.tokens)

    def tokenize(self, text):
        return tokenize(text, self.tokenizer)

    def call(self, name, kwargs_json):
        """Call one API function (or one of this page's methods) with JSON arguments and return
        JSON: plain strings cross the JavaScript/Python boundary, so no proxy objects leak (or
        need freeing) in the worker.

        Example:
        >>> Page().call("sampling_rows", '{"candidates": [{"id": 1, "text": "a", "logprob": 0.0}]}')
        '[{"id": 1, "label": "a", "kept": true, "prob": 1.0, "tempered": 1.0}]'
        """
        kwargs = json.loads(kwargs_json)
        if "dist" in kwargs:                  # a held distribution, named by its key
            kwargs.update(self._held(kwargs.pop("dist"), name))
        if name in self.CALLS:
            fn = getattr(self, name)
        elif name in API:
            fn = API[name]
        else:
            raise ValueError(f"unknown demo function {name!r}")
        return json.dumps(fn(**kwargs))


# Stateless: the same arguments always give the same answer, whichever widget asks.
API = {f.__name__: f for f in (sampling_rows, sampling_draws, run_code, beam_rows)}
API.update(live_rows=live.rows, live_draw=live.draw, live_shown_rows=live.shown_rows)   # demos/live.py
API.update(live_score=score.score, live_many=draws.many)   # demos/score.py, demos/draws.py
API.update({f.__name__: f for f in (spread.sampling_view, spread.sampling_numbers, spread.shown_draws,
                                spread.shown_samples)})   # demos/spread.py: the numbers line, draws
