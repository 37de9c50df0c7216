"""`python -m build_hooks COMMAND`: see build_hooks/cli/__init__.py."""

import sys

from build_hooks.cli import main

if __name__ == "__main__":
    sys.exit(main())
