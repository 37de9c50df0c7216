"""Direct answer against "Let's think step by step", measured on the deck's own model.

Chain of thought helps large models on arithmetic word problems (Wei et al. 2022), and the
zero-shot version is one sentence (Kojima et al. 2022): end the prompt with "Let's think step by
step." and let the model write its reasoning, then ask for the number. For each problem, greedy:

    direct:  "Q: ...\\nA: The answer (arabic numerals) is"                  -> a few tokens
    step:    "Q: ...\\nA: Let's think step by step."                        -> the reasoning
             that prompt + reasoning + "\\nTherefore, the answer (arabic numerals) is" -> a few tokens

The answer is the first number in the last output (commas dropped); it counts only when it
equals the problem's answer.

Example:
>>> number(" 1,200 apples, or 1200."), number(" none")
('1200', None)
"""

from __future__ import annotations

import re

DIRECT = "Q: {question}\nA: The answer (arabic numerals) is"
STEP = "Q: {question}\nA: Let's think step by step."
EXTRACT = "\nTherefore, the answer (arabic numerals) is"
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def number(text: str) -> str | None:
    """The first number in `text`, commas removed, a trailing ".0" dropped."""
    match = NUMBER.search(text)
    if not match:
        return None
    value = match[0].replace(",", "").rstrip(",")
    return value[:-2] if value.endswith(".0") else value


def _greedy(model, prompt: str, max_tokens: int) -> str:
    steps = model.generate(model.tokenize(prompt), max_tokens, 0.0, None)
    return b"".join(model.piece(s["id"]) for s in steps if s["id"] not in model.eog).decode("utf-8", "replace")


def run(model, problems: list[dict], reasoning_tokens: int, answer_tokens: int) -> dict:
    """Each problem answered both ways: every prompt and greedy output, the number read, right or wrong."""
    rows = []
    for n, problem in enumerate(problems, 1):
        question, answer = problem["question"], str(problem["answer"])
        direct_prompt = DIRECT.format(question=question)
        direct_out = _greedy(model, direct_prompt, answer_tokens)
        step_prompt = STEP.format(question=question)
        reasoning = _greedy(model, step_prompt, reasoning_tokens)
        extract_prompt = step_prompt + reasoning + EXTRACT
        extract_out = _greedy(model, extract_prompt, answer_tokens)
        rows.append({
            "n": n, "question": question, "answer": answer,
            "direct": {"prompt": direct_prompt, "output": direct_out, "read": number(direct_out),
                       "correct": number(direct_out) == answer},
            "step": {"prompt": step_prompt, "output": reasoning, "extract_prompt": extract_prompt,
                     "extract_output": extract_out, "read": number(extract_out),
                     "correct": number(extract_out) == answer}})
    return {"templates": {"direct": DIRECT, "step": STEP, "extract": EXTRACT},
            "reasoning_tokens": reasoning_tokens, "answer_tokens": answer_tokens, "problems": rows,
            "direct_correct": sum(r["direct"]["correct"] for r in rows),
            "step_correct": sum(r["step"]["correct"] for r in rows)}
