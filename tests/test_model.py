"""The build-time model, for real: the embedded GGUF through our reader and llama-cpp-python."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from build_hooks.model import choice as model
from build_hooks.model import gguf
from build_hooks.model.choice import Choice, ModelError, ModelUnavailable

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = model.embedded_path()


def link(src: Path, dst: Path) -> None:
    """Hardlink (or symlink) the 98 MB model instead of copying it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        dst.symlink_to(src)


def test_reader_reads_the_embedded_gguf():
    info = gguf.read(EMBEDDED, arrays=True)
    assert info.architecture == "llama"
    assert info.arch("block_count") == 30 and info.arch("embedding_length") == 576
    assert len(info.metadata["tokenizer.ggml.tokens"]) == 49152
    assert info.metadata["tokenizer.ggml.add_bos_token"] is False
    assert info.expected_size == info.file_size == EMBEDDED.stat().st_size
    assert gguf.file_type_name(info) == "Q4_1"


def test_choice_order(monkeypatch):
    assert model.choose("hf:a/b/c.gguf", environ={"DECK_MODEL": "x.gguf"}).spec == "x.gguf"
    assert model.choose("hf:a/b/c.gguf", environ={}).spec == "hf:a/b/c.gguf"
    assert model.choose(None, environ={}) == Choice("embedded", "default")


def test_ollama_store_resolves_without_network(tmp_path):
    digest = model.sha256(EMBEDDED)
    link(EMBEDDED, tmp_path / "blobs" / f"sha256-{digest}")
    manifest = tmp_path / "manifests/registry.ollama.ai/library/smollm2/135m"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"layers": [
        {"mediaType": "application/vnd.ollama.image.license", "digest": "sha256:00"},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}]}))
    env = {"OLLAMA_MODELS": str(tmp_path)}
    path = model.resolve("ollama:smollm2:135m", environ=env)
    assert gguf.read(path).architecture == "llama" and model.sha256(path) == digest
    with pytest.raises(ModelUnavailable, match=r"ollama pull smollm2:latest"):
        model.resolve("ollama:smollm2", environ=env)


def test_hf_cache_resolves_without_network(tmp_path):
    repo = tmp_path / "models--HuggingFaceTB--SmolLM2-135M-Instruct-GGUF"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123\n")
    link(EMBEDDED, repo / "snapshots" / "abc123" / "smollm2.Q4_1.gguf")
    spec = "hf:HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/smollm2.Q4_1.gguf"
    path = model.resolve(spec, environ={"HF_HUB_CACHE": str(tmp_path)})
    assert path.name == "smollm2.Q4_1.gguf" and gguf.read(path).version == 3
    assert model.resolve(spec, environ={"HF_HOME": str(tmp_path.parent), "HF_HUB_CACHE": str(tmp_path)}) == path
    with pytest.raises(ModelUnavailable, match=r"huggingface-cli download HuggingFaceTB/Other x\.gguf"):
        model.resolve("hf:HuggingFaceTB/Other/x.gguf", environ={"HF_HUB_CACHE": str(tmp_path)})


def test_truncated_and_non_gguf_are_rejected_with_the_file_named(tmp_path):
    truncated = tmp_path / "half.gguf"
    with open(EMBEDDED, "rb") as f:
        truncated.write_bytes(f.read(50_000_000))
    with pytest.raises(ModelError, match=r"half\.gguf is truncated: .*98,362,432 bytes.*50,000,000"):
        model.locate(Choice(str(truncated), "DECK_MODEL"))
    header_only = tmp_path / "header.gguf"
    header_only.write_bytes(EMBEDDED.read_bytes()[:4096])
    with pytest.raises(ModelError, match=r"header\.gguf is truncated"):
        model.locate(Choice(str(header_only), "DECK_MODEL"))
    text = tmp_path / "notes.gguf"
    text.write_text("hello, I am not a model\n")
    with pytest.raises(ModelError, match=r"notes\.gguf is not a GGUF file"):
        model.locate(Choice(str(text), "DECK_MODEL"))
    with pytest.raises(ModelUnavailable, match=r"missing\.gguf not found"):
        model.locate(Choice(str(tmp_path / "missing.gguf"), "DECK_MODEL"))


def test_a_validated_model_is_remembered_per_file_version(tmp_path, monkeypatch):
    monkeypatch.setattr(model, "INFO_CACHE", tmp_path / "model-info.json")
    reads = []
    real_read = gguf.read
    monkeypatch.setattr(gguf, "read", lambda path, arrays=False: reads.append(path) or real_read(path, arrays))
    path = tmp_path / "m.gguf"
    link(EMBEDDED, path)
    first = model.describe(path)
    assert first["quantization"] == "Q4_1" and first["file_size"] == EMBEDDED.stat().st_size and len(reads) == 1
    model._validated.cache_clear()                      # a new build process: the file cache answers
    assert model.describe(path) == first and len(reads) == 1
    path.unlink()                                       # same path, now a truncated file: read again
    path.write_bytes(EMBEDDED.read_bytes()[:4096])
    with pytest.raises(ModelError, match=r"m\.gguf is truncated"):
        model.locate(Choice(str(path), "DECK_MODEL"))
    assert len(reads) == 2 and len(json.loads(model.INFO_CACHE.read_text())) == 1


@pytest.mark.parametrize("bad", ["truncated", "text"])
def test_build_with_a_bad_model_writes_nothing(tmp_path, bad):
    from helpers import mkdocs_build
    path = tmp_path / "bad.gguf"
    if bad == "truncated":
        with open(EMBEDDED, "rb") as f:
            path.write_bytes(f.read(1_000_000))
    else:
        path.write_text("not a model")
    snaps = tmp_path / "snapshots"
    snaps.mkdir()
    before = sorted(p.name for p in snaps.iterdir())
    site = tmp_path / "site"
    result = mkdocs_build(site, env={"DECK_MODEL": str(path), "DECK_SNAPSHOTS": str(snaps)})
    assert result.returncode != 0
    assert str(path) in result.stderr and ("truncated" in result.stderr or "not a GGUF" in result.stderr)
    assert not site.exists() and sorted(p.name for p in snaps.iterdir()) == before


# llama-cpp-python ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def m():
    from build_hooks.model import llm
    return llm.get(str(EMBEDDED))


def test_next_tokens_equal_a_direct_logits_computation(m, tmp_path):
    import llama_cpp

    from build_hooks.model import loader
    from build_hooks.snapshots import store as snapshots

    store = snapshots.Store(tmp_path, Choice("embedded", "default"))
    data = store.get("next_tokens", {"prompt": "The cat sat on the", "top": 10}, "test")
    direct = loader.load(EMBEDDED, n_ctx=512, n_threads=2)      # llama-cpp-python itself, another thread count
    ids = direct.tokenize(b"The cat sat on the", add_bos=True)
    direct.eval(ids)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(direct.ctx, -1), shape=(direct.n_vocab(),))
    logprobs = direct.logits_to_logprobs(logits.astype(np.float64))
    probs = np.exp(logprobs)
    order = np.argsort(-probs, kind="stable")[:10]
    assert data["prompt_ids"] == ids
    assert [e["id"] for e in data["top"]] == order.tolist()
    assert np.allclose([e["prob"] for e in data["top"]], probs[order], rtol=1e-4, atol=1e-7)
    assert data["top"][0]["text"] == " cat"
    assert abs(data["rest"] - (1 - probs[order].sum())) < 1e-4


@pytest.mark.parametrize("text", ["The cat sat on the", "Hello wörld 🦙\n  tabs\tand   spaces", "naïve café, 1969!"])
def test_tokenization_round_trips(m, text):
    t = m.tokens(text)
    assert m.llm.detokenize(t["ids"]).decode() == text
    assert b"".join(bytes.fromhex(h) for h in t["bytes"]) == text.encode()
    assert len(t["pieces"]) == len(t["ids"])


def test_completion_and_beam_are_deterministic(m):
    a = m.completion("The cat sat on the", 6, [0, 1.0], seed=3)
    b = m.completion("The cat sat on the", 6, [0, 1.0], seed=3)
    assert a == b and len(a["runs"][0]["tokens"]) == 6
    assert all(len(step["top"]) == 5 for step in a["runs"][0]["tokens"])
    greedy = a["runs"][0]["tokens"]
    assert all(s["id"] == s["top"][0]["id"] for s in greedy)            # greedy = the top choice
    beam = m.beam("The cat sat on the", 2, 3)
    assert [t["id"] for t in greedy[:3]] == beam["beams"]["1"][0]["ids"]  # beam width 1 = greedy
    assert "" in beam["expansions"] and len(beam["expansions"][""]) == 2
