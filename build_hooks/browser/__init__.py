"""The browser bundle: the demos wheel and the Pyodide lock it is loaded with (wheel); the live engine
(llama.cpp in WebAssembly) and the build model's GGUF in shards (live, gguf_split)."""
