"""How a vocabulary writes text in its pieces (its token strings), with no tokenizer attached.

- byte-level BPE (GPT-2, Llama 3, Qwen, SmolLM...): every UTF-8 byte is one printable character,
  so a space is 'Ġ' and a newline 'Ċ' (GPT-2's byte table);
- SentencePiece (Llama 2, Mistral, Gemma) and Gemma 4's BPE: a space is '▁' (U+2581).

Example:
>>> byte_encode(" king"), " king".replace(" ", SPACE_MARK)
('Ġking', '▁king')
"""

SPACE_MARK = "\u2581"          # '▁': how SentencePiece writes a space


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (256 entries).

    Printable Latin-1 bytes stand for themselves; the others (control bytes, space...)
    are shifted to unused code points from 256 up, so every byte is one visible symbol.

    Example:
    >>> table = bytes_to_unicode()
    >>> table[ord("a")], table[ord(" ")], table[ord("\\n")]
    ('a', 'Ġ', 'Ċ')
    """
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table, shift = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + shift)
            shift += 1
    return table


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def byte_encode(word):
    """A word as GPT-2 byte characters: one printable character per UTF-8 byte.

    Example:
    >>> byte_encode(" é")
    'ĠÃ©'
    """
    return word.encode("utf-8").decode("latin-1").translate(BYTE_TO_CHAR)   # each byte as one latin-1 char, mapped
