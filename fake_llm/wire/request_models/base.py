"""The two kinds of object every request model is made of: the closed body and open parts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """A request body: strict types (no "5" for 5) and no fields the spec does not define."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Part(BaseModel):
    """A nested object: strict types, extra fields tolerated (newer SDKs send newer fields)."""

    model_config = ConfigDict(strict=True, extra="allow")
