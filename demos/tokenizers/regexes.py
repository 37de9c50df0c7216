"""llama.cpp's pre-tokenizers, as data: which regexes cut the text, per `tokenizer.ggml.pre`.

Copied mechanically from llama.cpp's src/llama-vocab.cpp (as vendored in llama-cpp-python
0.3.36): the `llm_tokenizer_bpe` constructor (regexes per pre-tokenizer type) and the
`tokenizer_pre == "..."` chain in `load()` (GGUF name -> type and flags). The strings are the
C++ literals unchanged (C++ and Python escapes agree on these).

Each regex in a list cuts every piece the previous ones left: see pretokenize.split().

Example:
>>> NAMES["smollm"], len(regexes("SMOLLM"))
(('SMOLLM', set()), 2)
"""

# pre-tokenizer type -> regexes (types sharing a list are named in the comment above it)
REGEXES = {
    # LLAMA3, DBRX, SMAUG, CHATGLM4
    "LLAMA3": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # JAIS2
    "JAIS2": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}",
    ],
    # DEEPSEEK_LLM
    "DEEPSEEK_LLM": [
        "[\r\n]",
        "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
        "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
        "\\s+$",
        "[一-龥ࠀ-一가-퟿]+",
        "\\p{N}+",
    ],
    # DEEPSEEK3_LLM, HUNYUAN_DENSE, JOYAI_LLM, HY_V4
    "DEEPSEEK3_LLM": [
        "\\p{N}{1,3}",
        "[一-龥぀-ゟ゠-ヿ]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
    ],
    # SPARK2_5
    "SPARK2_5": [
        "\\p{N}{1,3}",
        "[一-龥぀-ゟ゠-ヿ]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+|[\r\n]|\\s+(?!\\S)|\\s+",
        "\\p{N}",
    ],
    # YOUTU
    "YOUTU": [
        "[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # DEEPSEEK_CODER
    "DEEPSEEK_CODER": [
        "[\r\n]",
        "\\s?\\p{L}+",
        "\\s?\\p{P}+",
        "[一-龥ࠀ-一가-퟿]+",
        "\\p{N}",
    ],
    # FALCON
    "FALCON": [
        "[\\p{P}\\$\\+<=>\\^~\\|`]+",
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
        "[0-9][0-9][0-9]",
    ],
    # STARCODER, REFACT, COMMAND_R, SMOLLM, CODESHELL, EXAONE, MINERVA, MELLUM2
    "STARCODER": [
        "\\p{N}",
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
    ],
    # GPT2, MPT, OLMO, JAIS, TRILLION, GRANITE_DOCLING
    "GPT2": [
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
    ],
    # STABLELM2, QWEN2, HUNYUAN, SOLAR_OPEN, GROK_2
    "STABLELM2": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # QWEN35
    "QWEN35": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # PORO, BLOOM, GPT3_FINNISH
    "PORO": [
        " ?[^(\\s|.,!?…。，、।۔،)]+",
    ],
    # VIKING
    "VIKING": [
        " ?[^(\\s|.,!?…。，、।۔،)]+",
        "\\p{N}",
    ],
    # TEKKEN
    "TEKKEN": [
        "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # CHAMELEON
    "CHAMELEON": [
        "<sentinel:[0-9]+>",
        "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
        "([\\t\\n]|    |  )",
        "\\p{N}",
        "[\\p{P}!-/:-@\\[-`{-~]",
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
    ],
    # GPT4O, MINIMAX_M2
    "GPT4O": [
        "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # GRANITE_EMB_MULTI
    "GRANITE_EMB_MULTI": [
        "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # TINY_AYA
    "TINY_AYA": [
        "\\d{1,3}(?=(?:\\d{3})*\\b)",
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # KIMI_K2
    "KIMI_K2": [
        "\\p{Han}+",
    ],
    # SUPERBPE
    "SUPERBPE": [
        "\\p{N}+",
        "(?=(\\d{3})+(?!\\d))",
    ],
    # BAILINGMOE
    "BAILINGMOE": [
        "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
    ],
    # SEED_CODER
    "SEED_CODER": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # UFAKZEKA
    "UFAKZEKA": [
        "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # AFMOE
    "AFMOE": [
        "\\p{AFMoE_digits}",
        "[一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # LAGUNA
    "LAGUNA": [
        "[^\\n]+|[\\n]+",
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # EXAONE_MOE
    "EXAONE_MOE": [
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
    ],
    # GEMMA4, SARVAM_MOE  (raw UTF-8, no byte encoding)
    "GEMMA4": [
        "[^\\n]+|[\\n]+",
    ],
    # MINICPM5
    "MINICPM5": [
        "\\p{N}{1,3}",
        "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ],
    # WHITESPACE  (raw UTF-8, no byte encoding)
    "WHITESPACE": [
        "\\S+",
    ],
    # DEFAULT
    "DEFAULT": [
        "[\\p{P}\\$\\+<=>\\^~\\|]+",
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
        "\\p{N}+",
        "[0-9][0-9][0-9]",
    ],
}
# types whose list is another type's
SAME_AS = {"DBRX": "LLAMA3", "SMAUG": "LLAMA3", "CHATGLM4": "LLAMA3", "HUNYUAN_DENSE": "DEEPSEEK3_LLM", "JOYAI_LLM": "DEEPSEEK3_LLM", "HY_V4": "DEEPSEEK3_LLM", "REFACT": "STARCODER", "COMMAND_R": "STARCODER", "SMOLLM": "STARCODER", "CODESHELL": "STARCODER", "EXAONE": "STARCODER", "MINERVA": "STARCODER", "MELLUM2": "STARCODER", "MPT": "GPT2", "OLMO": "GPT2", "JAIS": "GPT2", "TRILLION": "GPT2", "GRANITE_DOCLING": "GPT2", "QWEN2": "STABLELM2", "HUNYUAN": "STABLELM2", "SOLAR_OPEN": "STABLELM2", "GROK_2": "STABLELM2", "BLOOM": "PORO", "GPT3_FINNISH": "PORO", "MINIMAX_M2": "GPT4O", "SARVAM_MOE": "GEMMA4"}
# types that run BPE on raw UTF-8 text, not on GPT-2's byte characters
RAW_UTF8 = {"GEMMA4", "SARVAM_MOE", "WHITESPACE"}
# GGUF `tokenizer.ggml.pre` -> (type, flags); a missing name means "default"
NAMES = {
    "default": ("DEFAULT", set()),
    "minicpm5": ("MINICPM5", {'ignore_merges'}),
    "llama3": ("LLAMA3", {'ignore_merges'}),
    "llama-v3": ("LLAMA3", {'ignore_merges'}),
    "llama-bpe": ("LLAMA3", {'ignore_merges'}),
    "falcon3": ("LLAMA3", {'ignore_merges'}),
    "falcon-h1": ("LLAMA3", {'ignore_merges'}),
    "pixtral": ("LLAMA3", {'ignore_merges'}),
    "midm-2.0": ("LLAMA3", {'ignore_merges'}),
    "lfm2": ("LLAMA3", {'ignore_merges'}),
    "jina-v5-nano": ("LLAMA3", {'ignore_merges'}),
    "deepseek-llm": ("DEEPSEEK_LLM", set()),
    "deepseek-coder": ("DEEPSEEK_CODER", set()),
    "deepseek-v3": ("DEEPSEEK3_LLM", set()),
    "spark2_5": ("SPARK2_5", set()),
    "youtu": ("YOUTU", {'ignore_merges'}),
    "falcon": ("FALCON", set()),
    "mpt": ("MPT", set()),
    "starcoder": ("STARCODER", set()),
    "gpt-2": ("GPT2", set()),
    "phi-2": ("GPT2", set()),
    "jina-es": ("GPT2", set()),
    "jina-de": ("GPT2", set()),
    "gigachat": ("GPT2", set()),
    "jina-v2-es": ("GPT2", set()),
    "jina-v2-de": ("GPT2", set()),
    "a.x-4.0": ("GPT2", set()),
    "mellum": ("GPT2", set()),
    "modern-bert": ("GPT2", set()),
    "jais-2": ("JAIS2", set()),
    "gemma4": ("GEMMA4", {'escape_spaces'}),
    "granite-embed-multi-311m": ("GEMMA4", {'escape_spaces'}),
    "sarvam-moe": ("SARVAM_MOE", {'escape_spaces'}),
    "jina-v1-en": ("GPT2", set()),
    "jina-v2-code": ("GPT2", set()),
    "roberta-bpe": ("GPT2", set()),
    "whitespace": ("WHITESPACE", set()),
    "refact": ("REFACT", set()),
    "command-r": ("COMMAND_R", set()),
    "qwen2": ("QWEN2", set()),
    "deepseek-r1-qwen": ("QWEN2", set()),
    "kormo": ("QWEN2", set()),
    "f2llmv2": ("QWEN2", set()),
    "qwen35": ("QWEN35", set()),
    "stablelm2": ("STABLELM2", set()),
    "olmo": ("OLMO", set()),
    "dbrx": ("DBRX", set()),
    "smaug-bpe": ("SMAUG", set()),
    "poro-chat": ("PORO", set()),
    "chatglm-bpe": ("CHATGLM4", set()),
    "glm4": ("CHATGLM4", {'ignore_merges'}),
    "glm5": ("CHATGLM4", {'ignore_merges'}),
    "viking": ("VIKING", set()),
    "jais": ("JAIS", set()),
    "tekken": ("TEKKEN", {'ignore_merges'}),
    "smollm": ("SMOLLM", set()),
    "codeshell": ("CODESHELL", set()),
    "bloom": ("BLOOM", set()),
    "gpt3-finnish": ("GPT3_FINNISH", set()),
    "exaone": ("EXAONE", set()),
    "exaone4": ("GPT2", set()),
    "exaone-moe": ("EXAONE_MOE", set()),
    "chameleon": ("CHAMELEON", set()),
    "minerva-7b": ("MINERVA", set()),
    "megrez": ("QWEN2", set()),
    "gpt-4o": ("GPT4O", set()),
    "llama4": ("GPT4O", set()),
    "kanana2": ("GPT4O", set()),
    "talkie": ("GPT4O", set()),
    "granite-embed-multi-97m": ("GRANITE_EMB_MULTI", {'ignore_merges'}),
    "tiny_aya": ("TINY_AYA", set()),
    "cohere2moe": ("TINY_AYA", set()),
    "superbpe": ("SUPERBPE", set()),
    "trillion": ("TRILLION", set()),
    "granite-docling": ("GRANITE_DOCLING", set()),
    "bailingmoe": ("BAILINGMOE", set()),
    "bailingmoe2": ("BAILINGMOE", set()),
    "llada-moe": ("BAILINGMOE", set()),
    "seed-coder": ("SEED_CODER", set()),
    "hunyuan": ("HUNYUAN", set()),
    "hunyuan-dense": ("HUNYUAN_DENSE", set()),
    "hy_v4": ("HY_V4", set()),
    "joyai-llm": ("JOYAI_LLM", set()),
    "kimi-k2": ("KIMI_K2", set()),
    "ufakzeka": ("UFAKZEKA", set()),
    "grok-2": ("GROK_2", set()),
    "afmoe": ("AFMOE", set()),
    "laguna": ("LAGUNA", set()),
    "minimax-m2": ("MINIMAX_M2", set()),
    "solar-open": ("SOLAR_OPEN", set()),
    "mellum2": ("MELLUM2", set()),
}


# Types whose llama.cpp code is not (only) the regex: a custom C++ splitter (KIMI_K2, AFMOE,
# TINY_AYA's digit grouping), an empty-match regex (SUPERBPE), or another tokenizer session
# (WHITESPACE). We refuse these rather than guess.
UNSUPPORTED = {"KIMI_K2", "AFMOE", "TINY_AYA", "SUPERBPE", "WHITESPACE"}


def regexes(pre_type):
    """The list of regexes for one llama.cpp pre-tokenizer type.

    Example:
    >>> regexes("MPT") == regexes("GPT2")
    True
    """
    return REGEXES[SAME_AS.get(pre_type, pre_type)]
