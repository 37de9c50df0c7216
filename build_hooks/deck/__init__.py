"""Stage 1, the deck: split Markdown into slides (slides), wrap rendered slides (sections), present pages, pdf."""
