"""A YAML list of faults with schedules, for ``firedrill serve --faults`` and ``firedrill proxy``.

    - type: rate_limit
      id: storm            # optional
      params: {retry_after_s: 2}
      target: {fraction: 0.3, models: [fd-large]}
      start_s: 30          # offsets from server start, optional
      stop_s: 300
"""

from __future__ import annotations

from pathlib import Path

import yaml

from chaos.errors import FaultError, ScenarioError
from chaos.faults.registry import build_fault
from chaos.faults.spec import ScheduledFaultSpec, parse_spec
from chaos.yaml_lines import LineLoader, line_of


def load_fault_file(path: Path, *, seed: int = 0) -> list[ScheduledFaultSpec]:
    """The file's faults as specs for ``FaultEngine.start``, each checked against its type first."""
    try:
        doc = yaml.load(path.read_text(), Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                            line=mark.line + 1 if mark else None) from None
    if isinstance(doc, dict) and "faults" in doc:
        doc = doc["faults"]
    if not isinstance(doc, list):
        raise ScenarioError("expected a list of faults (or a mapping with a 'faults' list)", file=str(path), line=1)
    specs = []
    for i, entry in enumerate(doc):
        if not isinstance(entry, dict) or "type" not in entry:
            raise ScenarioError("each fault needs a 'type'", file=str(path), line=line_of(entry), field=f"[{i}]")
        try:
            spec = parse_spec({"id": f"{entry['type']}-{i + 1}", **entry})
            assert isinstance(spec, ScheduledFaultSpec)
            build_fault(spec.type, id=spec.id or "", params=spec.params, target=spec.target, seed=seed)
        except FaultError as exc:
            raise ScenarioError(str(exc), file=str(path), line=line_of(entry), field=f"[{i}]") from None
        specs.append(spec)
    return specs
