"""The front-end files the site carries from npm, and where a build finds them.

    reveal.js        present mode (dist/: the script, its CSS, the white and black themes, the notes plugin)
    pyodide          the Python runtime the demos run in (its core files and lock file)
    @wllama/wllama   llama.cpp in WebAssembly, for the live model

A build looks in the project's own node_modules/ (`npm ci` beside mkdocs.yml, as in this repository)
and, when that lacks them, in the installed package: a built package (a wheel, `pip install .`)
carries exactly these files in build_hooks/vendor/, copied there from the node_modules/ of the tree
it was built from (setup.py). So a deck project needs no npm of its own.

Example:
>>> sorted(PACKAGES)
['@wllama/wllama', 'pyodide', 'reveal.js']
>>> find(Path("/nowhere")) in (Path("/nowhere/node_modules"), PACKAGED)
True
"""

from __future__ import annotations

import shutil
from pathlib import Path

PACKAGED = Path(__file__).resolve().parents[1] / "vendor"     # build_hooks/vendor/, laid out as node_modules/

# package -> the files of it the build reads (relative to the package's folder in node_modules)
PACKAGES = {
    "reveal.js": ["dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css",
                  "dist/theme/black.css", "dist/plugin/notes.js", "LICENSE"],
    "pyodide": ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
                "package.json"],
    "@wllama/wllama": ["esm/index.js", "esm/single-thread/wllama.wasm", "esm/multi-thread/wllama.wasm", "LICENCE",
                       "package.json"],
}


def has_all(folder: Path) -> bool:
    """Whether `folder` (a node_modules/) holds every file the build reads."""
    return all((folder / package / rel).is_file() for package, files in PACKAGES.items() for rel in files)


def find(root: Path) -> Path:
    """The node_modules/ a project at `root` builds from: its own if complete, else the package's copy,
    else its own anyway (the build then says which file is missing and to run `npm ci`)."""
    local = Path(root) / "node_modules"
    if has_all(local) or not has_all(PACKAGED):
        return local
    return PACKAGED


def copy(node_modules: Path, dest: Path) -> list[Path]:
    """Copy the files the build reads from `node_modules` into `dest` (same layout); the copied paths.
    Nothing is copied when a file is missing (a package carries all of them or none)."""
    if not has_all(node_modules):
        return []
    out = []
    for package, files in PACKAGES.items():
        for rel in files:
            target = dest / package / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(node_modules / package / rel, target)
            out.append(target)
    return out
