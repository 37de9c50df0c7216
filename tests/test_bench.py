"""`make bench` keeps working when the code it measures moves.

The benchmarks are too slow for the suite, so this checks what broke them before: every name a
bench script takes from the deck's own modules (`quant.PROMPTS` after the prompts moved to
slides/data/fences.yml) still exists, and the inputs they read from the talk are there.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "bench").glob("*.py"))


def deck_imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> module, for `from build_hooks... import x [as y]` and `import build_hooks...`."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("build_hooks", "demos"):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("build_hooks", "demos"):
                    names[alias.asname or alias.name] = alias.name
    return names


def resolve(dotted: str):
    """`build_hooks.model.quant` (a module) or `build_hooks.localhost.serve` (a name in a module)."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_name_a_benchmark_takes_from_the_deck_exists(script):
    tree = ast.parse(script.read_text(encoding="utf-8"), str(script))
    imported = deck_imports(tree)
    missing = []
    for dotted in imported.values():
        try:
            resolve(dotted)
        except (ImportError, AttributeError):
            missing.append(dotted)
    for node in ast.walk(tree):             # quant.PROMPTS, llm.get, ...: attributes of the deck's modules
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
            owner = resolve(imported[node.value.id])
            if not hasattr(owner, node.attr):
                missing.append(f"{imported[node.value.id]}.{node.attr} (line {node.lineno})")
    assert not missing, f"{script.name} uses names the deck no longer has: {missing}"


def test_the_snapshot_benchmark_reads_the_talk_prompts():
    sys.path.insert(0, str(ROOT))
    try:
        from bench import snapshots
    finally:
        sys.path.remove(str(ROOT))
    prompts = snapshots.prompts()
    assert prompts and all(isinstance(p, str) and p.strip() for p in prompts)
