"""Packaging the live model: the GGUF split (checked by llama.cpp itself), the size limit, the settings."""

import struct
from pathlib import Path

import pytest

from build_hooks.browser import gguf_split, live
from build_hooks.fences import live as live_fence
from build_hooks.model import gguf
from build_hooks.model.choice import embedded_path
from helpers import deck_config, options

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    return gguf_split.split(embedded_path(), tmp_path_factory.mktemp("shards"), "m", live.SHARD_BYTES)


def test_shards_are_under_50_mb_and_carry_llama_cpp_split_keys(shards):
    assert [p.name for p in shards] == [gguf_split.shard_name("m", i, len(shards)) for i in range(len(shards))]
    assert len(shards) >= 2 and all(p.stat().st_size < 50_000_000 for p in shards)
    source = gguf.read(embedded_path())
    infos = [gguf.read(p) for p in shards]
    assert [i.metadata["split.no"] for i in infos] == list(range(len(shards)))
    assert {i.metadata["split.count"] for i in infos} == {len(shards)}
    assert {i.metadata["split.tensors.count"] for i in infos} == {len(source.tensors)}
    assert sum(len(i.tensors) for i in infos) == len(source.tensors)
    assert infos[0].metadata["general.architecture"] == "llama" and "general.architecture" not in infos[1].metadata


def test_llama_cpp_loads_the_shards_and_computes_the_same_logits(shards):
    llama_cpp = pytest.importorskip("llama_cpp")
    import numpy as np

    from build_hooks.model import loader

    def logits(path):
        llm = loader.load(path, n_ctx=128, n_threads=1)
        llm.eval(llm.tokenize(b"The cat sat on the", add_bos=False))
        return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),)).copy()

    assert np.array_equal(logits(embedded_path()), logits(shards[0]))


def test_a_shard_that_cannot_hold_one_tensor_is_an_error():
    with pytest.raises(gguf.GGUFError, match=r"alone needs .* raise the limit"):
        gguf_split.plan([gguf.Tensor("big", (1024,), 0, 0)], first_header=0, max_bytes=1000)


def test_an_already_split_model_is_refused(shards, tmp_path):
    with pytest.raises(gguf.GGUFError, match="already one shard"):
        gguf_split.split(shards[1], tmp_path, "x", live.SHARD_BYTES)
    assert not list(tmp_path.iterdir())


def test_split_keys_are_encoded_as_llama_cpp_types():
    raw = gguf_split.split_kvs(1, 3, 272)
    assert raw.startswith(struct.pack("<Q", 8) + b"split.no" + struct.pack("<IH", 2, 1))
    assert raw.endswith(b"split.tensors.count" + struct.pack("<Ii", 5, 272))


def test_size_limit_keeps_a_big_model_off_the_site(tmp_path):
    files, cfg = live.bundle(deck_config(cache=tmp_path, live={"max_mb": 50}))
    assert files == [] and cfg["status"] == "too-big" and "model" not in cfg
    assert "98 MB, over the 50 MB limit" in cfg["message"] and "plugins.deck.live.max_mb" in cfg["message"]
    html = live_fence.optin(cfg)
    assert 'name="load"' not in html and "over the 50 MB limit" in html      # the static render stays


def test_the_embedded_model_ships_in_versioned_shards_by_default(tmp_path):
    files, cfg = live.bundle(deck_config(cache=tmp_path))
    assert cfg["status"] == "ready" and cfg["bytes"] == embedded_path().stat().st_size
    names = [uri for uri, _ in files if uri.startswith("assets/live/")]
    assert cfg["model"] == names[0].removeprefix("assets/") and "-00001-of-" in names[0]
    assert "-b179c9523d0e-" in names[0]                   # the model's SHA-256: a new model is a new URL
    assert {"assets/vendor/wllama/index.js", "assets/vendor/wllama/single-thread/wllama.wasm"} <= {u for u, _ in files}


def test_turned_off_ships_nothing(tmp_path):
    files, cfg = live.bundle(deck_config(cache=tmp_path, live=False))
    assert files == [] and cfg["status"] == "off" and "turned off" in cfg["message"]


@pytest.mark.parametrize("value, message", [
    ({"max_mb": "big"},
     "mkdocs.yml: option `plugins.deck.live.max_mb` is 'big'; it must be a number of megabytes above 0"),
    ({"max_mb": 0}, "mkdocs.yml: option `plugins.deck.live.max_mb` is 0;"),
    ({"max_mb": True}, "mkdocs.yml: option `plugins.deck.live.max_mb` is True;"),
    ({"enabled": "yes"}, "mkdocs.yml: option `plugins.deck.live.enabled` is 'yes'; it must be true or false"),
    ({"maxmb": 5}, "mkdocs.yml: unknown option `plugins.deck.live.maxmb`; did you mean `max_mb`? "
                   "Options: enabled, max_mb"),
    ("on", "mkdocs.yml: option `plugins.deck.live` is 'on'; it must be true, false or a mapping"),
])
def test_bad_settings_name_the_field(value, message):
    with pytest.raises(ValueError) as err:
        options(live=value)
    assert message in str(err.value)


# ------------------------------------------------------------------ demos/live.py: the numbers the widgets show


def full_distribution(seed, n=300):
    import math
    import random

    rng = random.Random(seed)
    logits = [rng.gauss(0, 2.5) for _ in range(n)]
    top = max(logits)
    total = sum(math.exp(x - top) for x in logits)
    return [x - top - math.log(total) for x in logits]      # log-probabilities of a whole "vocabulary"


SETTINGS = [(t, k, p) for t in (0, 0.5, 1, 2, "inf") for k in (0, 1, 5, 20, 40) for p in (0.05, 0.3, 0.9, 1.0)]


@pytest.mark.parametrize("seed", range(5))
def test_shown_rows_match_the_whole_vocabulary_wherever_they_say_exact(seed):
    """The sampling widget without the live model: every number it calls exact is what
    demos.sampling gives over the WHOLE vocabulary; where it cannot know, it says so."""
    import math

    from demos import live as demos_live
    from demos import sampling

    logprobs = full_distribution(seed)
    order = sorted(range(len(logprobs)), key=lambda i: -logprobs[i])
    top = order[:20]
    cands = [{"id": i, "text": str(i), "logprob": logprobs[i]} for i in top]
    rest = 1 - sum(math.exp(logprobs[i]) for i in top)
    exact_seen = inexact_seen = 0
    for t, k, p in SETTINGS:
        temp = sampling.INF if t == "inf" else t
        want = dict(sampling.distribution(logprobs, temp, k, p))
        got = demos_live.shown_rows(cands, rest, t, k, p)
        if got["exact"]:
            exact_seen += 1
            for row in got["rows"]:
                assert row["prob"] == pytest.approx(want.get(row["id"], 0.0), abs=1e-9), (t, k, p, row)
            assert got["rest_after"] == pytest.approx(1 - sum(want.get(i, 0.0) for i in top), abs=1e-9)
        else:                  # cannot be known from the list: said, not guessed
            inexact_seen += bool(set(want) - set(top))
            assert got["rest_after"] is None, (t, k, p)
    assert exact_seen and inexact_seen


def test_live_rows_are_demos_sampling_on_the_whole_distribution():
    import math

    from demos import live as demos_live
    from demos import sampling

    logprobs = full_distribution(7, n=2000)
    probs = [math.exp(x) for x in logprobs]
    for t, k, p in SETTINGS[::7]:
        temp = sampling.INF if t == "inf" else t
        want = dict(sampling.distribution(logprobs, temp, k, p))
        out = demos_live.rows(list(range(len(probs))), probs, t, k, p, top=10)
        for row in out["rows"]:
            assert row["after"] == pytest.approx(want.get(row["id"], 0.0), abs=1e-9)
            assert row["kept"] == (row["id"] in want)
        assert out["rest"] + sum(r["prob"] for r in out["rows"]) == pytest.approx(1, abs=1e-9)


def test_the_real_engine_knows_the_embedded_models_architecture():
    wasm = ROOT / "node_modules" / live.ENGINE / live.ENGINE_FILES["single-thread/wllama.wasm"]
    assert live.engine_knows(wasm, "llama") and live.engine_knows(wasm, "qwen2")
    assert not live.engine_knows(wasm, "no-such-architecture")


def test_an_architecture_the_browser_engine_cannot_run_ships_nothing_and_says_so(tmp_path, caplog):
    """The same engine with "llama" taken out of its table of architectures: the build says why in
    its log and on the page, ships neither engine nor shards, and the static render stays."""
    import logging
    import shutil

    engine = tmp_path / "node_modules" / live.ENGINE
    shutil.copytree(ROOT / "node_modules" / live.ENGINE, engine)
    wasm = engine / live.ENGINE_FILES["single-thread/wllama.wasm"]
    wasm.unlink()                                      # node_modules may hard-link: write a new file
    wasm.write_bytes((ROOT / "node_modules" / live.ENGINE / live.ENGINE_FILES["single-thread/wllama.wasm"])
                     .read_bytes().replace(b"llama\0", b"llamx\0"))
    with caplog.at_level(logging.INFO, logger="mkdocs.build_hooks.live"):
        files, cfg = live.bundle(deck_config(cache=tmp_path / "cache", node_modules=tmp_path / "node_modules"))
    assert files == [] and cfg["status"] == "unknown" and "model" not in cfg
    assert "'llama' model, which the browser's llama.cpp (wllama 2." in cfg["message"]
    assert cfg["message"] in caplog.text
    assert not (tmp_path / "cache" / "live").exists()            # no shards written for nothing
    html = live_fence.optin(cfg)
    assert 'name="load"' not in html and "cannot run yet" in html
