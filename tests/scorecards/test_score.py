"""Hand-written journals with known answers: the scorer measures speed, harm avoided, and cannot be gamed.

Every journal has two requests a second for 40 minutes; from 12:00 (the prompt-regression
scenario's incident) half the live answers are wrong until the prompt is rolled back. The
counterfactual baseline is the same journal with nobody acting.
"""

from __future__ import annotations

import html
import json
import random
from typing import Any

import pytest

from chaos.events import Event, EventKind
from chaos.loader import load_scenario
from scorecards import render_html, render_json, render_markdown, render_terminal, score
from scorecards.harm import HarmKind, Profile, harm_kind, profile
from scorecards.stages import fell, norms, recovered_by_itself, rose

SCENARIO = load_scenario("prompt-regression")  # incident at 12 min; contain 10 / characterise 20 / mitigate 30
PAGE = 780.0
END = 40 * 60.0


def request(t: float, user: str, *, status: str = "ok", bad: bool = False, latency_ms: float = 900.0,
            cost: float = 0.0006, fallback: str = "off", refused_wrongly: bool = False) -> Event:
    served = status in ("ok", "cached")
    return Event(t, EventKind.REQUEST, "world", {
        "trace_id": f"tr-{t}", "user": user, "segment": "free", "topic": "pricing", "question": "q",
        "status": status, "served": served, "bad": served and bad, "correct": served and not bad,
        "refused": status == "refused", "wrong_refusal": refused_wrongly, "disclaimer": False,
        "fallback": fallback, "latency_ms": latency_ms, "cost_usd": cost if status in ("ok", "refused") else 0.0})


def journal(*, actions: list[tuple[float, str, str | None]] = (), declarations: list[tuple[float, dict[str, Any]]] = (),
            extra: list[Event] = (), seed: int = 3, bad_share: float = 0.5) -> list[Event]:
    """Requests follow the world the actions make: cached/unavailable/off, rolled back or not."""
    rng = random.Random(seed)
    events = [Event(0, EventKind.DRILL_STARTED, "runner",
                    {"drill_id": "d-1", "seed": 11, "clock_origin": "2026-11-24T14:00:00+00:00"}),
              Event(720, EventKind.FAULT_STARTED, "runner",
                    {"fault_id": "pr-1", "type": "prompt_regression", "stage": "prompt", "params": {}, "target": {}}),
              Event(PAGE, EventKind.PAGE, "runner", {"alert": "quality", "summary": "quality"})]
    acts = sorted(actions)
    state = {"fallback": "off", "feature": True, "rolled_back": False, "topic_off": False}
    k = 0
    for i in range(int(END * 2)):
        t = i / 2
        while k < len(acts) and acts[k][0] <= t:
            at, name, arg = acts[k]
            events.append(Event(at, EventKind.ACTION, "ana", {"action": name, "arg": arg, "ok": True, "message": ""}))
            if name == "fallback":
                state["fallback"] = arg or "off"
            elif name == "feature-off":
                state["feature"] = False
            elif name == "feature-on":
                state["feature"] = True
            elif name == "prompt-rollback":
                state["rolled_back"] = True
            elif name in ("topic-disable", "topic-enable"):  # every request asks about pricing
                state["topic_off"] = name == "topic-disable"
            k += 1
        user = f"u{rng.randrange(300)}"
        if not state["feature"] or state["topic_off"]:
            events.append(request(t, user, status="disabled", cost=0))
        elif state["fallback"] == "cached":
            events.append(request(t, user, status="cached", fallback="cached", cost=0))
        elif state["fallback"] == "unavailable":
            events.append(request(t, user, status="unavailable", fallback="unavailable", cost=0))
        else:
            incident = t >= 720 and not state["rolled_back"]
            events.append(request(t, user, bad=incident and rng.random() < bad_share))
    events += [Event(t, EventKind.DECLARATION, "ana", d) for t, d in declarations]
    events += list(extra)
    events.append(Event(END, EventKind.DRILL_ENDED, "runner", {}))
    return sorted(events, key=lambda e: (e.t_s, e.kind is not EventKind.ACTION))


BASELINE = profile(journal(), SCENARIO).to_dict()
RIGHT = {"symptom": "wrong-answers", "cause": "prompt", "started_s": 700, "fraction": 0.5, "change_id": "CHG-202"}


def good(contain: float = 900, mitigate: float = 1200) -> list[tuple[float, str, str | None]]:
    return [(800, "ack", None), (contain, "fallback", "cached"), (mitigate, "prompt-rollback", None),
            (mitigate + 60, "fallback", "off")]


def card(**kwargs: Any):  # type: ignore[no-untyped-def]
    return score(journal(**kwargs), SCENARIO, BASELINE)


def test_stage_times_are_measured_from_the_page() -> None:
    st = {s.name: s for s in card(actions=good(), declarations=[(1000, RIGHT)]).stages}
    assert st["acknowledge"].at_s == 20 and st["acknowledge"].verdict == "pass"
    assert st["contain"].at_s == 120 and st["contain"].verdict == "pass"
    assert "contained at 14:15 by fallback:cached" in st["contain"].explanation
    assert st["characterise"].at_s == 220 and st["characterise"].verdict == "pass"
    assert st["mitigate"].verdict == "pass" and 420 <= st["mitigate"].at_s <= 500


def test_faster_containment_earns_strictly_more_points() -> None:
    points = [card(actions=good(contain=c)).stage("contain").points for c in (790, 840, 900, 1100)]
    assert points == sorted(points, reverse=True) and len(set(points)) == 4
    assert points[0] > 29  # contained at the page: (almost) all the harm avoided


def test_faster_mitigation_earns_strictly_more_points() -> None:
    points = [card(actions=good(mitigate=m)).stage("mitigate").points for m in (1000, 1300, 1600)]
    assert points == sorted(points, reverse=True) and len(set(points)) == 3


def test_idle_scores_zero_and_the_blast_radius_counts_every_wrong_answer() -> None:
    c = card()
    assert c.overall == 0 and all(s.points == 0 for s in c.stages)
    wrong = sum(1 for e in journal() if e.kind is EventKind.REQUEST and e.data["bad"])
    assert c.blast_radius.bad_before == wrong and c.blast_radius.harm_units == pytest.approx(
        c.blast_radius.baseline_harm_units)


def test_blast_radius_splits_before_and_after_containment_with_distinct_users() -> None:
    events = journal(actions=good())
    br = score(events, SCENARIO, BASELINE).blast_radius
    wrong = [e for e in events if e.kind is EventKind.REQUEST and e.data["bad"]]
    assert br.bad_before == sum(1 for e in wrong if e.t_s < 900) and br.bad_after == 0
    assert br.users_before == len({e.data["user"] for e in wrong})
    assert {k.kind for k in br.by_kind} == {k.value for k in HarmKind}


def test_an_incident_ends_by_itself_only_where_the_idle_run_stays_healthy_to_its_end() -> None:
    # a fault hurting a few requests has windows that look healthy by chance: not the incident's end
    base = Profile.from_dict(BASELINE)
    nm = norms(base)
    lucky = Profile.from_dict(BASELINE)
    for i in range(lucky.index(1200), lucky.index(1560)):  # six quiet minutes, then the fault carries on
        lucky.harm[i], lucky.kinds["wrong"][i] = 0.0, 0
    assert recovered_by_itself(base, nm) is None and recovered_by_itself(lucky, nm) is None
    ended = Profile.from_dict(BASELINE)
    for i in range(ended.index(1800), len(ended.n)):  # the fault stops at 30 min for good
        ended.harm[i], ended.kinds["wrong"][i] = 0.0, 0
    assert 1740 <= (recovered_by_itself(ended, nm) or 0) <= 1800  # within the tolerance of a restored feature


def test_a_fix_after_a_lucky_quiet_spell_still_earns_mitigation() -> None:
    lucky = Profile.from_dict(BASELINE)
    for i in range(lucky.index(840), lucky.index(1200)):
        lucky.harm[i], lucky.kinds["wrong"][i] = 0.0, 0
    c = score(journal(actions=good()), SCENARIO, lucky.to_dict())
    assert c.stage("mitigate").points > 15


def test_a_containment_that_does_not_reduce_harm_earns_nothing() -> None:
    c = card(actions=[(800, "ack", None), (850, "disclaimer-on", None)])
    assert c.stage("contain").points == 0 and c.stage("contain").at_s is None


def test_acting_before_the_page_earns_no_credit() -> None:
    c = card(actions=[(60, "fallback", "cached"), (65, "prompt-rollback", None)],
             declarations=[(70, RIGHT)])
    assert c.stage("contain").points == 0 and c.stage("characterise").points == 0
    assert c.stage("acknowledge").points == 0 and c.overall <= 50
    assert any("before the page" in r for r in c.conduct.reasons())


def test_a_kill_switch_left_off_earns_contain_but_not_mitigate() -> None:
    c = card(actions=[(800, "ack", None), (810, "feature-off", None)])
    assert c.stage("contain").points > 0 and c.stage("mitigate").points == 0
    assert c.overall <= 50


def test_a_fallback_left_on_after_the_fix_is_not_mitigation() -> None:
    c = card(actions=[(800, "ack", None), (810, "fallback", "cached"), (1000, "prompt-rollback", None)])
    assert c.stage("mitigate").points == 0 and "never came back live" in c.stage("mitigate").explanation


def test_declarations_before_the_page_do_not_count() -> None:
    c = card(actions=good(), declarations=[(100, RIGHT)])
    assert c.stage("characterise").points == 0
    assert "before it do not count" in c.stage("characterise").explanation


def test_spraying_declarations_scores_worse_than_one_honest_wrong_guess() -> None:
    honest = card(actions=good(), declarations=[(1000, {"symptom": "wrong-answers", "cause": "retrieval"})])
    spray = [(1000 + i, {"symptom": s, "cause": c}) for i, (s, c) in enumerate(
        [(s, c) for s in ("wrong-answers", "errors", "latency", "refusals") for c in ("prompt", "model", "retrieval")])]
    sprayed = card(actions=good(), declarations=spray)
    assert sprayed.overall < honest.overall
    assert len(sprayed.conduct.declaration_changes) > 5


def test_every_change_of_a_declared_field_is_counted_and_costs() -> None:
    once = card(actions=good(), declarations=[(1000, RIGHT)])
    changed = card(actions=good(), declarations=[(950, {**RIGHT, "cause": "model"}), (1000, RIGHT)])
    assert changed.conduct.declaration_changes == ["cause model → prompt at 14:16"]
    assert once.overall - changed.overall >= 2


def test_failed_actions_are_counted() -> None:
    failed = Event(850, EventKind.ACTION, "ana", {"action": "prompt-rollback", "arg": "v9", "ok": False,
                                                  "message": "no prompt version 'v9'"})
    c, clean = card(actions=good(), extra=[failed]), card(actions=good())
    assert c.conduct.failed_actions and clean.overall - c.overall == 1


def test_an_action_that_made_it_worse_is_judged_over_a_window_above_noise() -> None:
    worse = card(actions=[*good(), (1500, "feature-on", None)], extra=[])
    assert not worse.conduct.harmful_actions  # back to normal after the fix: not worse
    reopened = card(actions=[(800, "ack", None), (900, "fallback", "cached"), (1000, "fallback", "off")])
    assert any("fallback:off at 14:16" in a for a in reopened.conduct.harmful_actions)


def test_the_noise_test_needs_a_real_difference() -> None:
    assert not fell(9, 12) and not rose(12, 9)  # a few units either way is noise
    assert fell(0, 20) and rose(40, 10)
    assert not fell(95, 100) and not rose(105, 100)  # 5% of a big count is noise too


def test_chasing_a_red_herring_costs_points_but_fixing_a_real_second_fault_does_not() -> None:
    rebuild = [(950, "index-rebuild", None)]
    chased = card(actions=good() + rebuild)
    assert chased.conduct.red_herrings and chased.overall < card(actions=good()).overall
    second = Event(700, EventKind.FAULT_STARTED, "runner", {"fault_id": "cg-1", "type": "context_growth",
                                                             "stage": "retrieval", "params": {}, "target": {}})
    assert not card(actions=good() + rebuild, extra=[second]).conduct.red_herrings


def test_hints_cost_their_points() -> None:
    hint = Event(900, EventKind.HINT, "ana", {"index": 0, "text": "look", "cost": 5})
    assert card(actions=good()).overall - card(actions=good(), extra=[hint]).overall == pytest.approx(5)


def test_only_a_verified_eval_case_passes_the_postmortem() -> None:
    added = Event(2300, EventKind.EVAL_ADDED, "pm", {"case_id": "c1", "question": "q", "expect": "$49",
                                                     "segment": "free", "trace_id": None})
    rejected = Event(2301, EventKind.EVAL_VERIFIED, "pm", {"case_id": "c1", "verified": False, "reason": "no"})
    verified = Event(2301, EventKind.EVAL_VERIFIED, "pm", {"case_id": "c1", "verified": True, "reason": "ok"})
    removed = Event(2302, EventKind.EVAL_REMOVED, "pm", {"case_id": "c1"})
    assert card(actions=good(), extra=[added]).stage("postmortem").verdict == "fail"
    assert card(actions=good(), extra=[added, rejected]).stage("postmortem").verdict == "fail"
    assert card(actions=good(), extra=[added, verified]).stage("postmortem").verdict == "pass"
    assert card(actions=good(), extra=[added, verified, removed]).stage("postmortem").verdict == "fail"


def test_an_excellent_team_scores_high_and_the_card_shows_its_arithmetic() -> None:
    added = Event(2300, EventKind.EVAL_ADDED, "pm", {"case_id": "c1", "question": "q", "expect": "$49"})
    verified = Event(2301, EventKind.EVAL_VERIFIED, "pm", {"case_id": "c1", "verified": True, "reason": "ok"})
    c = card(actions=good(contain=800, mitigate=900), declarations=[(820, RIGHT)], extra=[added, verified])
    assert c.overall >= 85
    for s in c.stages:
        assert s.formula and f"= {s.points:.1f}" in s.formula
    md = render_markdown(c)
    assert "## The arithmetic" in md and "harm left / harm had nobody responded" in md


def test_harm_weights_follow_the_runbook() -> None:
    slo = SCENARIO.world.latency_slo_ms
    kinds = {
        "wrong": harm_kind(request(1, "u", bad=True).data, slo),
        "error": harm_kind(request(1, "u", status="error").data, slo),
        "refused": harm_kind(request(1, "u", status="refused", refused_wrongly=True).data, slo),
        "slow": harm_kind(request(1, "u", latency_ms=slo + 1).data, slo),
        "unavailable": harm_kind(request(1, "u", status="unavailable").data, slo),
        "fallback right": harm_kind(request(1, "u", status="cached", fallback="cached").data, slo),
    }
    from scorecards.harm import WEIGHTS

    assert kinds["fallback right"] is None
    assert WEIGHTS[kinds["wrong"]] > WEIGHTS[kinds["error"]] > WEIGHTS[kinds["unavailable"]] > 0
    assert WEIGHTS[kinds["refused"]] == WEIGHTS[kinds["slow"]] == WEIGHTS[kinds["error"]]


@pytest.mark.parametrize("seed", range(4))
def test_overall_stays_within_0_and_100(seed: int) -> None:
    rng = random.Random(seed)
    extra = [Event(rng.uniform(700, 2000), EventKind.HINT, "x", {"index": i, "text": "h", "cost": rng.uniform(0, 40)})
             for i in range(rng.randint(0, 6))]
    acts = [(rng.uniform(700, 2000), rng.choice(["index-rebuild", "feature-off", "feature-on"]), None)
            for _ in range(rng.randint(0, 5))]
    c = score(journal(actions=acts, extra=extra, seed=seed), SCENARIO, BASELINE)
    assert 0 <= c.overall <= 100


def test_rescoring_gives_the_same_card_byte_for_byte() -> None:
    events = journal(actions=good(), declarations=[(1000, RIGHT)])
    assert render_json(score(events, SCENARIO, BASELINE)) == render_json(score(events, SCENARIO, BASELINE))
    assert json.loads(render_json(score(events, SCENARIO, BASELINE)))["baseline"] == "counterfactual"


def test_the_card_keeps_the_baseline_it_was_scored_against_so_rescoring_from_it_gives_the_same_card() -> None:
    events = journal(actions=good(), declarations=[(1000, RIGHT)])
    card = json.loads(render_json(score(events, SCENARIO, BASELINE)))
    assert card["baseline_profile"] == BASELINE
    assert render_json(score(events, SCENARIO, card["baseline_profile"])) == render_json(
        score(events, SCENARIO, BASELINE))
    assert json.loads(render_json(score(events, SCENARIO)))["baseline_profile"] is None  # estimated: the journal's


def test_without_a_baseline_the_scorer_estimates_one_and_says_so() -> None:
    c = score(journal(actions=good()), SCENARIO)
    assert c.baseline == "estimated" and c.stage("contain").points > 20
    assert "estimated from the journal" in render_markdown(c)


def test_renderings_carry_the_figures_conduct_reasons_and_a_self_contained_chart() -> None:
    c = card(actions=[*good(), (950, "index-rebuild", None)], declarations=[(1000, RIGHT)])
    md, html = render_markdown(c), render_html(c)
    assert "| contain | pass | 2.0 min |" in md and f"**{c.blast_radius.bad_before}**" in md
    assert "red herring: index-rebuild" in md or "index-rebuild at 14:15" in md
    assert "<svg" in html and "<path" in html and "<script" not in html
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(render_terminal(c))
    text = console.export_text()
    assert "red herring: index-rebuild at 14:15" in text and "harm left" in text


def test_a_field_the_incident_does_not_have_is_not_checked_unless_someone_declared_it() -> None:
    assert SCENARIO.ground_truth.segment is None
    checks = {f.field: f for f in card(actions=good(), declarations=[(1000, RIGHT)]).characterisation}
    assert "segment" not in checks and checks["change_id"].truth == "CHG-202"
    wrong = {f.field: f for f in card(declarations=[(1000, {**RIGHT, "segment": "enterprise"})]).characterisation}
    assert wrong["segment"].truth == "none (all users)" and wrong["segment"].ok is False
    everyone = {f.field: f for f in card(declarations=[(1000, {**RIGHT, "segment": "all"})]).characterisation}
    assert everyone["segment"].ok is True
    for rendered in (render_markdown(card(declarations=[(1000, RIGHT)])),
                     render_html(card(declarations=[(1000, RIGHT)]))):
        assert "None" not in rendered


def test_contain_and_the_blast_radius_compare_against_the_same_nobody_responded_harm() -> None:
    c = card(actions=good(), declarations=[(1000, RIGHT)])
    contain = c.stage("contain")
    assert c.blast_radius.baseline_harm_units == pytest.approx(contain.numbers["baseline_harm"], abs=0.01)
    # harm left stops at the restoration; the blast radius runs to the end, and the card says so
    assert c.blast_radius.harm_units >= contain.numbers["harm_left"]
    if c.blast_radius.harm_units - contain.numbers["harm_left"] >= 0.05:
        assert "counted to the restoration at" in contain.explanation


def test_a_drill_scored_before_its_end_says_so_on_every_format() -> None:
    ended = card(actions=good())
    assert ended.ended is not None and ended.partial is None
    cut = [e for e in journal(actions=good()) if e.kind is not EventKind.DRILL_ENDED and e.t_s < 1500]
    interrupted = [*cut, Event(cut[-1].t_s, EventKind.DRILL_ENDED, "runner", {"reason": "interrupted",
                                                                             "interrupted": True})]
    for events, word in ((cut, "not ended"), (interrupted, "interrupted")):
        c = score(events, SCENARIO, BASELINE)
        assert c.partial is not None and c.partial.startswith(word) and "14:24" in c.partial
        assert json.loads(render_json(c))["partial"] == c.partial
        assert c.partial in render_markdown(c) and html.escape(c.partial) in render_html(c)
    assert "interrupted" not in render_markdown(ended) and json.loads(render_json(ended))["partial"] is None


def test_a_topic_switched_off_that_restores_the_feature_also_contains_it() -> None:
    """Switching off the harmed topic is a runbook mitigation; the card must not say the incident was
    contained later (by switching it back on after the fix) than it was mitigated."""
    acts = [(800, "ack", None), (810, "topic-disable", "pricing"), (1000, "prompt-rollback", None),
            (1100, "topic-enable", "pricing")]
    c = score(journal(actions=acts, bad_share=0.3), SCENARIO, profile(journal(bad_share=0.3), SCENARIO).to_dict())
    assert "mitigated by topic-disable:pricing at 14:13" in c.stage("mitigate").explanation
    assert "contained at 14:13 by topic-disable:pricing" in c.stage("contain").explanation
    assert c.stage("contain").verdict == "pass"


def test_the_blast_radius_headline_names_harm_that_is_not_a_wrong_answer() -> None:
    """A latency incident harms thousands without one wrong answer: the headline must not read as zeros."""
    slow = [request(t, f"u{int(t) % 40}", latency_ms=20_000) for t in range(800, 1400, 2)]
    c = card(extra=slow)
    kinds = {k.kind: k.requests for k in c.blast_radius.by_kind}
    assert kinds["slow"] == len(slow) and f"{len(slow)} slow" in c.blast_radius.kinds_text
    assert f"{c.blast_radius.harmed_requests}</b>requests harmed" in render_html(c)
