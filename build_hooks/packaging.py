"""How a built package carries the site's front-end files from npm (pyproject.toml: [tool.setuptools.cmdclass]).

`pip install .` or a wheel build runs setuptools' build_py; this one also copies the files the build
reads from npm (build_hooks/browser/npm.py lists them) from the node_modules/ of the tree being built
into the package's build_hooks/vendor/. Nothing is written into the source tree; a tree without
node_modules/ builds a package without them (its decks then need `npm ci` beside mkdocs.yml).
"""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install builds from the checkout itself, node_modules/ and all
        from build_hooks.browser import npm

        copied = npm.copy(Path("node_modules"), Path(self.build_lib) / "build_hooks" / "vendor")
        if not copied:
            self.announce("node_modules/ is missing or incomplete: the package carries no front-end files "
                          "(decks built with it need `npm ci` beside their mkdocs.yml)", level=3)
