"""``firedrill score | postmortem | scores | eval``: the lesson, from the journal."""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

from chaos.cli import cli
from chaos.errors import DrillError, FiredrillError
from chaos.eventlog import EventLog
from chaos.scenario import Scenario


def _db_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--db",
        type=click.Path(path_type=Path),
        help="Journal directory or file (default $FIREDRILL_HOME/drills/, one file per drill).",
    )(func)


def _token_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--token", envvar="FIREDRILL_ADMIN_TOKEN", default="", show_envvar=True,
        help="The facilitator token: needed while the drill is still running (the report names the truth).",
    )(func)


def _open(db: Path | None, drill_id: str, *, token: str | None = None,
          post_mortem: bool = False) -> tuple[EventLog, Scenario]:
    """The drill's journal and the scenario as it was drilled (kept in the journal, never today's file).

    With ``token`` given (score, post-mortem) a drill still running is opened only for its facilitator:
    those reports name the ground truth, and responders must not read it mid-drill. ``post_mortem``
    work (eval cases) waits for the end: verifying a case mid-drill would be an oracle for the cause,
    and only the drill's runner may write to its journal while it runs."""
    log = EventLog(db)
    record = log.drill(drill_id)
    if post_mortem and record.status == "running":
        raise DrillError(f"drill {drill_id} is still running: eval cases are the post-mortem's, so end the drill "
                         "first (`firedrill drill end`), then add and verify them here or in the room's debrief")
    if token is not None and record.status == "running" and not log.is_facilitator(drill_id, token):
        raise DrillError(f"drill {drill_id} is still running and its report names the ground truth: pass the "
                         "facilitator token (--token or FIREDRILL_ADMIN_TOKEN), or wait until it ends")
    scenario = log.scenario(drill_id)
    _warn(log)
    if record.interrupted:
        click.secho(f"note: drill {drill_id} was interrupted before its end (the runner stopped); "
                    "it is scored as far as it got", fg="yellow", err=True)
    return log, scenario


def _warn(log: EventLog) -> None:
    for line in log.damage:
        click.secho(f"warning: {line}", fg="yellow", err=True)


def _card(log: EventLog, drill_id: str, scenario: Scenario):  # type: ignore[no-untyped-def]
    """The scorecard against the drill's counterfactual baseline (computed once, then cached)."""
    from chaos.baseline import baseline_for
    from scorecards import score as score_drill

    return score_drill(log.events(drill_id), scenario, baseline_for(scenario, log.drill(drill_id).seed))


def _emit(text: str, out: Path | None) -> None:
    """To stdout, or to ``out`` with a one-line receipt."""
    if out is None:
        click.echo(text)
    else:
        out.write_text(text)
        click.echo(f"wrote {out}")


@cli.command()
@click.argument("drill_id")
@click.option("--format", "fmt", type=click.Choice(["terminal", "md", "html", "json"]), default="terminal")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@_db_option
@_token_option
def score(drill_id: str, fmt: str, out: Path | None, db: Path | None, token: str) -> None:
    """Score a drill: stage times, blast radius, verdicts and the overall 0-100."""
    from scorecards import render_html, render_json, render_markdown, render_terminal

    log, scenario = _open(db, drill_id, token=token)
    card = _card(log, drill_id, scenario)
    if fmt == "terminal" and out is None:
        Console().print(render_terminal(card))
        return
    _emit({"md": render_markdown, "html": render_html, "json": render_json, "terminal": render_markdown}[fmt](card),
          out)


@cli.command()
@click.argument("drill_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@_token_option
def postmortem(drill_id: str, out: Path | None, db: Path | None, token: str) -> None:
    """Write a blameless post-mortem draft (Markdown) prefilled from the drill."""
    from scorecards import postmortem_markdown

    log, scenario = _open(db, drill_id, token=token)
    _emit(postmortem_markdown(log.events(drill_id), scenario, _card(log, drill_id, scenario)), out)


def _date(wall: str) -> str:
    """``2026-12-02T14:20:11…`` as ``12-02 14:20``: the year is rarely news, the table is narrow."""
    return f"{wall[5:10]} {wall[11:16]}"


@cli.command()
@_db_option
def scores(db: Path | None) -> None:
    """Past drills with their stage times and grades, and the trend per scenario."""
    log = EventLog(db)
    rows: list[dict[str, str]] = []
    last: dict[tuple[str | None, str], float] = {}
    for record in sorted(log.drills(), key=lambda r: (r.created_wall, r.id)):
        row = {"drill": record.id, "team": record.team or "—", "date": _date(record.created_wall),
               # a drill id names its scenario, but a spin's does not (and says nothing until it ends)
               "scenario": "" if not record.id.startswith("spin-") else
               "?" if record.status == "running" else record.scenario_id}
        if record.status == "running":
            rows.append({**row, "score": "running"})
            continue
        try:
            card = _card(log, record.id, log.scenario(record.id))
        except FiredrillError as exc:
            click.secho(f"warning: {record.id}: {exc}", fg="yellow", err=True)
            continue
        times = {s.name: "—" if s.at_s is None else f"{s.at_s / 60:.1f}" for s in card.stages}
        key = (record.team, record.scenario_id)
        trend = "" if key not in last else "↑" if card.overall > last[key] else "↓" if card.overall < last[key] else "="
        last[key] = card.overall
        rows.append({**row, "drill": record.id + (" (interrupted)" if record.interrupted else ""),
                     "contain": times["contain"], "char.": times["characterise"], "mitig.": times["mitigate"],
                     "score": f"{card.overall:.0f} {card.grade}", "trend": trend})
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  title="past drills (contain, characterise, mitigate: minutes after the page)")
    table.add_column("drill", no_wrap=True, min_width=max([5, *(len(r["drill"]) for r in rows)]))  # never cut
    optional = [h for h in ("team", "scenario") if any(r[h] not in ("", "—") for r in rows)]  # if they say anything
    for header in optional:
        table.add_column(header)
    table.add_column("date", no_wrap=True)
    numbers = ("contain", "char.", "mitig.", "score", "trend")
    for header in numbers:
        table.add_column(header, justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r["drill"], *(r[h] for h in optional), r["date"], *(r.get(h, "") for h in numbers))
    Console().print(table)
    _warn(log)


@cli.group("eval")
def eval_group() -> None:
    """Eval cases from an incident: add, verify, export."""


@eval_group.command("add")
@click.argument("drill_id")
@click.option("--question", help="The question the case asks.")
@click.option("--from-trace", "trace_id", help="Copy the question (inputs only) from this trace.")
@click.option("--expect", help="Text a right answer contains (case-insensitive; the same as --assert icontains=TEXT).")
@click.option("--assert", "asserts", multiple=True, metavar="TYPE[=VALUE]",
              help="A promptfoo assertion: contains, icontains, not-contains, regex, equals, is-json, "
                   "latency=MAX_MS, cost=MAX_USD, not-refusal. Repeatable.")
@click.option(
    "--file",
    "cases_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML list of {question | trace_id, expect?, assert?: [{type, value}]}.",
)
@_db_option
def eval_add(
    drill_id: str,
    question: str | None,
    trace_id: str | None,
    expect: str | None,
    asserts: tuple[str, ...],
    cases_file: Path | None,
    db: Path | None,
) -> None:
    """Record a new eval case for a drill."""
    from chaos.loader import read_yaml
    from chaos.verify import add_case

    log, _ = _open(db, drill_id, post_mortem=True)
    entries = read_yaml(cases_file) if cases_file else [
        {"question": question, "trace_id": trace_id, "expect": expect, "assert": [_assertion(a) for a in asserts]}]
    if not isinstance(entries, list):
        raise DrillError(f"{cases_file}: expected a list of cases")
    for entry in entries:
        if not isinstance(entry, dict):
            raise DrillError(f"{cases_file}: each case is a mapping with question (or trace_id) and expect or assert")
        case = add_case(log, drill_id, question=entry.get("question"), expect=entry.get("expect"),
                        assertions=list(entry.get("assert") or []), trace_id=entry.get("trace_id"),
                        segment=entry.get("segment"))
        click.echo(f"added {case.case_id}: {case.question!r} asserts {_describe(case)}")


def _assertion(text: str) -> dict[str, object]:
    kind, sep, value = text.partition("=")
    if not sep:
        return {"type": kind.strip()}
    if kind.strip() in ("latency", "cost"):
        try:
            return {"type": kind.strip(), "value": float(value)}
        except ValueError:
            raise DrillError(f"--assert {text!r}: {kind} needs a number") from None
    return {"type": kind.strip(), "value": value}


def _describe(case) -> str:  # type: ignore[no-untyped-def]
    from scorecards.assertions import describe

    return describe(case.assertions)


@eval_group.command("rm")
@click.argument("drill_id")
@click.argument("case_id")
@_db_option
def eval_rm(drill_id: str, case_id: str, db: Path | None) -> None:
    """Remove an eval case (journaled: the journal is append-only)."""
    from chaos.verify import remove_case

    log, _ = _open(db, drill_id, post_mortem=True)
    remove_case(log, drill_id, case_id)
    click.echo(f"removed {case_id}")


@eval_group.command("verify")
@click.argument("drill_id")
@_db_option
def eval_verify(drill_id: str, db: Path | None) -> None:
    """Check each case: passes healthy, fails in the incident, passes after the mitigation. Exits 1 on a rejection."""
    from chaos.verify import verify

    log, scenario = _open(db, drill_id, post_mortem=True)
    verdicts = verify(log, drill_id, scenario)
    if not verdicts:
        raise DrillError(f"drill {drill_id} has no eval cases; add one with `firedrill eval add`")
    for v in verdicts:
        mark = "[green]verified[/]" if v.verified else "[red]rejected[/]"
        Console().print(f"{v.case_id}: {mark} — {v.reason}")
    rejected = [v.case_id for v in verdicts if not v.verified]
    if rejected:
        click.echo(f"{len(rejected)} of {len(verdicts)} case(s) rejected: {', '.join(rejected)}", err=True)
        raise SystemExit(1)


@eval_group.command("export")
@click.argument("drill_id")
@click.option("--format", "fmt", type=click.Choice(["promptfoo", "openai-evals"]), default="promptfoo")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
def eval_export(drill_id: str, fmt: str, out: Path | None, db: Path | None) -> None:
    """Export the drill's eval cases (never rejected ones) as promptfoo tests or OpenAI-evals JSONL."""
    from scorecards import to_openai_evals, to_promptfoo
    from scorecards.evals import cases, exportable

    log, _ = _open(db, drill_id)
    events = list(log.events(drill_id))
    found = exportable(events)
    left_out = len(cases(events)) - len(found)
    if left_out:
        click.echo(f"left out {left_out} rejected case(s)", err=True)
    text = to_promptfoo(found, drill_id) if fmt == "promptfoo" else to_openai_evals(found)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text)
        click.echo(f"wrote {len(found)} case(s) to {out}")
