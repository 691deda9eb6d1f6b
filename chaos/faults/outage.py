"""The provider is down: 500, 502 or 503 in the provider's own error envelope."""

from __future__ import annotations

from typing import Literal

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, ProviderError, Stage

_KIND = {500: "server_error", 502: "bad_gateway", 503: "unavailable"}
_MESSAGE = {
    500: "The server had an error while processing your request. Sorry about that!",
    502: "Bad gateway.",
    503: "The engine is currently overloaded, please try again later.",
}


class OutageParams(Params):
    status: Literal[500, 502, 503] = 503
    message: str | None = None


class Outage(Fault):
    type = "outage"
    stage = Stage.PROVIDER_REQUEST
    Params = OutageParams
    description = "answers 500/502/503 instead of a completion (a provider incident)"

    def apply(self, ctx: Exchange) -> None:
        p: OutageParams = self.params  # type: ignore[assignment]
        ctx.error = ProviderError(p.status, _KIND[p.status], p.message or _MESSAGE[p.status])
