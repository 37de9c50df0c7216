"""The browser API of the demos (demos/web.py: what the page's worker calls), in CPython: JSON in,
JSON out, errors as text, jobs that run in steps and can be cancelled."""

import hashlib
import json
import math
import zipfile
from pathlib import Path

import pytest

from demos import ngram, sampling, web

ROOT = Path(__file__).resolve().parents[1]
SCORES = [math.log(p) for p in (0.4, 0.25, 0.15, 0.1, 0.06, 0.04)]
CORPUS = (ROOT / "slides" / "corpus" / "coriolanus.txt").read_text(encoding="utf-8")

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
