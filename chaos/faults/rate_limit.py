"""429s the way providers send them: retry-after, retry-after-ms and rate-limit headers.

Either every targeted request is limited, or real quotas are counted per minute on the engine's
clock (``requests_per_min`` / ``tokens_per_min``) and only requests over quota are refused.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, ProviderError, Stage
from fake_llm.tokens import count_tokens


class RateLimitParams(Params):
    kind: Literal["rate_limit", "tokens_rate_limit", "quota", "overloaded"] = "rate_limit"
    retry_after_s: float = Field(1.0, ge=0, le=3600)
    requests_per_min: int | None = Field(None, ge=0)
    tokens_per_min: int | None = Field(None, ge=0)


class RateLimit(Fault):
    type = "rate_limit"
    stage = Stage.PROVIDER_REQUEST
    Params = RateLimitParams
    description = "answers 429 (or Anthropic's 529 overloaded), for targeted requests or over a quota"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._window = -1
        self._requests = 0
        self._tokens = 0
        self._lock = threading.Lock()

    def _over_quota(self, ctx: Exchange) -> bool:
        p: RateLimitParams = self.params  # type: ignore[assignment]
        if p.requests_per_min is None and p.tokens_per_min is None:
            return True
        now = self.engine.clock() if self.engine else 0.0
        # what the request sends the model: chat's messages, a legacy completion's prompt, Responses' input
        sent = next((ctx.body[k] for k in ("messages", "prompt", "input") if k in ctx.body), "")
        tokens = count_tokens(json.dumps(sent))
        with self._lock:
            window = int(now // 60)
            if window != self._window:
                self._window, self._requests, self._tokens = window, 0, 0
            over = (p.requests_per_min is not None and self._requests + 1 > p.requests_per_min) or (
                p.tokens_per_min is not None and self._tokens + tokens > p.tokens_per_min)
            if not over:
                self._requests += 1
                self._tokens += tokens
            return over

    def apply(self, ctx: Exchange) -> None:
        p: RateLimitParams = self.params  # type: ignore[assignment]
        if not self._over_quota(ctx):
            return
        wait = p.retry_after_s
        limit = str(p.requests_per_min if p.requests_per_min is not None else 60)
        reset_at = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=wait)).isoformat().replace("+00:00", "Z")
        headers = {
            "retry-after": str(math.ceil(wait)),
            "retry-after-ms": str(int(wait * 1000)),
            "x-ratelimit-limit-requests": limit,
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": f"{wait:g}s",
            "x-ratelimit-limit-tokens": str(p.tokens_per_min or 200000),
            "x-ratelimit-remaining-tokens": "0" if p.kind == "tokens_rate_limit" else "150000",
            "x-ratelimit-reset-tokens": f"{wait:g}s",
            "anthropic-ratelimit-requests-limit": limit,
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": reset_at,
        }
        if p.kind == "overloaded":
            ctx.error = ProviderError(529, "overloaded", "Overloaded", headers)
            return
        what = "tokens" if p.kind == "tokens_rate_limit" else "requests"
        message = (f"Rate limit reached for {ctx.model_version} on {what} per min (RPM): Limit {limit}, "
                   f"Used {limit}, Requested 1. Please try again in {wait:g}s.")
        if p.kind == "quota":
            message = "You exceeded your current quota, please check your plan and billing details."
        ctx.error = ProviderError(429, p.kind, message, headers)
