"""``POST /v1/completions`` (legacy): CreateCompletionRequest of the OpenAPI spec.

The prompt is a string, strings, tokens or token arrays; ``max_tokens`` may be 0 (with ``echo``
that scores the prompt alone), ``logprobs`` is an integer of at most 5 here, not chat's boolean.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fake_llm.wire.request_models.base import Body
from fake_llm.wire.request_models.chat import Penalty, StreamOptions

Tokens = Annotated[list[int], Field(min_length=1)]

Prompt = str | list[str] | Tokens | Annotated[list[Tokens], Field(min_length=1)]


class CompletionRequest(Body):
    model: str
    prompt: Prompt | None
    best_of: Annotated[int, Field(ge=0, le=20)] | None = None
    echo: bool | None = None
    frequency_penalty: Penalty | None = None
    logit_bias: dict[str, int] | None = None
    logprobs: Annotated[int, Field(ge=0, le=5)] | None = None
    max_tokens: Annotated[int, Field(ge=0)] | None = None
    n: Annotated[int, Field(ge=1, le=128)] | None = None
    presence_penalty: Penalty | None = None
    seed: int | None = None
    stop: str | Annotated[list[str], Field(min_length=1, max_length=4)] | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    suffix: str | None = None
    temperature: Annotated[float, Field(ge=0.0, le=2.0)] | None = None
    top_p: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    user: str | None = None
