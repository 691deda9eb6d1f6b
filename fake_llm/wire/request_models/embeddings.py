"""``POST /v1/embeddings``: CreateEmbeddingRequest of the OpenAPI spec."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fake_llm.wire.request_models.base import Body

Batch = Field(min_length=1, max_length=2048)


class EmbeddingsRequest(Body):
    model: str
    input: (str | Annotated[list[str], Batch] | Annotated[list[int], Batch]
            | Annotated[list[Annotated[list[int], Field(min_length=1)]], Batch])
    encoding_format: Literal["float", "base64"] | None = None
    dimensions: Annotated[int, Field(ge=1)] | None = None
    user: str | None = None
