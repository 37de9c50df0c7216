"""Benchmark: snapshot extraction vs raw llama_eval of the same prompts, and a full refresh.

    python bench/snapshots.py

1. Raw: `Llama.eval(tokens)` of each prompt (what any llama.cpp program must do).
   Snapshot: `Model.next_tokens(prompt, 10)`: tokenize + eval + read the logits buffer +
   log-softmax over 49k tokens + top 10. Goal: ratio <= 1.2.
2. Full refresh: `python -m build_hooks snapshots --force` into a temporary copy of
   slides/snapshots (a real MkDocs build that recomputes every snapshot). Goal: <= 60 s.
Both measured in this one run (the machine is shared: quote ratios from one run).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_hooks.fences import pipeline  # noqa: E402
from build_hooks.model import choice as model  # noqa: E402
from build_hooks.model import llm  # noqa: E402

ROUNDS = 5


def prompts() -> list[str]:
    """The quantization study's prompts, as the talk sets them in slides/data/fences.yml.

    Example:
    >>> prompts()[0]
    'The cat sat on the'
    """
    talk = pipeline.load_defaults(ROOT / "slides", ROOT / "slides" / "data")
    return talk["snapshot", "quant_study"]["prompts"]


def best_of(fn, rounds=ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    path = str(model.locate(model.choose({})))
    m = llm.get(path)
    texts = prompts()
    token_lists = [m.tokenize(p) for p in texts]

    def raw():
        for ids in token_lists:
            m.llm.reset()
            m.llm.eval(ids)

    def snap():
        for p in texts:
            m.llm.n_tokens = 0                  # no prefix reuse: the same work as raw
            m.next_tokens(p, 10)

    raw(), snap()                               # warm up
    t_raw, t_snap = [], []
    for _ in range(ROUNDS):                     # interleaved: both see the same machine load
        t_raw.append(best_of(raw, 1))
        t_snap.append(best_of(snap, 1))
    t_raw, t_snap = min(t_raw), min(t_snap)
    ratio = t_snap / t_raw
    print(f"raw llama_eval of {len(texts)} prompts: {1000 * t_raw:.1f} ms (best of {ROUNDS})")
    print(f"snapshot extraction (next_tokens, top 10): {1000 * t_snap:.1f} ms")
    print(f"ratio snapshot / raw: {ratio:.2f} (goal <= 1.2) {'OK' if ratio <= 1.2 else 'OVER'}")

    with tempfile.TemporaryDirectory(prefix="bench-snapshots-") as tmp:
        snaps = Path(tmp) / "snapshots"
        shutil.copytree(ROOT / "slides" / "snapshots", snaps)
        env = {**os.environ, "DECK_SNAPSHOTS": str(snaps), "NO_MKDOCS_2_WARNING": "1",
               "DECK_FIGURE_CACHE": str(Path(tmp) / "figures")}
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "build_hooks", "snapshots", "--force"], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        t_refresh = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
        return 1
    summary = [line for line in result.stdout.splitlines() if " computed, " in line]
    print(f"full refresh (--force): {t_refresh:.1f} s (goal <= 60 s) {'OK' if t_refresh <= 60 else 'OVER'}"
          f"  [{summary[-1] if summary else ''}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
