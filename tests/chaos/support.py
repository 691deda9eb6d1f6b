"""Shared helpers for chaos tests: a passage and a one-line question."""
from __future__ import annotations

import openai

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month. Refunds are issued within 14 days."


def ask(client: openai.OpenAI, question: str = "How much does the Pro plan cost?", **kwargs: object) -> str:
    r = client.chat.completions.create(model=kwargs.pop("model", "fd-large"),  # type: ignore[call-overload]
                                       messages=[{"role": "system", "content": PASSAGE},
                                                 {"role": "user", "content": question}], **kwargs)
    return r.choices[0].message.content or r.choices[0].message.refusal or ""
