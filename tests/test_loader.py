"""The one model loader: every CPU, no repacked weights (no AMX buffer), and nobody opens a model another way."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

llama_cpp = pytest.importorskip("llama_cpp")

from build_hooks.model import loader, quant  # noqa: E402
from build_hooks.model.choice import embedded_path  # noqa: E402


def test_the_model_is_loaded_with_extra_buffer_types_off():
    llm = loader.load(embedded_path())
    try:
        # the params llama_model_load_from_file was called with (the wrapper keeps the very object)
        assert llm._model.params is llm.model_params
        assert llm.model_params.use_extra_bufts is False
        assert (llm.n_ctx(), llm.context_params.n_threads, llm.context_params.n_threads_batch) == (512, 1, 1)
    finally:
        llm.close()
    # only that load: llama-cpp-python's defaults are back for anyone else
    assert llama_cpp.llama_model_default_params().use_extra_bufts is True


LOAD_AND_LOG = """
import sys
import llama_cpp
from build_hooks.model import loader
path, how = sys.argv[1], sys.argv[2]
if how == "loader":
    loader.load(path, n_ctx=128, verbose=True)
else:
    llama_cpp.Llama(model_path=path, n_ctx=128, verbose=True)
"""


def load_log(path: Path, how: str) -> str:
    """llama.cpp's own load log (verbose), from a process of its own."""
    result = subprocess.run([sys.executable, "-c", LOAD_AND_LOG, str(path), how], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def test_no_weight_is_repacked_into_an_extra_buffer(tmp_path):
    """llama.cpp's log says where the weights went. A Q4_0 copy of the model is what its CPU
    kernels repack (CPU_REPACK on AVX2/AVX-512, AMX on Sapphire Rapids); through the loader,
    every weight stays in the plain CPU buffer."""
    q4_0 = tmp_path / "model.Q4_0.gguf"
    quant.requantize(embedded_path(), q4_0, "Q4_0")
    ours = load_log(q4_0, "loader")
    assert "CPU_Mapped model buffer size" in ours, ours[-2000:]
    assert "REPACK model buffer" not in ours and "AMX model buffer" not in ours, ours[-2000:]
    assert "preferred buffer type" not in ours               # no extra buffer type was even considered
    plain = load_log(q4_0, "plain")                          # the same file with llama-cpp-python's defaults
    if "preferred buffer type" not in plain:
        pytest.skip("this CPU has no extra buffer type for Q4_0 (no AVX2, no AMX): nothing to compare against")
    assert "REPACK model buffer" in plain or "AMX model buffer" in plain, plain[-2000:]


def llama_calls(path: Path) -> list[int]:
    """Lines of `path` that construct llama_cpp.Llama directly."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "Llama"]


def test_every_model_in_the_project_is_opened_by_the_loader():
    """Build, snapshots, quantization study, tokenizer, tests, benchmarks: one way in."""
    own = ROOT / "build_hooks" / "model" / "loader.py"
    others = {f"{p.relative_to(ROOT)}:{line}" for folder in ("build_hooks", "bench", "tests", "demos")
              for p in sorted((ROOT / folder).rglob("*.py")) if p != own and p.name != "test_loader.py"
              for line in llama_calls(p)}
    assert llama_calls(own), "the loader itself constructs llama_cpp.Llama"
    assert not others, f"opened without build_hooks/model/loader.py (no AMX guard): {sorted(others)}"
