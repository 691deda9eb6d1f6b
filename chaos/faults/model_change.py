"""A silent model change: the alias now points at another dated snapshot, with its own behaviour.

Targeting makes it a canary (``fraction: 0.2``, ``segments: [enterprise]``) or a full roll-out;
the reply's ``model`` and ``system_fingerprint`` report the snapshot that really served, which is
the clue a careful responder finds in traces. Only requests that name the alias move: pinning a
dated version is the fix. A provider rolling out a snapshot the catalogue does not know yet is
``to_version`` plus ``behaves_like`` (the known snapshot it copies; other faults targeted at the
new snapshot give it its faults), so scenarios can ship a new snapshot without a new catalogue.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from pydantic import Field, model_validator

from chaos.faults.base import Fault, Params
from fake_llm.catalog import DEFAULT_PROFILES, Catalog
from fake_llm.hooks import Exchange, Stage

_VERSIONS = sorted(p.version for p in DEFAULT_PROFILES)


class ModelChangeParams(Params):
    alias: str = "fd-large"
    to_version: str = Field("fd-large-2026-11-15", pattern=r"^[a-z0-9][a-z0-9.-]*$")
    behaves_like: str | None = None  # a known snapshot the new one copies (for a snapshot the catalogue lacks)

    @model_validator(mode="after")
    def _known(self) -> ModelChangeParams:
        if self.behaves_like is None and self.to_version not in _VERSIONS:
            raise ValueError(f"unknown model version {self.to_version!r}; known: {', '.join(_VERSIONS)} "
                             "(or give behaves_like: a known version the new snapshot copies)")
        if self.behaves_like is not None and self.behaves_like not in _VERSIONS:
            known = ", ".join(_VERSIONS)
            raise ValueError(f"behaves_like: unknown model version {self.behaves_like!r}; known: {known}")
        return self


def fingerprint(version: str) -> str:
    """A stable fingerprint for a snapshot the catalogue did not ship: new snapshot, new fingerprint."""
    return "fp_" + hashlib.blake2b(version.encode(), digest_size=4).hexdigest()


def register_snapshot(catalog: Catalog, version: str, behaves_like: str) -> None:
    """Add ``version`` to ``catalog`` as a copy of ``behaves_like`` with its own fingerprint (idempotent)."""
    if version in catalog.profiles:
        return
    base = catalog.profiles[behaves_like]
    catalog.profiles[version] = replace(base, version=version, system_fingerprint=fingerprint(version),
                                        created=base.created + 86_400 * 60)


class ModelChange(Fault):
    type = "model_change"
    stage = Stage.PROVIDER_REQUEST
    Params = ModelChangeParams
    description = "re-points a model alias to another dated snapshot (a new one with behaves_like)"
    order = -1  # before any other provider fault, so they see the snapshot that serves

    def on_start(self, world: Any) -> None:
        self._ensure(world.catalog)

    def _ensure(self, catalog: Catalog | None) -> None:
        p: ModelChangeParams = self.params  # type: ignore[assignment]
        if catalog is not None and p.behaves_like is not None:
            register_snapshot(catalog, p.to_version, p.behaves_like)

    def apply(self, ctx: Exchange) -> None:
        """Only requests that name the alias move; pinning a dated version is the fix."""
        p: ModelChangeParams = self.params  # type: ignore[assignment]
        if ctx.info.model != p.alias:
            return
        if p.behaves_like is not None:
            self._ensure(getattr(getattr(self.engine, "target", None), "catalog", None))
        ctx.model_version = ctx.info.model_version = p.to_version
