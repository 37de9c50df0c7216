"""llama.cpp's own tokenizer test vocabularies, the reference nobody here wrote.

The llama-cpp-python source distribution vendors llama.cpp with `models/ggml-vocab-*.gguf`
(vocab-only GGUFs: Llama 2 and 3, Phi-3, Qwen, GPT-2, Falcon, Gemma 4, BERT...) and, for most,
a `.inp` file of test strings separated by "\\n__ggml_vocab_test__\\n". We fetch the sdist of the
llama-cpp-python version installed here with pip (once; cached outside git, in
~/.cache/local-llm-deck/ or $LOCAL_LLM_DECK_CACHE) and keep only those files.

Example:
>>> paths = vocab_files()                     # doctest: +SKIP
>>> sorted(paths)[:2]                         # doctest: +SKIP
['aquila', 'baichuan']
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

SEPARATOR = "\n__ggml_vocab_test__\n"


class SuiteUnavailable(RuntimeError):
    """The suite could not be fetched; `offline` says whether the machine has no network at all."""

    def __init__(self, message: str, offline: bool):
        super().__init__(message)
        self.offline = offline


def cache_dir() -> Path:
    base = Path(os.environ.get("LOCAL_LLM_DECK_CACHE", Path.home() / ".cache" / "local-llm-deck"))
    return base / f"llama-cpp-python-{version('llama_cpp_python')}" / "models"


def _online() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def fetch(dest: Path) -> None:
    """Download the sdist with pip and extract models/ggml-vocab-* into dest (atomically)."""
    pinned = f"llama-cpp-python=={version('llama_cpp_python')}"
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                                 "-q", "-d", tmp, pinned], capture_output=True, text=True)
        sdists = list(Path(tmp).glob("*.tar.gz"))
        if result.returncode != 0 or not sdists:
            raise SuiteUnavailable(f"`pip download {pinned}` failed:\n{result.stdout}{result.stderr}",
                                   offline=not _online())
        staging = Path(tmp) / "models"
        staging.mkdir()
        with tarfile.open(sdists[0]) as tar:
            for member in tar.getmembers():
                name = member.name.rsplit("/", 1)[-1]
                if "/vendor/llama.cpp/models/" in member.name and name.startswith("ggml-vocab-") and member.isfile():
                    (staging / name).write_bytes(tar.extractfile(member).read())
        if not list(staging.glob("*.gguf")):
            raise SuiteUnavailable(f"{sdists[0].name} holds no vendor/llama.cpp/models/ggml-vocab-*.gguf",
                                   offline=False)
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(dest)


def vocab_files() -> dict[str, Path]:
    """{"llama-spm": Path(.../ggml-vocab-llama-spm.gguf), ...}, fetching the suite if needed."""
    dest = cache_dir()
    if not list(dest.glob("ggml-vocab-*.gguf")):
        fetch(dest)
    return {p.name[len("ggml-vocab-"):-len(".gguf")]: p for p in sorted(dest.glob("ggml-vocab-*.gguf"))}


def suite_strings(path: Path) -> list[str]:
    """The suite's strings for one vocabulary ([] when it has no .inp file)."""
    inp = path.with_name(path.name + ".inp")
    if not inp.exists():
        return []
    return [t for t in inp.read_text(encoding="utf-8").split(SEPARATOR) if t]
