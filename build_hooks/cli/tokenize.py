"""`python -m build_hooks tokenize GGUF [TEXT...]`: token ids by exactly the browser's code path.

The vocabulary is exported from the GGUF as the build exports it for the site (model/vocab.py),
loaded back from that text, and each TEXT goes through the demos tokenizer that Pyodide runs.
One JSON list of ids per TEXT, one per line; without TEXT, all of standard input is one text.
Exit status 2, with the reason on stderr, for a tokenizer type the browser does not implement
(or a file that is not a usable GGUF).

Example:
    $ python -m build_hooks tokenize model.gguf "Hello world" "def f(x):"
    [19556, 905]
    [1604, 275, 24, 104, 727]
"""

from __future__ import annotations

import argparse
import json
import sys

from build_hooks.model import gguf
from build_hooks.model import vocab as export
from demos import tokenizers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_hooks tokenize",
                                     description="Token ids of each TEXT, computed by the browser tokenizer.")
    parser.add_argument("gguf", help="a .gguf file (a vocab-only one is enough)")
    parser.add_argument("text", nargs="*", help="texts to tokenize (default: all of standard input, as one text)")
    args = parser.parse_args(argv)
    try:
        info = gguf.read(args.gguf, arrays=True)
        tok = tokenizers.load(export.export(info))
    except tokenizers.Unsupported as err:
        print(f"error: {args.gguf}: {err}; the live tokenizer widget shows its static snapshot instead",
              file=sys.stderr)
        return 2
    except (gguf.GGUFError, export.VocabError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    texts = args.text or [sys.stdin.read()]
    for text in texts:
        print(json.dumps(tok.encode(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
