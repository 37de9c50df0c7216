"""`python -m build_hooks snapshots [--force]`: refresh the model snapshots the deck needs.

It reads mkdocs.yml, then asks the fence pipeline for everything the pages need (every
`snapshot` and `demo` fence, every figure a page shows, the tokenizer's vocabulary): each is
served if fresh and computed if not (`--force`: computed again anyway). No HTML is rendered.
Then the entries OF THIS MODEL that nothing asked for are pruned, so the committed store holds
exactly what the deck uses; another model's snapshots are never touched.

Example:
    $ python -m build_hooks snapshots
    model 'embedded' (from default): /…/SmolLM2-135M-Instruct.Q4_1.gguf
    computing next_tokens {"prompt": "The cat sat on the", "top": 20}  (slides/08-sampling.md:40; was missing)
        done in 0.21 s
    1 computed, 11 fresh, 1 pruned in 3.4 s -> /…/slides/snapshots
"""

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m build_hooks snapshots",
        description="Refresh stale model snapshots in slides/snapshots/ (what `make snapshots` runs). "
                    "The model is DECK_MODEL, else plugins.deck.model in mkdocs.yml, else the embedded SmolLM2.")
    parser.add_argument("--force", action="store_true", help="recompute every snapshot, fresh or not")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
    parser.add_argument("--no-prune", action="store_true", help="keep this model's entries that nothing uses")
    args = parser.parse_args(argv)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from build_hooks.fences.pipeline import Pipeline
    from build_hooks.model.choice import ModelError
    from build_hooks.plugin import plugin
    from build_hooks.plugin.project import DeckConfig
    from build_hooks.snapshots.store import SnapshotError, Store

    start = time.perf_counter()
    try:
        config = load_config(config_file=args.config_file)
        cfg = DeckConfig.from_mkdocs(config, plugin.of(config).config)
        store = Store(cfg.snapshots, cfg.model, force=args.force, progress=lambda line: print(line, flush=True),
                      offline=cfg.offline)
        if not store.can_compute:                                   # before any work
            print(f"error: can't refresh snapshots: {store._why_not()}", file=sys.stderr)
            return 1
        print(f"model {store.choice}: {store.path}", flush=True)
        Pipeline(cfg, store).prepare(plugin.markdown_pages(config))
    except (ModelError, MkDocsException, ValueError, SnapshotError) as e:   # FenceError is a ValueError
        print(f"error: {e}", file=sys.stderr)
        return 1
    pruned = [] if args.no_prune else store.prune()
    fresh = len(store.used) - len(store.computed)
    print(f"{len(store.computed)} computed, {fresh} fresh, {len(pruned)} pruned "
          f"in {time.perf_counter() - start:.1f} s -> {store.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
