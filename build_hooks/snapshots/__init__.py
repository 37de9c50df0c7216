"""Stage 4, the snapshot store: what the model said, committed as JSON (store), and its refresh CLI (refresh)."""
