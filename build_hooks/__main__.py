"""`python -m build_hooks COMMAND`: see build_hooks/cli/__init__.py."""

import sys

from build_hooks.cli import main

sys.exit(main())
