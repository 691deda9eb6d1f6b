"""A silent model change: the alias now points at another dated version, with its own behaviour.

Targeting makes it a canary (``fraction: 0.2``) or a full roll-out; the reply's ``model`` and
``system_fingerprint`` change with it, which is the clue a careful responder finds in traces.
"""

from __future__ import annotations

from pydantic import field_validator

from chaos.faults.base import Fault, Params
from fake_llm.catalog import DEFAULT_PROFILES
from fake_llm.hooks import Exchange, Stage

_VERSIONS = sorted(p.version for p in DEFAULT_PROFILES)


class ModelChangeParams(Params):
    alias: str = "fd-large"
    to_version: str = "fd-large-2026-11-15"

    @field_validator("to_version")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in _VERSIONS:
            raise ValueError(f"unknown model version {value!r}; known: {', '.join(_VERSIONS)}")
        return value


class ModelChange(Fault):
    type = "model_change"
    stage = Stage.PROVIDER_REQUEST
    Params = ModelChangeParams
    description = "re-points a model alias to another dated version"

    def apply(self, ctx: Exchange) -> None:
        """Only requests that name the alias move; pinning a dated version is the fix."""
        p: ModelChangeParams = self.params  # type: ignore[assignment]
        if ctx.info.model == p.alias:
            ctx.model_version = p.to_version
