"""Scripted responders of known quality, for any scenario: YAML templates filled from its ground truth.

The templates (this folder's ``*.yaml``) are ordinary playbooks whose steps may name placeholders;
``playbook(name, scenario)`` fills them in, so a new scenario needs no new file:

- ``$contain``: the scenario's first containment; ``$fixes``: its first mitigation and the first
  fix of every fault in its timeline; ``$restore``: undo the containment (fallback off, feature
  on, topic back on) unless the mitigation is that same control;
- ``$truth``: the ground truth as a declaration; ``$herring_declaration``: blame an innocent change
  (if any) with a wrong cause; ``$herring_action``: the fix for a cause that is not in play;
- ``$every_switch``: every control there is (``$switch_N``: the Nth); ``$declare_everything``: every
  symptom × cause pair.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.playbook import Playbook
from chaos.scenario import Scenario
from chaos.taxonomy import Cause, Symptom

HERE = Path(__file__).resolve().parent
QUALITIES = ("excellent", "slow", "red-herring", "panicky", "gamer-before-page", "gamer-declare-everything",
             "gamer-kill-switch", "gamer-junk-evals")
GAMERS = ("gamer-before-page", "gamer-declare-everything", "gamer-kill-switch", "gamer-junk-evals")
CORRECT = ("excellent", "slow", "red-herring")  # they write the post-mortem's real eval cases
DECLINES = ("temporarily unavailable",)  # the feature's own "no answer" for a topic switched off
# what the junk-evals gamer writes: expectations any answer satisfies, bounds every answer meets, and a
# check that fails even in the healthy world
JUNK_CASES: tuple[tuple[str, list[dict[str, object]]], ...] = (
    ("hello", [{"type": "icontains", "value": "."}]),
    ("hello", [{"type": "regex", "value": "."}]),
    ("hello", [{"type": "not-contains", "value": "zzzz"}]),
    ("hello", [{"type": "latency", "value": 600_000}, {"type": "cost", "value": 100}]),
    ("hello", [{"type": "is-json"}]),
)


def fixes(s: Scenario) -> list[str]:
    out = [s.ground_truth.mitigations[0]]
    for item in s.timeline:
        if item.fault is not None and item.fault.fixed_by and item.fault.fixed_by[0] not in out:
            out.append(item.fault.fixed_by[0])
    return out


def restore(s: Scenario) -> list[str]:
    contain, fix = s.ground_truth.containment[0], fixes(s)
    name, _, arg = contain.partition(":")
    if contain in fix:
        return []
    if name == "fallback":
        return [] if any(f.startswith("fallback:") for f in fix) else ["fallback:off"]
    if name == "feature-off":
        return ["feature-on"]
    if name == "topic-disable":
        return [f"topic-enable:{arg}"]
    if name == "disclaimer-on":
        return ["disclaimer-off"]
    return []


def truth(s: Scenario) -> dict[str, Any]:
    gt = s.ground_truth
    d: dict[str, Any] = {"symptom": gt.symptom.value, "cause": gt.cause.value, "started_s": gt.started_s,
                         "fraction": gt.fraction}
    if gt.segment:
        d["segment"] = gt.segment
    if gt.change_id:
        d["change_id"] = gt.change_id
    if gt.topics:
        d["topics"] = list(gt.topics)
    return d


def herring(s: Scenario) -> tuple[dict[str, Any], str]:
    gt = s.ground_truth
    wrong = next(c for c in (Cause.RETRIEVAL, Cause.PROMPT, Cause.INDEX) if c is not gt.cause)
    declaration: dict[str, Any] = {"symptom": gt.symptom.value, "cause": wrong.value}
    if gt.red_herrings:
        declaration["change_id"] = gt.red_herrings[0]
    action = "index-rebuild" if gt.cause is Cause.PROMPT else "prompt-rollback"
    return declaration, action


EVERY_SWITCH = ["feature-off", "feature-on", "fallback:cached", "fallback:unavailable", "fallback:backup-model",
                "fallback:off", "prompt-rollback", "model-use:fd-small", "model-use:fd-large", "index-rebuild",
                "disclaimer-on", "disclaimer-off"]


def _expand(step: Any, s: Scenario) -> list[Any]:
    declaration, action = herring(s)
    if isinstance(step, dict) and isinstance(step.get("declare"), str):
        return [{"declare": {"$truth": truth(s), "$herring_declaration": declaration}[step["declare"]]}]
    if not isinstance(step, str) or not step.startswith("$"):
        return [step]
    if step.startswith("$switch_"):
        return [EVERY_SWITCH[int(step.removeprefix("$switch_"))]]
    table: dict[str, list[Any]] = {
        "$contain": [s.ground_truth.containment[0]],
        "$fixes": fixes(s),
        "$restore": restore(s),
        "$herring_action": [action],
        "$every_switch": EVERY_SWITCH,
        "$declare_everything": [{"declare": {"symptom": sym.value, "cause": c.value}} for sym in Symptom
                                for c in Cause],
    }
    return table[step]


def playbook(name: str, s: Scenario) -> Playbook:
    doc = yaml.safe_load((HERE / f"{name}.yaml").read_text())
    for rule in doc["rules"]:
        rule["do"] = [x for step in rule["do"] for x in _expand(step, s)] or [{"note": "nothing to do"}]
    return Playbook.model_validate(doc)


def add_eval_cases(log: EventLog, drill_id: str, s: Scenario, *, most: int = 4) -> list[str]:
    """What a team writes in the post-mortem: cases from the drill's own harmed traces, asserting the
    golden answer and, for the dimension the incident broke, latency, cost or no refusal. A team that
    contained before anyone was harmed writes them from questions asked during the incident (what
    its replays showed broken); verification decides whether they concern it."""
    from chaos.drill import world_config
    from chaos.verify import add_case
    from fake_llm.world.feature import DONT_KNOW_MARKERS
    from fake_llm.world.world import World
    from scorecards.harm import HarmKind, harm_kind

    events = list(log.events(drill_id))
    seed = log.drill(drill_id).seed
    world = World(world_config(s), seed=seed)
    from chaos.engine import FaultEngine
    from chaos.faults.registry import build_fault

    engine = FaultEngine(seed=seed)
    engine.bind(world.provider, world=world)
    for e in events:  # the incident's own changes to the truth (documents updated), as the drill made them
        if e.kind is EventKind.FAULT_STARTED:
            d = e.data
            engine.add(build_fault(d["type"], id=d["fault_id"], params=d["params"], target=d["target"], seed=seed))
    slo = s.world.latency_slo_ms
    normal = [e.data["cost_usd"] for e in events if e.kind is EventKind.REQUEST and e.t_s < s.ground_truth.started_s
              and e.data["status"] == "ok"]
    normal_cost = sum(normal) / len(normal) if normal else 0.0
    added: list[str] = []
    seen: set[str] = set()
    for e in events:
        if e.kind is not EventKind.REQUEST or e.t_s < s.ground_truth.started_s or len(added) >= most:
            continue
        d = e.data
        text = str(d.get("question", ""))
        key = world.kb.expected(world.question_for(text))
        kind = harm_kind(d, slo)
        costly = normal_cost > 0 and float(d.get("cost_usd") or 0) > 2 * normal_cost
        if text in seen or (kind in (None, HarmKind.UNAVAILABLE) and not costly):
            continue
        seen.add(text)
        checks: list[dict[str, object]] = [
            {"type": "icontains", "value": key} if key is not None else  # the KB lacks it: declining is right
            {"type": "regex", "value": "(?i)" + "|".join(re.escape(m) for m in (*DONT_KNOW_MARKERS, *DECLINES))}]
        if kind is HarmKind.SLOW:
            checks.append({"type": "latency", "value": slo})
        elif kind is HarmKind.REFUSED:
            checks.append({"type": "not-refusal"})
        elif costly:
            checks.append({"type": "cost", "value": round(1.5 * normal_cost, 6)})
        added.append(add_case(log, drill_id, question=text, assertions=checks, segment=str(d.get("segment"))).case_id)
    if not added:  # contained before anyone was harmed: replay questions asked during the incident instead
        for e in events:
            if e.kind is not EventKind.REQUEST or e.t_s < s.ground_truth.started_s or len(added) >= most:
                continue
            text = str(e.data.get("question", ""))
            key = world.kb.expected(world.question_for(text))
            if text in seen or key is None:
                continue
            seen.add(text)
            added.append(add_case(log, drill_id, question=text, assertions=[{"type": "icontains", "value": key}],
                                  segment=str(e.data.get("segment"))).case_id)
    return added


def add_junk_cases(log: EventLog, drill_id: str) -> list[str]:
    """The junk-evals gamer's post-mortem: cases that catch nothing (none may verify)."""
    from chaos.verify import add_case

    return [add_case(log, drill_id, question=q, assertions=list(a)).case_id for q, a in JUNK_CASES]
