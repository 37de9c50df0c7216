"""The model's display name: configured in mkdocs.yml, or derived from the GGUF's own metadata."""


import pytest

from build_hooks.model import choice, names
from helpers import deck_config


def test_the_embedded_model_reads_as_its_publisher_names_it():
    info = choice.describe(choice.embedded_path())              # the real GGUF's metadata
    assert info["name"] == "Smollm2 135M 8k Lc100K Mix1 Ep2"    # the raw general.name: a training-run label
    assert info["display_name"] == "SmolLM2 135M Instruct"


@pytest.mark.parametrize("meta, filename, expected", [
    ({"general.basename": "Mistral", "general.size_label": "7B"}, "mistral-7b-instruct-v0.2.Q4_K_M.gguf",
     "mistral 7b instruct v0.2"),
    ({"general.basename": "llama-3.2", "general.size_label": "1B", "general.finetune": "Instruct"},
     "sha256-6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa", "Llama-3.2 1B Instruct"),
    ({"general.name": "tiny model"}, "blob", "tiny model"),
    ({}, "mystery.gguf", "mystery.gguf"),
])
def test_display_name_fallbacks(meta, filename, expected):
    assert names.display_name(meta, filename) == expected


@pytest.mark.parametrize("value", ["", 42, ["a"]])
def test_a_bad_model_name_in_mkdocs_yml_is_refused(value, tmp_path):
    words = r"mkdocs.yml: option `plugins.deck.model_name` is .*; it must be a name that is not empty"
    with pytest.raises(ValueError, match=words):
        deck_config(cache=tmp_path, model_name=value)


def test_a_configured_model_name_wins(tmp_path):
    assert deck_config(cache=tmp_path, model_name="  My Model 1B  ").model_name == "My Model 1B"
