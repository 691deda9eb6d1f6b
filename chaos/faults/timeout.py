"""Requests that never answer in time: hang past the client's timeout, or drop the connection."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage


class TimeoutParams(Params):
    mode: Literal["hang", "drop"] = "hang"
    hang_s: float = Field(120.0, gt=0, le=3600)


class Timeout(Fault):
    type = "timeout"
    stage = Stage.PROVIDER_REQUEST
    Params = TimeoutParams
    description = "hangs past the client's timeout (mode=hang) or closes the connection (mode=drop)"

    def apply(self, ctx: Exchange) -> None:
        p: TimeoutParams = self.params  # type: ignore[assignment]
        if p.mode == "hang":
            ctx.hang_s += p.hang_s
        else:
            ctx.drop_connection = True
