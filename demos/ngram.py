"""n-gram language models from scratch: count what follows what, then sample.

An n-gram model predicts the next token from the previous n - 1 tokens only:

    P(next | context) = count(context + next) / count(context)

It is the simplest "generative and predictive" model: trained by counting a
corpus, it can score what comes next (predictive) and, by drawing the next token
again and again, write new text (generative). Its "context window" is n - 1
tokens; a context it never saw is handled by backing off to a shorter one.
Tokens are characters (level="char") or words and punctuation (level="word").
"""

import math
import random
import re
from collections import Counter

from demos.sampling import draw, softmax

WORD = re.compile(r"[\w']+|[^\w\s]|\n")


def tokenize(text, level="char"):
    """Split text into the model's tokens: characters, or words and punctuation marks.

    Example:
    >>> tokenize("Hi, you!", "word")
    ['Hi', ',', 'you', '!']
    >>> tokenize("Hi!", "char")
    ['H', 'i', '!']
    """
    if level == "char":
        return list(text)
    if level == "word":
        return WORD.findall(text)
    raise ValueError(f'level must be "char" or "word", got {level!r}')


def detokenize(tokens, level="char"):
    """Join tokens back into text (words get spaces, punctuation sticks to the left).

    Example:
    >>> detokenize(["Hi", ",", "you", "!"], "word")
    'Hi, you!'
    """
    if level == "char":
        return "".join(tokens)
    out = ""
    for t in tokens:
        glue = out and not out.endswith("\n") and (t[0].isalnum() or t[0] in "'(\"")
        out += (" " + t) if glue else t
    return out


class NGram:
    """Counts of every k-gram for k = 1..n, enough to back off to shorter contexts.

    Example:
    >>> model = NGram(n=2, level="word").train("the cat sat . the cat sat . the dog ran .")
    >>> model.next_tokens(["the"])
    [('cat', 0.6666666666666666), ('dog', 0.3333333333333333)]
    >>> model.generate(length=4, prompt="the", temperature=0)
    'the cat sat. the'
    """

    def __init__(self, n=3, level="char"):
        if not 1 <= n <= 6:
            raise ValueError(f"n must be between 1 and 6, got {n}")
        self.n, self.level = n, level
        self.counts = [Counter() for _ in range(n + 1)]   # counts[k][k-gram tuple]
        self.followers = None                             # context -> {next: count}, built lazily
        self.tail = []                                    # last n-1 tokens, to continue in chunks

    def train(self, text):
        """Count all 1..n-grams of the text (more calls keep counting: train in chunks)."""
        tokens = self.tail + tokenize(text, self.level)
        start = len(self.tail)
        for k in range(1, self.n + 1):
            # zip(t, t[1:], ...) walks every window of k tokens; Counter counts them in C.
            # Windows that lie wholly inside the previous chunk's tail were counted already.
            skip = max(0, start - k + 1)
            self.counts[k].update(zip(*(tokens[skip + j:] for j in range(k))))
        self.tail = tokens[-(self.n - 1):] if self.n > 1 else []
        self.followers = None
        return self

    def index(self):
        """Group the k-gram counts by context: {context tuple: {next token: count}}."""
        if self.followers is None:
            self.followers = {}
            for k in range(1, self.n + 1):
                for gram, c in self.counts[k].items():
                    self.followers.setdefault(gram[:-1], {})[gram[-1]] = c
        return self.followers

    def next_counts(self, context):
        """Counts of the next token after the longest seen suffix of context (back-off).

        Example:
        >>> NGram(3, "char").train("abcabd").next_counts("zab")   # 'zab' unseen: back off to 'ab'
        {'c': 1, 'd': 1}
        """
        followers = self.index()
        context = tuple(context)[-(self.n - 1):] if self.n > 1 else ()
        for start in range(len(context) + 1):
            seen = followers.get(context[start:])
            if seen:
                return seen
        return {}

    def next_tokens(self, context, temperature=1.0, top=None):
        """The next-token distribution [(token, prob)], most probable first.

        Temperature rescales log-counts: T = 0 picks the most frequent follower.
        """
        counts = self.next_counts(context)
        if not counts:
            return []
        tokens = sorted(counts, key=lambda t: (-counts[t], t))
        scores = [math.log(counts[t]) for t in tokens]
        probs = softmax(scores, temperature)
        return list(zip(tokens, probs))[:top]

    def generate(self, length=100, prompt="", temperature=1.0, seed=0):
        """Write `length` new tokens after prompt, drawing each from next_tokens()."""
        rng = random.Random(seed)
        tokens = tokenize(prompt, self.level)
        for _ in range(length):
            options = self.next_tokens(tokens, temperature)
            if not options:
                break
            choice, _ = draw([(i, p) for i, (_, p) in enumerate(options)], rng)
            tokens.append(options[choice][0])
        return detokenize(tokens, self.level)

    def size(self):
        """How many distinct n-grams (of the top order) the model holds."""
        return len(self.counts[self.n])
