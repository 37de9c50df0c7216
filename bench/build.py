"""What does the deck plugin cost? Build time with the plugin against the same Markdown without it.

    .venv/bin/python bench/build.py [--repeat 5]

Two configs over the same slides/:
  plugin on   the repo's mkdocs.yml (the `deck` plugin: slides, present pages, snapshot and demo
              fences, figures, Pyodide, the live model)
  plugin off  a copy without the `deck` plugin (the snapshot and demo fences render as plain text)
Builds alternate (on, off, on, off, ...) in one run so both see the same machine load;
each side's median wall time is compared to "plugin off" as a ratio. Goal: at most 1.5.
The notebook plugin (mkdocs-jupyter) is off on all three sides: executing the notebook's kernel
is neither Markdown nor the plugin, and its run time swings by seconds from build to build.
CPU time (user + system of the build and its children) is printed too: on a busy machine it is
steadier than wall time.
Both sides run with Python's default bytecode cache (in a temporary PYTHONPYCACHEPREFIX): a machine
that sets PYTHONDONTWRITEBYTECODE (this one does) would otherwise recompile the plugin's ~50 modules
on every build, a cost no user's `make serve` pays twice.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5


def without_plugin(config: str) -> str:
    """mkdocs.yml text minus the `- deck` plugin entry (and its options) and the superfences
    `custom_fences:` block.

    Example: without_plugin("plugins:\\n  - search\\n  - deck:\\n      theme: white\\nextra: {}\\n")
             == "plugins:\\n  - search\\nextra: {}\\n"
    """
    out, skip_indent, key = [], None, False
    start = re.compile(r"^\s*(- deck:?|custom_fences:)\s*$")
    for line in config.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            # a plugin entry's options are indented deeper; a key's list items may sit at its own indent
            item = key and indent == skip_indent and line.lstrip().startswith("- ")
            if not line.strip() or indent > skip_indent or item:
                continue
            skip_indent = None
        if start.match(line):
            skip_indent, key = indent, not line.lstrip().startswith("- ")
            continue
        out.append(line)
    text = "".join(out)
    # `- pymdownx.superfences:` left with no options becomes a plain entry
    return re.sub(r"^(\s*- pymdownx\.superfences):\s*\n(?=\s*-|\S)", r"\1\n", text, flags=re.M)


def without_notebook(config: str) -> str:
    """mkdocs.yml text minus the `- mkdocs-jupyter:` plugin entry and its options.

    Example: without_notebook("plugins:\n  - search\n  - mkdocs-jupyter:\n      execute: true\n")
             == "plugins:\n  - search\n"
    """
    return re.sub(r"^(\s*)- mkdocs-jupyter:?.*\n(?:\1\s+\S.*\n)*", "", config, flags=re.M)


def workspace(tmp: Path) -> tuple[Path, Path]:
    """A folder that looks like the repo (symlinks) with the two configs side by side."""
    for entry in ROOT.iterdir():
        if entry.name not in ("mkdocs.yml", "site", ".git"):
            (tmp / entry.name).symlink_to(entry)
    text = without_notebook((ROOT / "mkdocs.yml").read_text())
    on, off = tmp / "mkdocs.yml", tmp / "mkdocs-off.yml"
    on.write_text(text)
    off.write_text(without_plugin(text))
    return on, off


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(config: Path, dest: Path) -> tuple[float, float]:
    """One `mkdocs build` (not --strict: without the plugin, generated figures are missing).

    Returns (wall seconds, CPU seconds of the build process and what it waited for).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONPYCACHEPREFIX=str(config.parent / "pycache"))
    cpu = cpu_seconds()
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--clean", "-f", str(config),
                             "-d", str(dest)], cwd=config.parent, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"error: building with {config.name} failed:\n{result.stderr[-2000:]}")
    return elapsed, cpu_seconds() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="builds per side (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        sides = dict(zip(("plugin on", "plugin off"), workspace(Path(tmp))))
        wall = {side: [] for side in sides}
        cpu = {side: [] for side in sides}
        for config in sides.values():     # warm-up: caches, bytecode, generated files
            build(config, Path(tmp) / "site-warm")
        for i in range(args.repeat):
            for side, config in sides.items():
                w, c = build(config, Path(tmp) / f"site-{config.stem}")
                wall[side].append(w)
                cpu[side].append(c)
                print(f"  run {i + 1}/{args.repeat} {side:<9} {w:6.2f} s wall {c:6.2f} s CPU", flush=True)
    med = {side: statistics.median(t) for side, t in wall.items()}
    med_cpu = {side: statistics.median(t) for side, t in cpu.items()}
    print(f"median of {args.repeat} alternating builds: " + ", ".join(f"{s} {m:.2f} s" for s, m in med.items()))
    print(f"CPU time ratio: plugin on / off {med_cpu['plugin on'] / med_cpu['plugin off']:.2f}")
    ratio = med["plugin on"] / med["plugin off"]
    print(f"plugin on / plugin off: ratio {ratio:.2f} (goal <= {GOAL}): {'ok' if ratio <= GOAL else 'OVER GOAL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
