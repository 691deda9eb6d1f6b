"""Eval cases really catch the incident; the post-mortem draft carries the five questions and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from chaos.baseline import baseline_for
from chaos.cli import main
from chaos.drill import Drill
from chaos.errors import DrillError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import load_scenario
from chaos.playbook import load_playbook
from chaos.verify import add_case, remove_case, verify
from fake_llm.world.world import World
from scorecards import postmortem_markdown, score, to_openai_evals, to_promptfoo
from scorecards.evals import cases, exportable


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("drills") / "drills.sqlite3"
    log = EventLog(db, durable=False)
    run = Drill(load_scenario("prompt-regression"), log=log, responder=load_playbook("runbook").responder())
    return db, run.run()


def first_bad(log: EventLog, drill_id: str) -> dict:  # type: ignore[type-arg]
    return next(e.data for e in log.events(drill_id) if e.kind is EventKind.REQUEST and e.data["bad"])


def test_a_case_from_a_failing_trace_is_verified(drill: tuple[Path, str]) -> None:
    db, drill_id = drill
    log = EventLog(db)
    bad = first_bad(log, drill_id)
    world = World(seed=11)  # the drill's seed: the same company, the same truth
    key = world.kb.expected(world.question_for(bad["question"]))
    assert key is not None
    case = add_case(log, drill_id, question=None, expect=key, trace_id=bad["trace_id"])
    assert case.question == bad["question"] and case.trace_id == bad["trace_id"]
    [verdict] = [v for v in verify(log, drill_id, load_scenario("prompt-regression")) if v.case_id == case.case_id]
    assert verdict.verified, verdict.reason
    scenario = load_scenario("prompt-regression")
    card = score(log.events(drill_id), scenario, baseline_for(scenario, 11))
    assert card.stage("postmortem").verdict == "pass"


def test_a_case_that_would_not_have_caught_it_is_rejected_with_the_reason(drill: tuple[Path, str]) -> None:
    db, drill_id = drill
    log = EventLog(db)
    verdicts = {v.case_id: v for v in verify(log, drill_id, load_scenario("prompt-regression"))}
    case = add_case(log, drill_id, question="What is the refund window?", expect="I'm sorry")
    verdict = {v.case_id: v for v in verify(log, drill_id, load_scenario("prompt-regression"))}[case.case_id]
    assert not verdict.verified and verdicts is not None
    assert "would not have caught" in verdict.reason or "still fails" in verdict.reason or "healthy" in verdict.reason
    assert case.case_id not in {c.case_id for c in exportable(list(log.events(drill_id)))}


def test_incomplete_or_unknown_traces_are_refused(drill: tuple[Path, str]) -> None:
    db, drill_id = drill
    with pytest.raises(DrillError, match="no trace"):
        add_case(EventLog(db), drill_id, question=None, expect="x", trace_id="tr-nope")
    with pytest.raises(DrillError, match="unknown assertion type"):
        add_case(EventLog(db), drill_id, question="q", assertions=[{"type": "smells-right"}])


def test_exports_are_promptfoo_yaml_and_openai_evals_jsonl(drill: tuple[Path, str]) -> None:
    db, drill_id = drill
    add_case(EventLog(db), drill_id, question="What is the refund window?", expect="days")
    found = cases(EventLog(db).events(drill_id))
    tests = yaml.safe_load(to_promptfoo(found, drill_id))
    assert tests and tests[0]["vars"]["question"] and tests[0]["assert"][0]["type"] == "icontains"
    assert remove_case is not None
    assert tests[0]["metadata"]["incident"] == drill_id
    lines = [json.loads(line) for line in to_openai_evals(found).splitlines()]
    assert lines[0]["input"][-1]["role"] == "user" and lines[0]["ideal"]


def test_postmortem_has_the_five_questions_and_exact_figures(drill: tuple[Path, str]) -> None:
    db, drill_id = drill
    log = EventLog(db)
    scenario = load_scenario("prompt-regression")
    card = score(log.events(drill_id), scenario, baseline_for(scenario, 11))
    text = postmortem_markdown(log.events(drill_id), scenario, card)
    for question in (
        "What happened?",
        "When did it start?",
        "Why didn't we catch it before it hit users?",
        "What made it hard to diagnose?",
        "What changes prevent recurrence?",
    ):
        assert question in text
    assert f"bad answers served: **{card.blast_radius.bad_total}**" in text
    br = card.blast_radius
    assert f"requests harmed in any way: **{br.harmed_requests}** of {br.requests} ({br.kinds_text})" in text
    assert "firedrill trace tr-" in text and "## Timeline" in text


def test_cli_score_formats_and_scores_listing(
    monkeypatch: pytest.MonkeyPatch, drill: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    db, drill_id = drill
    out = tmp_path / "card.html"
    main(["score", drill_id, "--db", str(db), "--format", "html", "--out", str(out)])
    assert "<svg" in out.read_text() and "wrote" in capsys.readouterr().out
    main(["score", drill_id, "--db", str(db), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["drill_id"] == drill_id
    main(["scores", "--db", str(db)])
    assert "prompt-regression" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["score", "nope-1", "--db", str(db)])
    assert exc.value.code != 0 and "recent drills" in capsys.readouterr().err
