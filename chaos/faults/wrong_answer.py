"""Plausible but false answers: the facts in the answer are swapped for others of the same shape."""

from __future__ import annotations

from chaos.faults.answer_text import edit_answer
from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage
from fake_llm.model import fabricate
from fake_llm.types import AnswerSource


class WrongAnswer(Fault):
    type = "wrong_answer"
    stage = Stage.GENERATION
    Params = Params
    description = "keeps the answer's shape but changes its facts (numbers, names, times)"

    def apply(self, ctx: Exchange) -> None:
        reply = ctx.reply
        if reply is None or reply.refusal or reply.tool_calls:
            return
        rng = self.rng(ctx.info)
        edit_answer(reply, lambda text: fabricate(ctx.info.text, rng, like=text))
        reply.source = AnswerSource.FABRICATED
