"""The README's deck project of its own: its `mkdocs.yml` and `slides/index.md`, taken from the README
itself, built in a temporary folder with a non-editable install of this package and nothing else of
this repository (no build_hooks/ beside it, no node_modules/: the package carries the npm files).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT


def readme_files() -> dict[str, str]:
    """{"mkdocs.yml": text, "slides/index.md": text}: the blocks after "`NAME`:" lines in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^`(mkdocs\.yml|slides/index\.md)`:\n\n(`{3,})\w*\n(.*?)\n\2$", text, flags=re.M | re.S)
    return {name: body + "\n" for name, _, body in found}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`pip install` (not -e) of a copy of this package, node_modules beside it as in a checkout."""
    tmp = tmp_path_factory.mktemp("package")
    source, target = tmp / "source", tmp / "installed"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("build_hooks", "demos"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                          "--target", str(target), str(source)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return target


def build(project: Path, site: Path, installed: Path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DECK_")}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site)], cwd=site.parent, capture_output=True, text=True,
                          env={**clean, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(installed), **env})


def test_the_readme_shows_the_whole_project():
    files = readme_files()
    assert set(files) == {"mkdocs.yml", "slides/index.md"}
    assert re.search(r"^plugins:\n  - search\n  - deck\b", files["mkdocs.yml"], flags=re.M)
    assert "```snapshot next_tokens" in files["slides/index.md"] and "```demo sampling" in files["slides/index.md"]


def test_the_package_carries_the_npm_files(installed):
    from build_hooks.browser import npm

    assert npm.has_all(installed / "build_hooks" / "vendor")


def test_the_npm_list_covers_every_file_the_build_reads():
    """npm.PACKAGES is what a package carries: Pyodide's core files, the engine's, reveal.js's."""
    from build_hooks.browser import live, npm, wheel
    from build_hooks.plugin import pages

    assert set(wheel.CORE_FILES + ["pyodide-lock.json"]) <= set(npm.PACKAGES["pyodide"])
    assert set(live.ENGINE_FILES.values()) | {"package.json"} <= set(npm.PACKAGES["@wllama/wllama"])
    assert {f"dist/{f}" for f in pages.REVEAL_FILES} <= set(npm.PACKAGES["reveal.js"])


@pytest.mark.model            # the first build computes the project's snapshots with llama.cpp
def test_the_readme_project_builds_from_a_non_editable_install(installed, tmp_path):
    project = tmp_path / "my-talk"
    for name, text in readme_files().items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([sys.executable, "-c", "import build_hooks; print(build_hooks.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(installed)})
    assert where.stdout.startswith(str(installed)), where.stdout + where.stderr   # the installed copy

    first = build(project, elsewhere / "site", installed)                # with the model: computes the snapshots
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    snapshots = sorted(p.name.split("-")[0] for p in (project / "slides" / "snapshots").glob("*.json"))
    assert snapshots == ["manifest.json", "next_tokens", "next_tokens"], snapshots   # the fence's and the demo's
    html = (elsewhere / "site" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="snapshot ' in html and 'data-demo="sampling"' in html
    assert "The capital of France is" in html and "deck-present-link" in html
    for rel in ("present/index.html", "assets/vendor/reveal/reveal.js", "assets/vendor/pyodide/pyodide-lock.json",
                "assets/vendor/wllama/index.js"):
        assert (elsewhere / "site" / rel).is_file(), rel
    assert not (project / "node_modules").exists()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["site"]       # nothing written to the working folder

    shutil.rmtree(elsewhere / "site")                                    # then as GitHub Pages builds it
    offline = build(project, elsewhere / "site", installed, DECK_OFFLINE="1")
    assert offline.returncode == 0, (offline.stdout + offline.stderr)[-3000:]
    assert (elsewhere / "site" / "index.html").read_text(encoding="utf-8") == html
