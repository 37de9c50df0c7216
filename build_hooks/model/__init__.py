"""Stage 3, the model: GGUF reading (gguf), choosing a model (choice), running it (llm), quantization (quant)."""
