"""A model's name as people say it, for the slides: "SmolLM2 135M Instruct", not the GGUF's raw
`general.name` ("Smollm2 135M 8k Lc100K Mix1 Ep2", a training-run label).

`plugins.deck.model_name` in mkdocs.yml wins; without it, `display_name` guesses from the GGUF:

1. the file name, when it carries the model's base name in the publisher's own spelling
   ("SmolLM2-135M-Instruct.Q4_1.gguf" -> "SmolLM2 135M Instruct"; the quantization suffix goes);
2. else the metadata: `general.basename` + `general.size_label` (+ `general.finetune` when it is
   one plain word such as "Instruct");
3. else `general.name`, else the file name.

Example:
>>> display_name({"general.basename": "smollm2", "general.size_label": "135M"}, "SmolLM2-135M-Instruct.Q4_1.gguf")
'SmolLM2 135M Instruct'
>>> display_name({"general.basename": "mistral", "general.size_label": "7B", "general.finetune": "instruct"},
...              "sha256-3f1c")       # an ollama blob: no name in the file
'Mistral 7B Instruct'
"""

from __future__ import annotations

import re

# "model.Q4_K_M.gguf", "model-q8_0.gguf", "model.f16.gguf", "model-IQ2_XS.gguf", "model-BF16.gguf"
QUANT_SUFFIX = re.compile(r"[.\-_](?:i?q\d[\w]*|f16|f32|bf16)$", re.I)


def from_file_name(filename: str, basename: str) -> str:
    """The file's stem, quantization suffix removed, separators as spaces; "" when the stem does not
    start with the model's base name (a hash-named blob, a renamed file).

    Example:
    >>> from_file_name("capybarahermes-2.5-mistral-7b.Q4_K_M.gguf", "capybarahermes")
    'capybarahermes 2.5 mistral 7b'
    >>> from_file_name("sha256-3f1c", "smollm2")
    ''
    """
    stem = re.sub(r"\.gguf$", "", filename.rsplit("/", 1)[-1], flags=re.I)
    stem = QUANT_SUFFIX.sub("", stem)
    if not basename or not stem.lower().startswith(basename.lower()):
        return ""
    return " ".join(re.split(r"[-_ ]+", stem)).strip()


def from_metadata(metadata: dict) -> str:
    """basename + size label (+ a one-word finetune), each word capitalized when all lower case.

    Example:
    >>> from_metadata({"general.basename": "smollm2", "general.size_label": "135M",
    ...                "general.finetune": "8k-lc100k-mix1-ep2"})    # a run label, not a variant
    'Smollm2 135M'
    """
    base = str(metadata.get("general.basename") or "").strip()
    if not base:
        return ""
    words = [base, str(metadata.get("general.size_label") or "")]
    finetune = str(metadata.get("general.finetune") or "")
    if re.fullmatch(r"[A-Za-z]+", finetune):
        words.append(finetune)
    return " ".join(w if not w.islower() else w.capitalize() for w in words if w)


def display_name(metadata: dict, filename: str) -> str:
    """The name the slides show for a model file (see the module docstring for the order)."""
    base = str(metadata.get("general.basename") or "")
    return (from_file_name(filename, base) or from_metadata(metadata)
            or str(metadata.get("general.name") or "").strip() or filename)
