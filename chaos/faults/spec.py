"""A fault as data: what every way in (scenario timeline, admin API, ``drill inject``, ``--faults``
files, the library, the pytest fixture, the proxy) hands the engine, which alone builds and starts it.

``FaultSpec`` is a fault in a scenario's timeline (its schedule is the timeline item's).
``ScheduledFaultSpec`` adds ``start_s`` / ``stop_s``: offsets in seconds from the moment it is
handed to the engine, as the admin API, the CLI and fault files give them.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chaos.errors import FaultError
from chaos.faults.base import Targeting


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    type: str
    id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    params: dict[str, Any] = Field(default_factory=dict)
    target: Targeting = Targeting()
    fixed_by: list[str] = Field(default_factory=list)  # "action[:arg]" keys that end this fault

    @field_validator("params")
    @classmethod
    def _finite(cls, params: dict[str, Any]) -> dict[str, Any]:
        """NaN and infinity are never a fault setting (and would poison every JSON view of the fault)."""
        for key, value in params.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{key} must be a finite number, not {value}")
        return params


class ScheduledFaultSpec(FaultSpec):
    start_s: float | None = Field(None, ge=0)  # start this many seconds from now (now if None)
    stop_s: float | None = Field(None, gt=0)  # stop this many seconds from now (never if None)


def parse_spec(doc: object, *, scheduled: bool = True) -> FaultSpec:
    """A spec from JSON or YAML data; every problem named by its field, as one ``FaultError``."""
    cls = ScheduledFaultSpec if scheduled else FaultSpec
    if not isinstance(doc, dict):
        raise FaultError("a fault is a mapping with at least a 'type'")
    try:
        return cls.model_validate(doc)
    except ValidationError as exc:
        type_name = doc.get("type") if isinstance(doc.get("type"), str) else "?"
        raise FaultError.from_validation(str(doc.get("id") or "new"), str(type_name), "fault", exc) from None
