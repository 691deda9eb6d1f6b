"""Fault type name -> class. The YAML loader, the admin API and the library all build faults here.

Adding a fault type: one new module in ``chaos/faults/`` and one line in ``FAULT_TYPES``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from chaos.errors import FaultError
from chaos.faults.base import Fault, Targeting
from chaos.faults.context_growth import ContextGrowth
from chaos.faults.embedding_change import EmbeddingChange
from chaos.faults.hallucination import Hallucination
from chaos.faults.hallucination_topic import HallucinationTopic
from chaos.faults.latency import Latency
from chaos.faults.model_change import ModelChange
from chaos.faults.outage import Outage
from chaos.faults.prompt_regression import PromptRegression
from chaos.faults.rate_limit import RateLimit
from chaos.faults.refusal import Refusal
from chaos.faults.refusal_spike import RefusalSpike
from chaos.faults.retrieval_degradation import RetrievalDegradation
from chaos.faults.schema_error import SchemaError
from chaos.faults.stale_index import StaleIndex
from chaos.faults.stream_error import StreamError
from chaos.faults.timeout import Timeout
from chaos.faults.token_bloat import TokenBloat
from chaos.faults.traffic_shift import TrafficShift
from chaos.faults.wrong_answer import WrongAnswer

FAULT_TYPES: dict[str, type[Fault]] = {
    cls.type: cls
    for cls in (
        # provider faults
        Latency, Timeout, RateLimit, Outage, SchemaError, StreamError, Refusal, ModelChange, WrongAnswer,
        Hallucination, TokenBloat,
        # world faults
        PromptRegression, StaleIndex, RetrievalDegradation, RefusalSpike, HallucinationTopic, ContextGrowth,
        TrafficShift, EmbeddingChange,
    )
}


def fault_class(type_name: str) -> type[Fault]:
    try:
        return FAULT_TYPES[type_name]
    except KeyError:
        known = ", ".join(sorted(FAULT_TYPES))
        raise FaultError(f"unknown fault type {type_name!r}; known types: {known}") from None


def build_fault(
    type_name: str,
    *,
    id: str,
    params: dict[str, Any] | None = None,
    target: dict[str, Any] | Targeting | None = None,
    start_s: float | None = None,
    stop_s: float | None = None,
    seed: int = 0,
) -> Fault:
    """Validate and build one fault; errors name the fault, the field and what is allowed."""
    cls = fault_class(type_name)
    try:
        parsed = cls.Params.model_validate(params or {})
    except ValidationError as exc:
        raise FaultError.from_validation(id, type_name, "params", exc) from None
    try:
        tgt = target if isinstance(target, Targeting) else Targeting.model_validate(target or {})
    except ValidationError as exc:
        raise FaultError.from_validation(id, type_name, "target", exc) from None
    if start_s is not None and stop_s is not None and stop_s <= start_s:
        raise FaultError(f"fault {id!r} ({type_name}): stop_s ({stop_s}) must be after start_s ({start_s})")
    return cls(id=id, params=parsed, target=tgt, start_s=start_s, stop_s=stop_s, seed=seed)
