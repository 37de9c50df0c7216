"""Stage 2, the fences: `snapshot` (what the model said) and `demo` (live widgets), options in, HTML out."""
