"""Hand-written journals with known answers give exactly the expected stage times and verdicts."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from chaos.events import Event, EventKind
from chaos.loader import load_scenario
from scorecards import render_html, render_json, render_markdown, score

SCENARIO = load_scenario("prompt-regression")  # incident at 12 min; contain 10 / characterise 20 / mitigate 30


def request(t: float, user: str, *, bad: bool = False, status: str = "ok") -> Event:
    served = status in ("ok", "cached")
    return Event(
        t,
        EventKind.REQUEST,
        "world",
        {
            "trace_id": f"tr-{t}",
            "user": user,
            "segment": "free",
            "topic": "pricing",
            "question": "q",
            "status": status,
            "served": served,
            "bad": bad,
            "correct": served and not bad,
            "latency_ms": 900.0,
        },
    )


def journal(
    *,
    contain_at: float | None = 900,
    rollback_at: float | None = 1200,
    declare: dict[str, Any] | None = None,
    extra: list[Event] | None = None,
) -> list[Event]:
    events = [
        Event(
            0,
            EventKind.DRILL_STARTED,
            "runner",
            {"drill_id": "d-1", "seed": 11, "clock_origin": "2026-11-24T14:00:00+00:00"},
        )
    ]
    for i in range(0, 40 * 60, 10):  # one request every 10 s for 40 minutes
        t = float(i)
        incident = t >= 720 and (rollback_at is None or t < rollback_at)
        contained = contain_at is not None and t >= contain_at and (rollback_at is None or t < rollback_at + 60)
        if contained:
            events.append(request(t, f"u{i % 7}", status="cached"))
        else:
            events.append(request(t, f"u{i % 7}", bad=incident and i % 20 == 0))
    events.append(Event(780, EventKind.PAGE, "runner", {"alert": "quality", "summary": "quality"}))
    events.append(Event(800, EventKind.ACTION, "ana", {"action": "ack", "arg": None}))
    if contain_at is not None:
        events.append(Event(contain_at, EventKind.ACTION, "ana", {"action": "fallback", "arg": "cached"}))
    events.append(
        Event(
            1000,
            EventKind.DECLARATION,
            "ana",
            declare
            or {
                "symptom": "wrong-answers",
                "cause": "prompt",
                "started_s": 700,
                "fraction": 0.5,
                "change_id": "CHG-202",
            },
        )
    )
    if rollback_at is not None:
        events.append(Event(rollback_at, EventKind.ACTION, "ana", {"action": "prompt-rollback", "arg": None}))
        events.append(Event(rollback_at + 60, EventKind.ACTION, "ana", {"action": "fallback", "arg": "off"}))
    events += extra or []
    return sorted(events, key=lambda e: (e.t_s, e.kind != EventKind.REQUEST))


def test_stage_times_are_measured_from_the_page() -> None:
    card = score(journal(), SCENARIO)
    st = {s.name: s for s in card.stages}
    assert st["acknowledge"].at_s == 20 and st["acknowledge"].verdict == "pass"
    assert st["contain"].at_s == 120 and st["contain"].verdict == "pass"
    assert st["characterise"].at_s == 220 and st["characterise"].verdict == "pass"
    assert st["mitigate"].at_s == 420 and st["mitigate"].verdict == "pass"
    assert "contained at 14:15 by fallback:cached" in st["contain"].explanation
    assert card.page_clock == "14:13"


def test_blast_radius_counts_bad_answers_and_users_before_and_after_containment() -> None:
    card = score(journal(), SCENARIO)
    # bad answers every 20 s from 720 s until containment at 900 s: 720, 740, ..., 880
    assert card.blast_radius.bad_before == 9 and card.blast_radius.bad_after == 0
    assert card.blast_radius.users_before == len({f"u{i % 7}" for i in range(720, 900, 20)})


def test_a_team_that_never_contains_fails_contain() -> None:
    card = score(journal(contain_at=None, rollback_at=None), SCENARIO)
    contain = card.stage("contain")
    assert contain.verdict == "fail" and contain.at_s is None and contain.score == 0
    assert "never contained" in contain.explanation
    assert card.stage("mitigate").verdict == "fail"


def test_late_containment_gets_partial_credit_and_fails_the_target() -> None:
    card = score(journal(contain_at=780 + 15 * 60, rollback_at=None), SCENARIO)
    contain = card.stage("contain")
    assert contain.verdict == "fail" and 0 < contain.score < 1 and "5 min over" in contain.explanation


def test_characterisation_is_checked_field_by_field() -> None:
    card = score(journal(declare={"symptom": "wrong-answers", "cause": "retrieval", "change_id": "CHG-201"}), SCENARIO)
    fields = {f.field: f.ok for f in card.characterisation}
    assert fields == {
        "started": None,
        "fraction": None,
        "segment": None,
        "symptom": True,
        "cause": False,
        "change_id": False,
    }
    assert card.stage("characterise").verdict == "fail"
    assert any("CHG-201" in r for r in card.conduct.red_herrings)


def test_chasing_a_red_herring_costs_points() -> None:
    rebuild = Event(950, EventKind.ACTION, "bo", {"action": "index-rebuild", "arg": None})
    clean, chased = score(journal(), SCENARIO), score(journal(extra=[rebuild]), SCENARIO)
    assert chased.conduct.red_herrings and chased.overall < clean.overall


def test_hints_cost_their_points() -> None:
    hint = Event(900, EventKind.HINT, "ana", {"index": 0, "text": "look", "cost": 5})
    assert score(journal(), SCENARIO).overall - score(journal(extra=[hint]), SCENARIO).overall == 5


def test_only_a_verified_eval_case_passes_the_postmortem() -> None:
    added = Event(
        2300,
        EventKind.EVAL_ADDED,
        "pm",
        {"case_id": "c1", "question": "q", "expect": "$49", "segment": "free", "trace_id": None},
    )
    rejected = Event(
        2301,
        EventKind.EVAL_VERIFIED,
        "pm",
        {"case_id": "c1", "during_incident_failed": False, "after_mitigation_passed": True, "reason": "no"},
    )
    verified = Event(
        2301,
        EventKind.EVAL_VERIFIED,
        "pm",
        {"case_id": "c1", "during_incident_failed": True, "after_mitigation_passed": True, "reason": "ok"},
    )
    assert score(journal(extra=[added]), SCENARIO).stage("postmortem").verdict == "fail"
    assert score(journal(extra=[added, rejected]), SCENARIO).stage("postmortem").verdict == "fail"
    card = score(journal(extra=[added, verified]), SCENARIO)
    assert card.stage("postmortem").verdict == "pass" and card.overall == 100


@pytest.mark.parametrize("seed", range(8))
def test_overall_stays_within_0_and_100(seed: int) -> None:
    rng = random.Random(seed)
    extra = [
        Event(rng.uniform(700, 2000), EventKind.HINT, "x", {"index": i, "text": "h", "cost": rng.uniform(0, 40)})
        for i in range(rng.randint(0, 6))
    ]
    extra += [
        Event(rng.uniform(700, 2000), EventKind.ACTION, "x", {"action": "index-rebuild", "arg": None})
        for _ in range(rng.randint(0, 5))
    ]
    card = score(journal(contain_at=rng.choice([None, 800, 2000]), extra=sorted(extra, key=lambda e: e.t_s)), SCENARIO)
    assert 0 <= card.overall <= 100


def test_rescoring_is_stable() -> None:
    assert render_json(score(journal(), SCENARIO)) == render_json(score(journal(), SCENARIO))
    assert json.loads(render_json(score(journal(), SCENARIO)))["overall"] == 85


def test_renderings_carry_the_figures_and_the_html_is_self_contained() -> None:
    card = score(journal(), SCENARIO)
    md, html = render_markdown(card), render_html(card)
    assert "| contain | pass | 2.0 min |" in md and "**9**" in md
    assert (
        "<svg" in html and "<path" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "<script" not in html
