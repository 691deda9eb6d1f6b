"""``POST /v1/moderations``: CreateModerationRequest of the OpenAPI spec.

``input`` is a string, an array of strings (one result each), or an array of text and image
parts (one result for them all); ``model`` defaults to ``omni-moderation-latest``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fake_llm.wire.request_models.base import Body, Part


class ImageURL(Part):
    url: str


class ImageInput(Part):
    type: Literal["image_url"]
    image_url: ImageURL


class TextInput(Part):
    type: Literal["text"]
    text: str


MultiModalInput = Annotated[ImageInput | TextInput, Field(discriminator="type")]


class ModerationRequest(Body):
    input: str | list[str] | Annotated[list[MultiModalInput], Field(min_length=1)]
    model: str | None = None
