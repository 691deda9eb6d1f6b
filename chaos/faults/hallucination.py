"""Confident inventions: the answer ignores the context and makes up facts and a source."""

from __future__ import annotations

from chaos.faults.answer_text import edit_answer
from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage
from fake_llm.model import fabricate
from fake_llm.types import AnswerSource


class HallucinationParams(Params):
    invent_citation: bool = True


class Hallucination(Fault):
    type = "hallucination"
    stage = Stage.GENERATION
    Params = HallucinationParams
    description = "replaces the answer with an invented one, often with a made-up source"

    def apply(self, ctx: Exchange) -> None:
        reply = ctx.reply
        if reply is None or reply.refusal or reply.tool_calls:
            return
        rng = self.rng(ctx.info)
        invented = fabricate(ctx.info.text, rng)
        if self.params.invent_citation:  # type: ignore[attr-defined]
            invented += f" (see policy KB-{rng.randint(1000, 9999)})"
        edit_answer(reply, lambda _text: invented)
        reply.source = AnswerSource.FABRICATED
        reply.cited = []
