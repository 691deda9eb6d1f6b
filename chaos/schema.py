"""JSON Schemas for scenarios and playbooks, so editors complete and check them as they are typed.

Generated from the same pydantic models the loader validates with, so the two cannot drift; a
fault's ``params`` are typed per fault ``type`` (one branch per registered fault type), which is
where authors make most of their typos. The bundled files point at the committed copies with a
``# yaml-language-server: $schema=…`` first line; ``firedrill scenario schema --write`` refreshes
them and a test holds them equal to what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chaos.faults.registry import FAULT_TYPES
from chaos.playbook import Playbook
from chaos.scenario import Scenario

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "schema"
SCENARIO_SCHEMA = SCHEMA_DIR / "scenario.schema.json"
PLAYBOOK_SCHEMA = SCHEMA_DIR / "playbook.schema.json"


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    defs = schema.setdefault("$defs", {})
    entry = defs["FaultSpec"]
    branches = []
    for name, cls in sorted(FAULT_TYPES.items()):
        params = cls.Params.model_json_schema()
        for key, sub in params.pop("$defs", {}).items():
            defs.setdefault(key, sub)
        params.pop("title", None)
        branches.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"params": {**params, "description": cls.description}}},
        })
    entry["properties"]["type"] = {"enum": sorted(FAULT_TYPES), "description": "the fault type (one module each)"}
    entry["allOf"] = branches
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "firedrill scenario"
    return schema


def playbook_schema() -> dict[str, Any]:
    schema = Playbook.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "firedrill playbook"
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas() -> list[Path]:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    SCENARIO_SCHEMA.write_text(render(scenario_schema()), encoding="utf-8")
    PLAYBOOK_SCHEMA.write_text(render(playbook_schema()), encoding="utf-8")
    return [SCENARIO_SCHEMA, PLAYBOOK_SCHEMA]
