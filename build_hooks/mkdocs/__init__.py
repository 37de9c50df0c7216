"""The MkDocs layer: the thin hooks mkdocs.yml loads (deck, snapshots, demos). Logic lives in the stages."""
