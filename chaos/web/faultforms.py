"""The facilitator's inject form, read from the fault registry: every type, every parameter.

The form is built from each fault type's ``Params`` model, so a new fault type appears in the
console with its parameters, defaults and bounds without touching the web package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

from chaos.faults.registry import FAULT_TYPES


@dataclass(frozen=True)
class ParamField:
    name: str
    kind: str  # number | integer | text | bool | list
    default: Any
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class FaultForm:
    type: str
    stage: str
    description: str
    params: list[ParamField]


def _kind(annotation: Any) -> str:
    text = str(annotation)
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "number"
    if text.startswith(("list", "tuple", "typing.List")):
        return "list"
    return "text"


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for m in info.metadata:
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
    return low, high


def fault_forms() -> list[FaultForm]:
    forms = []
    for name in sorted(FAULT_TYPES):
        cls = FAULT_TYPES[name]
        params = []
        for pname, info in cls.Params.model_fields.items():
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            low, high = _bounds(info)
            params.append(ParamField(pname, _kind(info.annotation), default, low, high))
        forms.append(FaultForm(name, str(getattr(cls.stage, "value", cls.stage)), cls.description, params))
    return forms
