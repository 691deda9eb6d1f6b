"""Editing a model reply's answer whether it is plain text or the JSON the prompt asked for.

Generation faults change *what* the model says, never the format it was asked to say it in, so a
wrong answer from a JSON-speaking prompt is still valid JSON: wrong for the right reasons.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fake_llm.tokens import count_tokens
from fake_llm.types import ModelReply


def edit_answer(reply: ModelReply, change: Callable[[str], str]) -> None:
    try:
        doc = json.loads(reply.text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("answer"), str):
        doc["answer"] = change(doc["answer"])
        reply.text = json.dumps(doc)
    else:
        reply.text = change(reply.text)
    reply.output_tokens = max(1, count_tokens(reply.text))
