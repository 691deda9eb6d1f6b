"""The one interface every fault type implements, and the fields every fault shares.

As Toxiproxy does with toxics: a fault type knows only how to edit the context of the one stage it
hooks. Identity, targeting and schedule live here, once. A new fault type is one module with a
``Params`` model and an ``apply`` method, plus one line in ``chaos/faults/registry.py``.
"""

from __future__ import annotations

import builtins
import hashlib
import random
import re
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from fake_llm.hooks import Flavour, RequestInfo, Stage


class Params(BaseModel):
    """Base for a fault type's parameters: unknown keys are errors, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Targeting(BaseModel):
    """Which requests a fault hits. Every condition given must match; an empty one matches all."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    fraction: float = Field(1.0, ge=0.0, le=1.0)
    first_n: int | None = Field(None, ge=0)  # hit the first N matching requests, then pass
    # a model as the caller named it (alias or dated version), a dated snapshot, or a model family:
    # ``fd-large`` hits every fd-large snapshot however it was asked for (pinning a version does not
    # escape it), ``fd-large-2026-11-15`` hits only requests that snapshot serves
    models: list[str] = Field(default_factory=list)
    flavours: list[Flavour] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)  # path prefixes, e.g. /v1/chat/completions
    headers: dict[str, str] = Field(default_factory=dict)  # header name -> exact value
    keywords: list[str] = Field(default_factory=list)  # any, case-insensitive, in the user text
    topics: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    # draw ``fraction`` per request, not per attempt: its retries land where it did (one provider cell down)
    sticky: bool = False

    def compile(self) -> Callable[[RequestInfo], bool]:
        """``selects`` as one closure over only the conditions given: faults that match nothing
        must cost next to nothing on the hot path."""
        checks: list[Callable[[RequestInfo], bool]] = []
        if self.models:
            models = frozenset(self.models)
            checks.append(lambda info: model_matches(info, models))
        if self.flavours or self.routes or self.headers or self.keywords or self.topics or self.segments:
            checks.append(self.selects)
        if not checks:
            return lambda info: True
        if len(checks) == 1:
            return checks[0]
        first, rest = checks[0], checks[1]
        return lambda info: first(info) and rest(info)

    def selects(self, info: RequestInfo) -> bool:
        """Every condition except ``fraction`` and ``first_n``: those need the fault's state."""
        if self.models and not model_matches(info, frozenset(self.models)):
            return False
        if self.flavours and info.flavour not in self.flavours:
            return False
        if self.routes and not any(info.route.startswith(r) for r in self.routes):
            return False
        for name, value in self.headers.items():
            if info.headers.get(name.lower()) != value:
                return False
        if self.keywords:
            text = info.text.lower()
            if not any(k.lower() in text for k in self.keywords):
                return False
        if self.topics and info.topic not in self.topics:
            return False
        return not (self.segments and info.segment not in self.segments)


_ATTEMPT = re.compile(r"r\d+$")  # the retry suffix of a provider request key


def model_matches(info: RequestInfo, models: frozenset[str]) -> bool:
    """Does a request fall under ``models``: by the name asked for, the snapshot serving it, or its family?"""
    return info.model in models or info.model_version in models or info.model_family in models


FaultParams = Params  # the base parameters model, by a name the Fault class body does not shadow


def unit_hash(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``: the same request always draws the same number."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Fault:
    """A fault instance: shared fields plus the type's behaviour in ``apply``.

    Subclasses set ``type``, ``stage`` and ``Params`` and implement ``apply``; they never look at
    targeting or the schedule, which ``hits`` and the engine handle for all of them.
    """

    type: ClassVar[str]
    stage: ClassVar[Stage]
    Params: ClassVar[builtins.type[FaultParams]] = Params
    description: ClassVar[str] = ""
    # faults of a stage act in this order, then in the order added: a fault that re-points the serving
    # snapshot (model_change) goes first so the others see the snapshot that really serves the request
    order: ClassVar[int] = 0

    def __init__(
        self,
        *,
        id: str,
        params: FaultParams,
        target: Targeting | None = None,
        start_s: float | None = None,
        stop_s: float | None = None,
        seed: int = 0,
    ) -> None:
        self.id = id
        self.params = params
        self.target = target or Targeting()
        self._selects = self.target.compile()
        self.start_s = start_s
        self.stop_s = stop_s
        self.seed = seed
        self.hits_so_far = 0
        self.matched_so_far = 0
        self.engine: Any = None  # set by the engine that holds it: its clock and bound target

    def active_at(self, now_s: float) -> bool:
        if self.start_s is not None and now_s < self.start_s:
            return False
        return self.stop_s is None or now_s < self.stop_s

    def hits(self, info: RequestInfo) -> bool:
        """Targeting, deterministic per request: seed + fault id + request key, no wall clock."""
        if not self._selects(info):
            return False
        self.matched_so_far += 1
        if self.target.first_n is not None and self.matched_so_far > self.target.first_n:
            return False
        key = _ATTEMPT.sub("", info.key) if self.target.sticky else info.key
        if unit_hash(self.seed, self.id, key) >= self.target.fraction:
            return False
        self.hits_so_far += 1
        return True

    def rng(self, info: RequestInfo) -> random.Random:
        """A random source for this fault and this request only, so replays are identical."""
        return random.Random(f"{self.seed}:{self.id}:{info.key}")

    def apply(self, ctx: Any) -> None:
        raise NotImplementedError

    def on_remove(self) -> None:
        """Called when the engine drops the fault: undo any state it changed outside a request."""

    def on_start(self, world: Any) -> None:
        """Called once by the drill when the fault becomes active, with the drill world.

        Most faults act per request in ``apply`` and leave this empty. A fault that stems from
        a change (a prompt deploy, a document update) makes that change here, so the change log
        shows it and the responder's fix (rollback, rebuild) really undoes it.
        """

    def on_stop(self, world: Any) -> None:
        """Called once by the drill when the fault's schedule ends or it is removed."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "stage": self.stage.value,
            "params": self.params.model_dump(mode="json"),
            "target": self.target.model_dump(mode="json", exclude_defaults=True),
            "start_s": self.start_s,
            "stop_s": self.stop_s,
            "hits": self.hits_so_far,
        }
