"""The counterfactual baseline: what the incident would have cost had nobody responded.

A drill is deterministic, so the same scenario and seed with the idle responder is the harm a
team is measured against. It is computed drill-side (it runs the model), once per scenario content
and seed: kept in memory for the process and on disk under ``$FIREDRILL_HOME/baselines/``, keyed by
a hash of the scenario as drilled, the seed, and the source of the code that decides answers (the
fake provider and world, the faults, the drill), so a code change never reuses a stale baseline.
The scorer (``scorecards.score``) receives it as plain data and stays a pure function.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from chaos.events import Event
from chaos.scenario import Scenario

PROFILE_VERSION = "1"
_memo: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()
_code: list[str] = []


def code_fingerprint() -> str:
    """A hash of the source that decides what the idle drill serves."""
    if not _code:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256(PROFILE_VERSION.encode())
        files = [*sorted((root / "fake_llm").rglob("*.py")), *sorted((root / "chaos" / "faults").rglob("*.py")),
                 *(root / "chaos" / name for name in ("drill.py", "engine.py", "actions.py", "clock.py", "views.py")),
                 *sorted((root / "scorecards").glob("harm.py"))]
        for f in files:
            if f.exists():
                h.update(f.name.encode())
                h.update(f.read_bytes())
        _code.append(h.hexdigest()[:16])
    return _code[0]


def scenario_hash(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:16]


def cache_key(scenario: Scenario, seed: int) -> str:
    return f"{scenario.id}-{scenario_hash(scenario)}-{seed}-{code_fingerprint()}"


def cache_dir() -> Path:
    return Path(os.environ.get("FIREDRILL_HOME", ".firedrill")) / "baselines"


def baseline_for(scenario: Scenario, seed: int | None = None, *, disk: bool = True) -> dict[str, Any]:
    """The idle run's harm profile (``scorecards.harm.Profile.to_dict()``) for this scenario and seed."""
    seed = scenario.seed if seed is None else seed
    key = cache_key(scenario, seed)
    with _lock:
        if key in _memo:
            return _memo[key]
    path = cache_dir() / f"{key}.json"
    if disk and path.exists():
        try:
            data: dict[str, Any] = json.loads(path.read_text())
            with _lock:
                _memo[key] = data
            return data
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed below
    data = _compute(scenario, seed)
    with _lock:
        _memo[key] = data
    if disk:
        _store(path, data)
    return data


def remember_idle_run(scenario: Scenario, seed: int, events: list[Event], *, disk: bool = True) -> dict[str, Any]:
    """The baseline from an idle run the caller has just made itself (the ranking test and the scoring
    matrix drill the idle responder anyway): the same profile ``baseline_for`` would compute, without
    running the drill twice. A journal with any responder event is not an idle run and is refused."""
    from scorecards.harm import NOT_RESPONDERS, profile

    acted = next((e for e in events if e.actor not in NOT_RESPONDERS), None)
    if acted is not None:
        raise ValueError(f"not an idle run: {acted.actor} wrote {acted.kind.value} at {acted.t_s:.0f} s")
    data = profile(events, scenario).to_dict()
    key = cache_key(scenario, seed)
    with _lock:
        _memo[key] = data
    if disk:
        _store(cache_dir() / f"{key}.json", data)
    return data


def _store(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")))
        tmp.replace(path)
    except OSError:
        pass  # a read-only home still scores, it just recomputes


def _compute(scenario: Scenario, seed: int) -> dict[str, Any]:
    from chaos.drill import Drill
    from chaos.eventlog import EventLog
    from scorecards.harm import profile

    log = EventLog(":memory:", durable=False)
    try:
        drill = Drill(scenario, log=log, mode="simulated", seed=seed)
        drill.run()
        return profile(log.events(drill.id), scenario).to_dict()
    finally:
        log.close()


def score_with_baseline(events: list[Event] | Any, scenario: Scenario, seed: int | None) -> Any:
    """Score a journal against its counterfactual baseline (the everyday entry point drill-side)."""
    from scorecards.score import score

    return score(events, scenario, baseline_for(scenario, seed))
