"""Build hooks for the deck: plain functions, with thin MkDocs hook modules on top."""
