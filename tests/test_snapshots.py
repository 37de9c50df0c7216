"""The snapshot cache: freshness, determinism, corruption, offline builds, fence errors and HTML."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_hooks.fences import snapshot as snapshot_fence
from build_hooks.fences.pipeline import FenceError, Pipeline
from build_hooks.model import choice as model
from build_hooks.model.choice import Choice
from build_hooks.snapshots import store as snapshots
from build_hooks.snapshots.store import SnapshotError, Store

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = Choice("embedded", "default")
REQUESTS = [("next_tokens", {"prompt": "The cat sat on the", "top": 5}), ("tokens", {"text": "Hello, world"}),
            ("model_card", {})]


def fill(directory: Path, force=False) -> Store:
    store = Store(directory, EMBEDDED, force=force)
    for kind, params in REQUESTS:
        store.get(kind, params, "tests:1")
    return store


def files(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_fresh_snapshots_are_served_and_two_refreshes_are_byte_identical(tmp_path):
    first = fill(tmp_path)
    assert len(first.computed) == 3
    before = files(tmp_path)
    again = fill(tmp_path)
    assert again.computed == []                                   # all fresh: nothing computed
    forced = fill(tmp_path, force=True)
    assert len(forced.computed) == 3 and files(tmp_path) == before  # recomputed, same bytes
    other = tmp_path / "other"
    fill(other)
    assert files(other) == before


def test_corrupted_snapshot_is_detected_and_regenerated(tmp_path):
    fill(tmp_path)
    before = files(tmp_path)
    victim = next(tmp_path.glob("next_tokens-*.json"))
    victim.write_text(victim.read_text().replace("cat", "dog"))
    store = fill(tmp_path)
    assert [d for d, _ in store.computed] == [snapshots.describe("next_tokens", snapshots.normalize(*REQUESTS[0]))]
    assert files(tmp_path) == before
    victim.write_text("{not json")
    offline = Store(tmp_path, EMBEDDED)
    offline.can_compute = False
    with pytest.raises(SnapshotError, match=r"slides/x\.md:7: snapshot `next_tokens .* is corrupted .*make snapshots"):
        offline.get(*REQUESTS[0], "slides/x.md:7")


def test_checksum_vouches_for_a_fresh_file_without_parsing_it(tmp_path):
    store = Store(tmp_path, EMBEDDED)
    digest = store.checksum("model_card", {}, "tests:1")           # missing: computed like get()
    entry = next(iter(store.manifest["entries"].values()))
    assert len(store.computed) == 1 and digest == entry["sha256"]
    assert Store(tmp_path, EMBEDDED).checksum("model_card", {}, "tests:1") == digest
    (tmp_path / entry["file"]).write_text("{}")                   # corrupted: computed again
    again = Store(tmp_path, EMBEDDED)
    assert again.checksum("model_card", {}, "tests:1") == digest and len(again.computed) == 1


def test_without_the_model_the_manifest_identity_serves_fresh_snapshots(tmp_path, monkeypatch):
    fill(tmp_path)

    def gone(choice):
        raise model.ModelUnavailable("not on this machine")
    monkeypatch.setattr(model, "locate", gone)
    monkeypatch.setattr(snapshots, "llama_version", lambda: None)    # GitHub Pages: no llama-cpp-python
    offline = Store(tmp_path, EMBEDDED)
    assert not offline.can_compute
    assert offline.get(*REQUESTS[0], "x")["top"][0]["text"] == " cat"
    with pytest.raises(SnapshotError,
                       match=r"slides/s\.md:3: snapshot `tokens .*missing.*not on this machine.*make snapshots"):
        offline.get("tokens", {"text": "never computed"}, "slides/s.md:3")
    stranger = Store(tmp_path, Choice("ollama:other", "DECK_MODEL"))
    with pytest.raises(SnapshotError, match="unknown"):
        stranger.get(*REQUESTS[0], "x")


def check_fences(text: str, path: str = "slides/a.md") -> None:
    """The pipeline's checks alone (no snapshot is fetched before every fence parses)."""
    from types import SimpleNamespace
    cfg = SimpleNamespace(docs=ROOT / "slides", data=ROOT / "slides" / "data", where=str)
    Pipeline(cfg, store=None).prepare([(path, "---\ntitle: t\nminutes: 1\norder: 1\n---\n\n## A\n\n" + text)])


def test_fence_errors_name_file_and_line():
    with pytest.raises(FenceError, match=r"slides/a\.md:9: snapshot next_tokens: needs the option `prompt`"):
        check_fences("```snapshot next_tokens\ntop: 3\n```\n")
    with pytest.raises(FenceError, match=r"slides/b\.md:9: snapshot completion: unknown option `temperature`; "
                                         r"did you mean `temperatures`\?"):
        check_fences("```snapshot completion\nprompt: hi\ntemperature: 2\n```\n", "slides/b.md")
    with pytest.raises(FenceError, match=r"slides/a\.md:9: unknown snapshot kind `next_token`"):
        check_fences("```snapshot next_token\nprompt: x\n```\n")
    with pytest.raises(FenceError) as err:               # every bad fence at once, each at its line
        check_fences("```snapshot\n```\n\n```demo sampler\n```\n\n```demo ngram\nn: 9\n```\n")
    assert str(err.value).splitlines() == [
        "slides/a.md:9: a snapshot fence needs a kind after `snapshot`, one of: next_tokens, completion, tokens, "
        "beam, score, model_card, quant_study, embeddings, haystack, prompting (e.g. ```snapshot next_tokens)",
        "slides/a.md:12: unknown demo kind `sampler`; use one of: sampling, code, beam, tokenizer, ngram, live",
        "slides/a.md:15: demo ngram: option `n` is 9; it must be an integer from 1 to 6"]


def test_rendering_escapes_tokens_and_shows_probabilities_as_text():
    step = {"id": 5, "text": "<b>&", "prob": 0.05, "logprob": -3.0,
            "top": [{"id": 9, "text": " cat", "prob": 0.5, "logprob": -0.7}]}
    html = snapshot_fence.render("completion", {"prompt": "<i>", "runs": [
        {"label": "greedy", "tokens": [step]}], "model": {"name": "m", "quantization": "Q4_1"}})
    assert "<b>" not in html and "&lt;b&gt;&amp;" in html and "&lt;i&gt;" in html
    assert 'aria-label="&#x27;&lt;b&gt;&amp;&#x27;: probability 5.0%"' in html   # number in text, not colour only
    assert "snap-unsure" in html and "(chosen)" in html and "␣" in html


# A completion with one greedy token, as the renderer gets it: the snapshot's data and the fence's params.
STEP = {"id": 5, "text": " cat", "prob": 0.5, "logprob": -0.69, "top": [{"id": 5, "text": " cat", "prob": 0.5,
                                                                          "logprob": -0.69}]}
RUNS = {"prompt": 'A "b" <c>', "runs": [{"label": "greedy", "temperature": 0.0, "seed": None, "tokens": [STEP]},
                                      {"label": "T = 1.5, seed 42", "temperature": 1.5, "seed": 42, "tokens": [STEP]}],
        "model": {"name": "m", "quantization": "Q4_1"}}
PARAMS = {"prompt": 'A "b" <c>', "max_tokens": 12, "temperatures": [0, 1.5], "seed": 42, "top_k": 40, "min_p": 0.05}
TOKEN = ('<button type="button" class="snap-tok" style="--snap-hue: 85" aria-expanded="false" data-token-id="5" '
         'data-prob="0.5" aria-label="&#x27; cat&#x27;: probability 50.0%"> cat<span class="snap-tip" role="tooltip">'
         '<span class="snap-tip-p">p = 50.0%'
         '</span><span class="snap-tip-h">top 5 at this step</span><span class="snap-alt snap-chosen"><code '
         'class="snap-token"><span class="snap-ws" title="space">␣</span>cat</code> <span class="snap-num">50.0%</span>'
         '</span></span></button>')
PROMPT_SPAN = '<span class="snap-prompt">A &quot;b&quot; &lt;c&gt;</span>'
AS_TEXT = '<details class="snap-astext"><summary>probabilities as text</summary><p>&#x27; cat&#x27; 50.0%</p></details>'
# the figure and its two runs, each with its settings (data-*) and token ids, before the offer and the caption
FIGURE_RUNS = (
    '<figure class="snapshot snapshot-completion" data-prompt="A &quot;b&quot; &lt;c&gt;">'
    '<div class="snap-run" data-temperature="0" data-top-k="40" data-top-p="1" data-min-p="0.05" data-seed="" '
    'data-n="12"><div class="snap-run-label">greedy</div><p class="snap-completion" data-token-ids="[5]">'
    f'{PROMPT_SPAN}{TOKEN}</p>{AS_TEXT}</div>'
    '<div class="snap-run" data-temperature="1.5" data-top-k="40" data-top-p="1" data-min-p="0.05" data-seed="42" '
    'data-n="12"><div class="snap-run-label">T = 1.5, seed 42</div><p class="snap-completion" '
    f'data-token-ids="[5]">{PROMPT_SPAN}{TOKEN}</p>{AS_TEXT}</div>')
CAPTION = ('<figcaption>Completions of <q>A &quot;b&quot; &lt;c&gt;</q>, each token coloured by its probability (red '
           'unsure, green sure; hover, focus or click a token for its top-5 alternatives). m (Q4_1)</figcaption>')


def test_a_completion_snapshot_carries_what_branching_needs_and_says_how_to_branch():
    from html import escape as html_escape

    from build_hooks.fences import live

    cfg = {"status": "ready", "bytes": 98_362_432}
    html = snapshot_fence.render_completion(RUNS, {}, PARAMS, cfg)
    assert html == (
        f'{FIGURE_RUNS}<details class="snap-branch-offer"><summary class="snap-branch-how">Branch at any token: '
        "load the real model</summary><p>These texts are the build's (llama-cpp-python on the deck's model). "
        "Loaded, the model runs in your browser: choose a token of a text for its alternatives there, pick one, and "
        "the model goes on from it with the run's settings. The text after a branch, and its numbers, come from your "
        f"device, not from the build; Back returns to the build's text. {html_escape(live.precision())}</p>"
        '<script type="application/json" class="demo-live-config">{"status":"ready","bytes":98362432}</script>'
        '<div class="demo-live-optin"><button type="button" name="load">Load the real model: 98 MB, once, then cached '
        'in your browser</button><progress class="demo-live-progress" max="1" value="0" hidden></progress>'
        f'<span class="demo-live-msg" role="status"></span></div></details>{CAPTION}</figure>')


def test_a_completion_snapshot_without_a_live_model_offers_nothing_it_cannot_do():
    # the build has no live model (the live config missing): the runs carry their data, nothing says "load"
    html = snapshot_fence.render_completion(RUNS, {}, PARAMS, None)
    assert html == f"{FIGURE_RUNS}{CAPTION}</figure>"
    # the model can't run in the page (e.g. too big): the offer says why instead of a button
    html = snapshot_fence.render_completion(RUNS, {}, PARAMS, {"status": "too-big", "message": "Too big <here>."})
    offer = html[html.index('<details class="snap-branch-offer">'):html.index("<figcaption>")]
    assert offer.endswith('<div class="demo-live-optin"><progress class="demo-live-progress" max="1" value="0" '
                          'hidden></progress><span class="demo-live-msg" role="status">Too big &lt;here&gt;.</span>'
                          '</div></details>')
    assert 'name="load"' not in offer


def test_the_built_completion_slide_carries_the_snapshots_own_ids_and_settings(tmp_path):
    """The real build: each run's data-token-ids are the committed snapshot's tokens, its settings the fence's."""
    from helpers import mkdocs_build

    site = tmp_path / "site"
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (site / "08-sampling" / "index.html").read_text(encoding="utf-8")
    figure = page[page.index('<figure class="snapshot snapshot-completion"'):]
    figure = figure[:figure.index("</figure>")]
    runs = re.findall(r'<div class="snap-run" data-temperature="([\d.]+)" data-top-k="(\d+)" data-top-p="([\d.]+)" '
                      r'data-min-p="([\d.]+)" data-seed="(\d*)" data-n="(\d+)">.*?data-token-ids="([\d,\[\]]+)"',
                      figure)
    stored = [json.loads(p.read_text(encoding="utf-8"))["data"]
              for p in (ROOT / "slides" / "snapshots").glob("completion-*.json")]
    data, = [d for d in stored if d["prompt"] == "The cat sat on the" and d["max_tokens"] == 12]
    assert [(float(t), int(k), float(p), float(m), s, int(n), json.loads(ids)) for t, k, p, m, s, n, ids in runs] == [
        (r["temperature"], 0, 1.0, 0.0, "" if r["seed"] is None else str(r["seed"]), 12, [t["id"] for t in r["tokens"]])
        for r in data["runs"]]
    assert 'data-prompt="The cat sat on the"' in figure and "Branch at any token: load the real model" in figure


def test_fresh_build_never_imports_llama_cpp(tmp_path):
    """The committed snapshots are fresh: a build must not even import llama_cpp."""
    snaps = tmp_path / "snapshots"
    shutil.copytree(ROOT / "slides" / "snapshots", snaps)
    before = files(snaps)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1", "DECK_SNAPSHOTS": str(snaps),
             "DECK_FIGURE_CACHE": str(tmp_path / "figures")})
    assert result.returncode == 0, result.stderr[-3000:]
    # the module itself, not demos...llama_cpp_regexes
    assert not re.search(r"\|\s*llama_cpp(\.\S+)?$", result.stderr, flags=re.M)
    assert files(snaps) == before
    svg = (tmp_path / "site" / "figures" / "temperature.svg").read_text()
    assert "<title>" in svg and "var(--fg)" in svg


def test_stale_snapshot_without_model_fails_the_build_naming_the_slide(tmp_path):
    from helpers import mkdocs_build
    site = tmp_path / "site"
    result = mkdocs_build(site, env={"DECK_MODEL": str(tmp_path / "gone.gguf"), "DECK_SNAPSHOTS": str(tmp_path / "s")})
    assert result.returncode != 0
    assert "make snapshots" in result.stderr and "gone.gguf not found" in result.stderr
    assert __import__("re").search(r"slides/[\w-]+\.md:\d+: snapshot `", result.stderr), result.stderr[-2000:]
    assert not site.exists() and not (tmp_path / "s").exists()


def test_refresh_cli_help_and_missing_model(tmp_path):
    import os
    run = lambda *args, **env: subprocess.run([sys.executable, "-m", "build_hooks", "snapshots", *args], cwd=ROOT,
                                              capture_output=True, text=True, env={**os.environ, **env})
    assert "--force" in run("--help").stdout
    result = run(DECK_MODEL="ollama:no-such-model", OLLAMA_MODELS=str(tmp_path), DECK_SNAPSHOTS=str(tmp_path / "s"))
    assert result.returncode == 1 and "ollama pull no-such-model:latest" in result.stderr
    assert not (tmp_path / "s").exists()


# --- the store's lifecycle: keys follow the code, pruning is per model, writes are locked ------

def test_the_key_follows_the_code_that_computes_the_kind(tmp_path, monkeypatch):
    """Editing the module that computes a kind makes its snapshots stale; other kinds stay fresh."""
    from dataclasses import replace

    from build_hooks.snapshots import kinds
    store = fill(tmp_path)
    params = snapshots.normalize(*REQUESTS[0])
    key, card = store.key(*REQUESTS[0][:1], params), store.key("model_card", {})
    source = tmp_path / "code" / "next_tokens_code.py"               # stands in for model/llm.py
    source.parent.mkdir()
    source.write_text("def next_tokens(): ...\n")
    monkeypatch.syspath_prepend(str(source.parent))
    monkeypatch.setitem(kinds.KINDS, "next_tokens", replace(kinds.KINDS["next_tokens"], code=("next_tokens_code",)))
    kinds.code_digest.cache_clear()
    try:
        first = store.key("next_tokens", params)
        assert first != key and store.key("model_card", {}) == card
        source.write_text("def next_tokens(): ...   # a fix\n")
        kinds.code_digest.cache_clear()
        assert store.key("next_tokens", params) != first
    finally:
        kinds.code_digest.cache_clear()


def test_prune_only_touches_the_refreshed_models_entries(tmp_path):
    store = fill(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    stranger = dict(next(iter(manifest["entries"].values())), model="f" * 64, file="tokens-0123456789abcdef.json")
    first = next(iter(manifest["entries"].values()))["file"]
    (tmp_path / stranger["file"]).write_bytes((tmp_path / first).read_bytes())
    manifest["entries"]["stranger-key"] = stranger
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    partial = Store(tmp_path, EMBEDDED)
    partial.get(*REQUESTS[0], "x")                                   # a refresh that only needs one snapshot
    gone = partial.prune()
    kept = json.loads((tmp_path / "manifest.json").read_text())["entries"]
    assert len(gone) == 2 and "stranger-key" in kept and (tmp_path / stranger["file"]).exists()
    assert set(kept) == {"stranger-key", store.key("next_tokens", snapshots.normalize(*REQUESTS[0]))}


def test_two_stores_writing_at_once_keep_both_entries(tmp_path):
    """The manifest's read-merge-write is locked: entries from concurrent processes all survive."""
    code = ("import sys; from build_hooks.snapshots.store import Store; from build_hooks.model.choice import Choice\n"
            "s = Store(sys.argv[1], Choice('embedded', 'default'))\n"
            "[s.get('tokens', {'text': f'{sys.argv[2]} {i}'}, 'x') for i in range(6)]\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), name]) for name in ("left", "right")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = json.loads((tmp_path / "manifest.json").read_text())["entries"]
    assert len(entries) == 12 and all((tmp_path / e["file"]).exists() for e in entries.values())
    assert not list(tmp_path.glob(".*.tmp"))


def test_refreshing_with_another_model_keeps_the_embedded_snapshots_fresh(tmp_path):
    """`DECK_MODEL=<another gguf> make snapshots`, then a build with the embedded model (blocked, as
    on GitHub Pages): every embedded snapshot is still there, byte for byte, and fresh."""
    import os

    from build_hooks.model import quant
    from helpers import mkdocs_build
    other = tmp_path / "smollm2-q8_0-from-q4_1.gguf"
    quant.requantize(model.embedded_path(), other, "Q8_0")
    snaps = tmp_path / "snapshots"
    shutil.copytree(ROOT / "slides" / "snapshots", snaps, ignore=shutil.ignore_patterns(".lock"))
    before = {k: v for k, v in files(snaps).items() if k != "manifest.json"}
    env = {**os.environ, "DECK_MODEL": str(other), "DECK_SNAPSHOTS": str(snaps), "DECK_CACHE": str(tmp_path / "c")}
    result = subprocess.run([sys.executable, "-m", "build_hooks", "snapshots"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"[1-9]\d* computed, 0 fresh, 0 pruned", result.stdout), result.stdout[-2000:]
    after = files(snaps)
    assert all(after.get(name) == data for name, data in before.items())        # embedded files untouched
    assert len(after) > len(before) + 1                                          # the other model's, added
    build = mkdocs_build(tmp_path / "site", env={"DECK_SNAPSHOTS": str(snaps), "DECK_OFFLINE": "1",
                                                 "DECK_CACHE": str(tmp_path / "c")})
    assert build.returncode == 0, build.stderr[-3000:]


@pytest.mark.parametrize("kind, params, words", [
    ("next_tokens", {"prompt": "Hi", "top": 0},
     "snapshot next_tokens: option `top` is 0; it must be an integer from 1 to 100"),
    ("next_tokens", {"prompt": ""},
     "snapshot next_tokens: option `prompt` is ''; it must be a string that is not empty"),
    ("completion", {"prompt": "Hi", "temperatures": [-1]}, "a list of numbers from 0 to 5, e.g. [0, 0.7, 1.5]"),
    ("completion", {"prompt": "Hi", "top_p": 0}, "it must be a number above 0 and at most 1"),
    ("beam", {"prompt": "Hi", "width": 9}, "snapshot beam: option `width` is 9; it must be an integer from 1 to 5"),
])
def test_a_bad_option_value_says_what_the_option_accepts(kind, params, words):
    with pytest.raises(ValueError) as err:
        snapshots.normalize(kind, params)
    assert words in str(err.value)
