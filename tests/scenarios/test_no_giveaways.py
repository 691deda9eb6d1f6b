"""No responder-visible text names the answer: change log, traces, status and alerts carry signals, never labels.

A real change log says who deployed what and when, a scheduler logs a job's run and exit status, a
provider's changelog names a new snapshot; none of them says "stale", "regression" or "canary". Each
library scenario is simulated untouched (no responder, so every request reaches the model) and every
text a responder could read is searched for the ground truth's own words.
"""

from __future__ import annotations

import json

import pytest

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.loader import SCENARIO_DIR, load_scenario

# words that only a label would use: what the scorer knows, not what telemetry shows
GIVEAWAYS = ("stale", "outdated", "failed", "regress", "mismatch", "hallucinat", "canary", "bloat", "safety",
             "knowledge gap", "context growth", "api change", "wrong answer", "root cause", "true cause",
             "red herring", "ground truth", "fault", "injected", "degrad", "broken", "bug")


def _labels(scenario_id: str) -> set[str]:
    truth = load_scenario(scenario_id).ground_truth
    words = {GIVEAWAYS[i] for i in range(len(GIVEAWAYS))}
    for label in (truth.row.value, truth.symptom.value, truth.cause.value):
        if "-" in label:  # one-word labels (model, prompt, errors, latency) are ordinary telemetry words
            words |= {label, label.replace("-", " ")}
    return words


def _visible_texts(scenario_id: str) -> list[tuple[str, str]]:
    drill = Drill(load_scenario(scenario_id), log=EventLog(":memory:", durable=False))
    texts: list[tuple[str, str]] = []
    while not drill.ended:  # look every simulated minute, as an on-call dashboard would refresh
        if not drill.clock.step():
            break
        if int(drill.now_s()) % 60 == 0:
            status = drill.status()
            texts += [("alert", json.dumps(a)) for a in status["alerts"]]
            texts.append(("status controls", json.dumps(status["controls"])))
    texts += [("change", json.dumps(c)) for c in drill.changes()]
    for t in drill.traces(limit=20_000):
        texts.append(("trace", json.dumps({k: v for k, v in t.items() if k not in ("question",)})))
    failing = drill.traces(failing=True, limit=30)
    texts += [("trace detail", json.dumps(drill.trace(t["trace_id"]))) for t in failing]
    return texts


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
def test_nothing_a_responder_reads_names_the_cause(scenario_id: str) -> None:
    labels = _labels(scenario_id)
    leaks = sorted({(where, word) for where, text in _visible_texts(scenario_id) for word in labels
                    if word in text.lower()})
    assert not leaks, f"responder-visible text gives the answer away: {leaks}"
