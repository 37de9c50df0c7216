"""What do the build hooks cost? Build time with the hooks against the same Markdown without them.

    .venv/bin/python bench/build.py [--repeat 3]

Two configs over the same slides/:
  hooks on   the repo's mkdocs.yml (deck, snapshot and demo hooks, custom fences)
  hooks off  a copy without `hooks:` and without the custom fences (fences become code blocks)
Builds alternate (on, off, on, off, ...) in one run so both see the same machine load; each
side's median wall time is compared as a ratio. Goal: at most 1.5.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5


def without_hooks(config: str) -> str:
    """mkdocs.yml text minus the `hooks:` block and the superfences `custom_fences:` block.

    Example: without_hooks("hooks:\\n  - a.py\\nextra: {}\\n") == "extra: {}\\n"
    """
    out, skip_indent = [], None
    for line in config.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if not line.strip() or indent > skip_indent or (indent == skip_indent and line.lstrip().startswith("- ")):
                continue
            skip_indent = None
        if re.match(r"^hooks:\s*$", line) or re.match(r"^\s*custom_fences:\s*$", line):
            skip_indent = indent
            continue
        out.append(line)
    text = "".join(out)
    # `- pymdownx.superfences:` left with no options becomes a plain entry
    return re.sub(r"^(\s*- pymdownx\.superfences):\s*\n(?=\s*-|\S)", r"\1\n", text, flags=re.M)


def workspace(tmp: Path) -> tuple[Path, Path]:
    """A folder that looks like the repo (symlinks) with the two configs side by side."""
    for entry in ROOT.iterdir():
        if entry.name not in ("mkdocs.yml", "site", ".git"):
            (tmp / entry.name).symlink_to(entry)
    text = (ROOT / "mkdocs.yml").read_text()
    on, off = tmp / "mkdocs.yml", tmp / "mkdocs-off.yml"
    on.write_text(text)
    off.write_text(without_hooks(text))
    return on, off


def build(config: Path, dest: Path) -> float:
    """One `mkdocs build` (not --strict: without the hooks, generated figures are missing); seconds."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--clean", "-f", str(config),
                             "-d", str(dest)], cwd=config.parent, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"error: building with {config.name} failed:\n{result.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds per side (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        on, off = workspace(Path(tmp))
        times = {"on": [], "off": []}
        build(on, Path(tmp) / "site-warm")  # warm-up: caches, imports, generated files
        for i in range(args.repeat):
            for side, config in (("on", on), ("off", off)):
                times[side].append(build(config, Path(tmp) / f"site-{side}"))
                print(f"  run {i + 1}/{args.repeat} hooks {side:<3} {times[side][-1]:6.2f} s", flush=True)
    med_on, med_off = statistics.median(times["on"]), statistics.median(times["off"])
    ratio = med_on / med_off
    print(f"build with hooks {med_on:.2f} s, without {med_off:.2f} s (median of {args.repeat}, alternating)")
    print(f"ratio {ratio:.2f} (goal <= {GOAL}): {'ok' if ratio <= GOAL else 'OVER GOAL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
