"""A new traffic pattern: another segment, another locale, another question mix."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Stage
from fake_llm.world.stages import TrafficContext


class TrafficShiftParams(Params):
    segment: str | None = None  # route this share of users into a segment
    topics: list[str] = Field(default_factory=list)  # ask about these topics instead
    locale: str | None = None
    share: float = Field(0.5, gt=0, le=1)
    change_id: str | None = None
    summary: str | None = None


class TrafficShift(Fault):
    type = "traffic_shift"
    stage = Stage.TRAFFIC
    Params = TrafficShiftParams
    description = "changes who asks what: a segment, a locale or a topic mix takes over a share of traffic"

    def on_start(self, world: Any) -> None:
        p: TrafficShiftParams = self.params  # type: ignore[assignment]
        if p.summary:
            world.add_change("traffic", p.summary, author="growth-team", change_id=p.change_id)

    def apply(self, ctx: TrafficContext) -> None:
        p: TrafficShiftParams = self.params  # type: ignore[assignment]
        rng = self.rng(ctx.info)
        if rng.random() >= p.share:
            return
        if p.segment:
            ctx.segment = p.segment
        if p.locale:
            ctx.locale = p.locale
        if p.topics and ctx.world is not None:
            pool = [q for q in ctx.world.kb.golden if q.topic in p.topics]
            if pool:
                ctx.question = rng.choice(pool)
