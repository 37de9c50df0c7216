"""Imports run one way only, from the bottom up (README, "Layout"):

    demos  <-  utilities  <-  model  <-  snapshots  <-  deck, fences, figures  <-  browser  <-  plugin, cli

Every module's imports are read with `ast` (lazy imports inside functions included) and each one
that names a higher layer fails the test, with the file and line.
"""

from __future__ import annotations

import ast

import pytest

from helpers import ROOT

# Bottom first. A module belongs to the longest prefix that names it.
LAYERS = [
    ["demos"],                                                        # what readers run; imports nothing of ours
    ["build_hooks.files", "build_hooks.localhost", "build_hooks.memo", "build_hooks.schema"],   # small utilities
    ["build_hooks.model"],                                            # GGUF, the choice of model, llama.cpp
    ["build_hooks.snapshots"],                                        # the store of what the model said
    ["build_hooks.deck", "build_hooks.fences", "build_hooks.figures"],  # slides, fence kinds, drawings
    ["build_hooks.browser"],                                          # what the page ships
    ["build_hooks.plugin", "build_hooks.cli", "build_hooks.__main__", "build_hooks"],   # MkDocs and commands
]


def layer(module: str) -> int | None:
    """The layer index of a dotted module name (None: not ours, e.g. mkdocs).

    Example:
    >>> layer("build_hooks.model.gguf"), layer("demos.tokenizers.bpe"), layer("yaml")
    (2, 0, None)
    """
    best, index = "", None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, i
    return index


def module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, `from a.b import c` giving a.b.c when c is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return out


SOURCES = sorted(p for top in ("build_hooks", "demos") for p in (ROOT / top).rglob("*.py"))


def upward(path) -> list[str]:
    here = layer(module_name(path))
    found = []
    for line, target in imports(path):
        there = layer(target)
        if there is not None and there > here:
            found.append(f"{path.relative_to(ROOT)}:{line}: imports {target} (layer {there} > {here})")
    return found


def test_every_module_sits_in_a_layer():
    assert SOURCES and all(layer(module_name(p)) is not None for p in SOURCES)


def test_no_module_imports_upward():
    problems = [p for path in SOURCES for p in upward(path)]
    assert not problems, "imports that run upward:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, expected", [
    ("from build_hooks.browser import vocab\n", "imports build_hooks.browser.vocab (layer 5 > 2)"),
    ("def f():\n    from build_hooks.plugin import plugin\n", ":2: imports build_hooks.plugin.plugin (layer 6 > 2)"),
])
def test_an_upward_import_is_caught_even_inside_a_function(tmp_path, monkeypatch, source, expected):
    """The check itself, on a file placed in model/ (layer 2): it cannot pass everything."""
    fake_root = tmp_path
    path = fake_root / "build_hooks" / "model" / "x.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", fake_root)
    assert any(expected in p for p in upward(path)), upward(path)


def test_test_modules_share_helpers_only_through_helpers_py():
    """No test module imports another (nor conftest): what they share is in tests/helpers.py."""
    problems = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for line, target in imports(path):
            top = target.split(".")[0]
            if top.startswith("test_") or top == "conftest":
                problems.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    assert not problems, "\n".join(problems)


def test_the_code_is_lint_clean():
    """ruff, as pyproject.toml configures it (pyflakes, pycodestyle, import order, bugbear, ...), finds
    nothing in the plugin, the demos, the benchmarks or the tests; no cache is written into the checkout."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
