"""The debrief's timeline chart tells the story: clock time, bands that end, people, honest marks.

Journals are written by hand (as in test_score.py), so every moment in them is known.
"""

from __future__ import annotations

import re
from itertools import combinations

from chaos.events import Event, EventKind
from chaos.loader import load_scenario
from scorecards import score
from scorecards.card import Band, Mark, Timeline
from scorecards.chart import CHAR_W, pack, timeline_svg

SCENARIO = load_scenario("prompt-regression")  # the scheduled fault starts at 12 min (14:12)
INCIDENT_S = SCENARIO.ground_truth.started_s
FAULT_TYPE = next(item.fault.type for item in SCENARIO.timeline if item.fault is not None)


def story() -> list[Event]:
    events = [Event(0, EventKind.DRILL_STARTED, "runner",
                    {"drill_id": "d-1", "seed": 1, "clock_origin": "2026-11-24T14:00:00+00:00"})]
    for i in range(0, 30 * 60, 2):  # enough traffic for the stage rules to judge a minute
        t = float(i)
        bad = INCIDENT_S <= t < 1200 and i % 4 == 0
        events.append(Event(t, EventKind.REQUEST, "world", {
            "trace_id": f"tr-{i}", "user": f"u{i % 5}", "segment": "free", "topic": "pricing", "question": "q",
            "status": "ok", "served": True, "bad": bad, "correct": not bad, "latency_ms": 800.0}))
    events += [
        Event(300, EventKind.ALERT_FIRED, "world", {"alert": "quality", "value": 0.8, "threshold": 0.85}),
        Event(INCIDENT_S, EventKind.FAULT_STARTED, "runner", {"fault_id": "f-1", "type": FAULT_TYPE, "params": {}}),
        Event(INCIDENT_S + 40, EventKind.ALERT_FIRED, "world", {"alert": "quality", "value": 0.6, "threshold": 0.85}),
        Event(INCIDENT_S + 40, EventKind.PAGE, "runner", {"alert": "quality", "summary": "quality dropped"}),
        Event(INCIDENT_S + 100, EventKind.ROLE, "Ana", {"role": "operations"}),
        Event(INCIDENT_S + 101, EventKind.ROLE, "Ben", {"role": "commander"}),
        Event(INCIDENT_S + 120, EventKind.ACTION, "Ana", {"action": "fallback", "arg": "off"}),
        Event(INCIDENT_S + 125, EventKind.ACTION, "Ana", {"action": "fallback", "arg": "cached"}),
        Event(INCIDENT_S + 128, EventKind.DECLARATION, "Ben", {"symptom": "wrong-answers", "cause": "prompt"}),
        Event(1000, EventKind.FAULT_STARTED, "facilitator", {"fault_id": "f-2", "type": "latency", "params": {}}),
        Event(1010, EventKind.ALERT_FIRED, "world", {"alert": "latency_p99", "value": 5000, "threshold": 3000}),
        Event(1200, EventKind.ACTION, "Ana", {"action": "prompt-rollback", "arg": None}),
        Event(1500, EventKind.FAULT_STOPPED, "runner", {"fault_id": "f-2", "type": "latency"}),
        Event(1799, EventKind.DRILL_ENDED, "runner", {"reason": "scheduled end"}),
    ]
    return sorted(events, key=lambda e: e.t_s)


def test_the_x_axis_reads_in_clock_time_like_the_tables() -> None:
    card = score(story(), SCENARIO)
    svg = timeline_svg(card.timeline)
    assert ">14:00<" in svg and ">14:10<" in svg and ">14:20<" in svg
    assert " min<" not in svg, "no drill-minute axis beside the clock times"
    assert f"{card.page_clock} page: quality" in svg, "the page is labelled with the time the tables show"


def test_a_fault_band_ends_when_the_fault_is_mitigated_or_stops() -> None:
    bands = {b.label: b for b in score(story(), SCENARIO).timeline.fault_bands}
    assert bands[FAULT_TYPE].mitigated_min == 20.0, "the scenario's fault ends, for the story, at the rollback"
    assert bands["latency"].end_min == 25.0 and bands["latency"].mitigated_min is None
    svg = timeline_svg(score(story(), SCENARIO).timeline)
    assert f"{FAULT_TYPE} 14:12–14:20 mitigated" in svg
    assert "injected latency 14:16–14:25" in svg


def test_the_chart_marks_stages_by_the_scorers_rules() -> None:
    card = score(story(), SCENARIO)
    stage_marks = {m.label: m.t_min for m in card.timeline.marks if m.kind == "stage"}
    page = next(m.t_min for m in card.timeline.marks if m.kind == "page")
    for s in card.stages:
        assert (s.name in stage_marks) == (s.at_s is not None)
        if s.at_s is not None:
            assert abs(stage_marks[s.name] - (page + s.at_s / 60)) < 1e-9


def test_a_fix_the_feature_never_came_back_from_is_not_drawn_as_mitigated() -> None:
    # the kill switch stays off after the rollback: the card says never mitigated, and so does the chart
    events = []
    for e in story():
        if e.kind is EventKind.REQUEST and e.t_s > INCIDENT_S + 130:
            e = Event(e.t_s, e.kind, e.actor, {**e.data, "status": "disabled", "served": False, "bad": False,
                                               "correct": False})
        events.append(e)
    events.append(Event(INCIDENT_S + 130, EventKind.ACTION, "Ana", {"action": "feature-off", "arg": None}))
    card = score(sorted(events, key=lambda e: e.t_s), SCENARIO)
    assert card.stage("mitigate").at_s is None
    assert all(b.mitigated_min is None for b in card.timeline.fault_bands)
    assert "mitigate" not in {m.label for m in card.timeline.marks if m.kind == "stage"}
    assert "mitigated" not in timeline_svg(card.timeline)


def test_injections_and_false_alerts_are_marked_as_what_they_are() -> None:
    card = score(story(), SCENARIO)
    alerts = {(m.label, round(m.t_min)): m.flag for m in card.timeline.marks if m.kind == "alert"}
    assert alerts[("quality", 5)] == "false alert", "no fault was in play at 14:05"
    assert alerts[("quality", 13)] == ""
    assert alerts[("latency_p99", 17)] == "", "the scenario's fault was still in play too"
    assert [b.injected for b in card.timeline.fault_bands] == [False, True]
    svg = timeline_svg(card.timeline)
    assert "false alert: quality" in svg and "url(#fd-hatch)" in svg and ">facilitator<" in svg


def test_actions_are_drawn_in_the_lane_of_the_person_who_did_them() -> None:
    svg = timeline_svg(score(story(), SCENARIO).timeline)
    lanes = {name: float(y) for y, name in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*text-anchor="end" '
                                                       r'font-weight="600">(Ana|Ben|stages reached)</text>', svg)}
    assert set(lanes) == {"Ana", "Ben", "stages reached"}
    rollback_y = float(re.search(r'y="([\d.]+)"[^>]*><title>[^<]*Ana: action prompt-rollback', svg).group(1))
    assert lanes["Ana"] - 12 <= rollback_y < lanes["Ben"] - 4


def test_labels_packed_into_rows_never_overlap() -> None:
    marks = [Mark(12.0 + i * 0.05, "action", f"fallback:cached number {i}", actor="Ana") for i in range(12)]
    placed = pack([(100 + m.t_min * 10, m.label, m) for m in marks], x_max=330)
    boxes = []
    for p in placed:
        x = 100 + p.mark.t_min * 10
        w = len(p.text) * CHAR_W
        boxes.append((p.row, x + 8 if p.right else x - 8 - w, x + 8 + w if p.right else x - 8))
    for (r1, a0, a1), (r2, b0, b1) in combinations(boxes, 2):
        assert r1 != r2 or a1 < b0 or b1 < a0, "two labels in one row overlap"
    assert max(p.row for p in placed) >= 3, "crowded moments stack into more rows"
    assert any(not p.right for p in placed), "labels near the right edge run leftwards instead of off the chart"


def test_a_drill_with_no_traffic_says_so() -> None:
    assert "no traffic recorded" in timeline_svg(Timeline())
    assert Band(1.0, None, "latency").end_min is None
