"""One row of the scoring matrix, and the checks the ranking must pass on it.

A row is one scenario at one seed drilled by the idle responder and by each playbook of known
quality (``oracle.QUALITIES``), every drill scored against the idle run: the counterfactual
baseline is exactly that run, so it is taken from it (``chaos.baseline.remember_idle_run``)
rather than drilled twice. The correct responders write the post-mortem's eval cases from their
own harmed traces (``oracle.add_eval_cases``); the excellent one also writes the junk-evals
gamer's cases beside its real ones, and its card is re-scored from the journal without the real
cases (what a team that wrote only junk would get) and without any case: the junk must gain
nothing. Shared by ``tests/scorecards/test_ranking.py`` (every scenario at its own seed) and
``scripts/score_matrix.py`` (every scenario at several seeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chaos.baseline import remember_idle_run
from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import Event, EventKind
from chaos.scenario import Scenario
from chaos.verify import verify
from scorecards import score
from scorecards.card import Scorecard
from scorecards.evals import Verdict
from tests.playbooks.oracle import CORRECT, GAMERS, QUALITIES, add_eval_cases, add_junk_cases, playbook

EVAL_KINDS = {EventKind.EVAL_ADDED, EventKind.EVAL_VERIFIED, EventKind.EVAL_REMOVED}


@dataclass
class Row:
    scenario_id: str
    seed: int
    scores: dict[str, float] = field(default_factory=dict)  # "idle" and each quality drilled
    cards: dict[str, Scorecard] = field(default_factory=dict)
    verdicts: dict[str, list[Verdict]] = field(default_factory=dict)  # per quality that wrote cases
    junk_ids: set[str] = field(default_factory=set)  # the junk cases written on the excellent drill
    excellent_junk_only: float | None = None  # excellent's journal without its real cases
    excellent_no_cases: float | None = None  # excellent's journal without any case


def drill_row(s: Scenario, seed: int, qualities: Sequence[str] = QUALITIES, *, disk: bool = True) -> Row:
    row = Row(s.id, seed)
    log = EventLog(":memory:", durable=False)
    try:
        idle_id = Drill(s, log=log, seed=seed).run()
        idle_events = list(log.events(idle_id))
        base = remember_idle_run(s, seed, idle_events, disk=disk)
        row.cards["idle"] = score(idle_events, s, base)
        for q in qualities:
            drill_id = Drill(s, log=log, seed=seed, responder=playbook(q, s).responder()).run()
            if q == "excellent":
                row.junk_ids = set(add_junk_cases(log, drill_id))
            if q in CORRECT:
                add_eval_cases(log, drill_id, s)
            if q == "gamer-junk-evals":
                add_junk_cases(log, drill_id)
            if q in CORRECT or q == "gamer-junk-evals":
                row.verdicts[q] = verify(log, drill_id, s)
            events = list(log.events(drill_id))
            row.cards[q] = score(events, s, base)
            if q == "excellent":
                row.excellent_junk_only = score(_without_cases(events, keep=row.junk_ids), s, base).overall
                row.excellent_no_cases = score(_without_cases(events, keep=set()), s, base).overall
    finally:
        log.close()
    row.scores = {q: c.overall for q, c in row.cards.items()}
    return row


def _without_cases(events: list[Event], *, keep: set[str]) -> list[Event]:
    return [e for e in events if e.kind not in EVAL_KINDS or e.data.get("case_id") in keep]


def checks(row: Row) -> list[str]:
    """What fails on this row, each as a sentence (empty: the ranking holds)."""
    sc, out = row.scores, []
    if {"excellent", "slow", "red-herring"} <= sc.keys() and not sc["excellent"] > sc["slow"] > sc["red-herring"]:
        out.append(f"excellent > slow > red-herring does not hold ({sc['excellent']:.1f}, {sc['slow']:.1f}, "
                   f"{sc['red-herring']:.1f})")
    if "excellent" in sc and sc["excellent"] < 80:
        out.append(f"excellent {sc['excellent']:.1f} < 80 ({_stages(row.cards['excellent'])})")
    if sc.get("idle", 0.0) != 0:
        out.append(f"idle {sc['idle']:.1f} ≠ 0 ({_stages(row.cards['idle'])})")
    out += [f"{g} {sc[g]:.1f} > 50 ({_stages(row.cards[g])})" for g in GAMERS if sc.get(g, 0.0) > 50]
    for q, verdicts in row.verdicts.items():
        junk = [v for v in verdicts if (q == "gamer-junk-evals" or v.case_id in row.junk_ids) and v.verified]
        out += [f"{q}: junk case {v.case_id} verified ({v.reason})" for v in junk]
    ex = row.verdicts.get("excellent")
    if ex is not None and not any(v.verified for v in ex if v.case_id not in row.junk_ids):
        reasons = "; ".join(sorted({v.reason for v in ex if v.case_id not in row.junk_ids})) or "no case written"
        out.append(f"excellent: no post-mortem eval case verifies ({reasons})")
    if row.excellent_junk_only is not None and row.excellent_junk_only != row.excellent_no_cases:
        out.append(f"junk eval cases changed excellent's score without real ones: {row.excellent_no_cases} → "
                   f"{row.excellent_junk_only}")
    return out


def _stages(card: Scorecard) -> str:
    parts = [f"{s.name} {s.points:.1f}" for s in card.stages]
    if card.conduct.penalty:
        parts.append(f"conduct −{card.conduct.penalty:g}")
    return ", ".join(parts)
