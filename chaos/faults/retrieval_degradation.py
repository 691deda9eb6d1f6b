"""Irrelevant chunks for a random subset of requests: "wrong answers, random subset"."""

from __future__ import annotations

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Stage
from fake_llm.world.stages import RetrievalContext


class RetrievalDegradationParams(Params):
    keep: int = Field(0, ge=0, le=10)  # how many of the retrieved chunks survive


class RetrievalDegradation(Fault):
    type = "retrieval_degradation"
    stage = Stage.RETRIEVAL
    Params = RetrievalDegradationParams
    description = "replaces retrieved chunks with irrelevant ones for the targeted requests"

    def apply(self, ctx: RetrievalContext) -> None:
        keep = self.params.keep  # type: ignore[attr-defined]
        rng = self.rng(ctx.info)
        relevant = {c.id for c in ctx.chunks}
        pool = [c for c in rng.sample(ctx.index.chunks, min(len(ctx.index.chunks), ctx.k * 4)) if c.id not in relevant]
        ctx.chunks = ctx.chunks[:keep] + pool[: ctx.k - keep]
