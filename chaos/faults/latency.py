"""Slow answers: extra time to first token and per streamed token, with seeded jitter."""

from __future__ import annotations

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage


class LatencyParams(Params):
    ttft_ms: float = Field(1000.0, ge=0, le=600_000)
    per_token_ms: float = Field(0.0, ge=0, le=10_000)
    jitter_ms: float = Field(0.0, ge=0, le=600_000)


class Latency(Fault):
    type = "latency"
    stage = Stage.PROVIDER_REQUEST
    Params = LatencyParams
    description = "adds time to first token and per token (a slow provider)"

    def apply(self, ctx: Exchange) -> None:
        p: LatencyParams = self.params  # type: ignore[assignment]
        jitter = self.rng(ctx.info).uniform(-p.jitter_ms, p.jitter_ms) if p.jitter_ms else 0.0
        ctx.extra_ttft_s += max(0.0, p.ttft_ms + jitter) / 1000
        ctx.extra_per_token_s += p.per_token_ms / 1000
