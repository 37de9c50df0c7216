"""Command line: `python -m build_hooks COMMAND [options]`.

Commands:
  snapshots   refresh stale model snapshots (--force refreshes all)
  pdf         print the whole talk's ?print-pdf view to a PDF handout
  tokenize    token ids of texts by the browser tokenizer (the same ids as llama.cpp, or exit 2)

Each command lives in its own module here (build_hooks/cli/) with a `main(argv) -> int`: the top layer,
beside the plugin, so a command may use any stage below it.
"""

import importlib
import sys

COMMANDS = {
    "snapshots": ("build_hooks.cli.snapshots", "refresh stale model snapshots (--force refreshes all)"),
    "pdf": ("build_hooks.cli.pdf", "print the whole talk to a PDF handout, one slide a page"),
    "tokenize": ("build_hooks.cli.tokenize", "token ids of GGUF [TEXT...] by the browser's tokenizer (JSON)"),
}


def usage() -> str:
    lines = ["usage: python -m build_hooks COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run `python -m build_hooks COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    if argv[0] not in COMMANDS:
        print(f"error: unknown command {argv[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
