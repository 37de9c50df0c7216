"""`python -m build_hooks snapshots [--force]`: refresh the model snapshots the deck needs.

It runs a real MkDocs build into a temporary directory with the snapshot store in refresh
mode: every snapshot anything asks for (slide fences, figures, demos) is served if fresh and
computed if not (`--force`: computed again anyway). Entries nobody asked for are then pruned
from slides/snapshots/, so the committed cache holds exactly what the deck uses.

Example:
    $ python -m build_hooks snapshots
    model 'embedded' (from default): /…/SmolLM2-135M-Instruct.Q4_1.gguf
    [1/5] slides/02-models-on-disk.md:55: model_card
    ...
    5 computed, 4 fresh, 1 pruned in 21.4 s
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m build_hooks snapshots",
        description="Refresh stale model snapshots in slides/snapshots/ (what `make snapshots` runs). "
                    "The model is DECK_MODEL, else extra.deck.model in mkdocs.yml, else the embedded SmolLM2.")
    parser.add_argument("--force", action="store_true", help="recompute every snapshot, fresh or not")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
    parser.add_argument("--no-prune", action="store_true", help="keep entries no slide, figure or demo uses")
    args = parser.parse_args(argv)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from build_hooks.model import choice as model
    from build_hooks.snapshots import store as snapshots

    def progress(line: str) -> None:
        print(line, flush=True)

    snapshots.FORCE, snapshots.PROGRESS = args.force, progress
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="deck-refresh-") as site:
        try:
            config = load_config(config_file=args.config_file, site_dir=site)
            directory = os.environ.get("DECK_SNAPSHOTS") or Path(config.docs_dir) / "snapshots"
            check = snapshots.Store(directory, model.choose(config.extra))     # before any work
            if not check.can_compute:
                print(f"error: can't refresh snapshots: {check._why_not()}", file=sys.stderr)
                return 1
            print(f"model {check.choice}: {check.path}", flush=True)
            build(config)                   # the snapshot hook configures the store in on_config
            store = snapshots.current()
        except model.ModelError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        except (MkDocsException, snapshots.SnapshotError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    pruned = [] if args.no_prune else store.prune()
    fresh = len(store.used) - len(store.computed)
    print(f"{len(store.computed)} computed, {fresh} fresh, {len(pruned)} pruned "
          f"in {time.perf_counter() - start:.1f} s -> {store.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
