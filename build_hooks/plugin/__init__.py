"""The MkDocs plugin `deck` (plugin.py), its typed options (options.py), the project's paths (project.py).

The top layer: it wires the stages below (deck, fences, figures, snapshots, browser) to MkDocs.
"""
