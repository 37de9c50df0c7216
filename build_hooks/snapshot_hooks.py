"""MkDocs hook module (placeholder, filled in by its owner)."""
