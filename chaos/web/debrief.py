"""The debrief: the scorecard with its arithmetic, the story chart, the post-mortem draft and the
eval cases, all rendered from the journal after the drill (never from live state).

Before the end only the facilitator may look: the scorecard compares declarations with the
ground truth, so responders get it once nothing they do can count any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from chaos.baseline import baseline_for
from scorecards import Scorecard, postmortem_markdown, score
from scorecards.chart import clock, timeline_svg

if TYPE_CHECKING:
    from chaos.drill import Drill


@dataclass(frozen=True)
class Term:
    """One line of the score's sum: what it is, its sign and its points."""

    label: str
    points: float
    detail: str


@dataclass(frozen=True)
class Debrief:
    card: Scorecard
    terms: list[Term]
    raw_total: float
    chart: Markup
    postmortem: str
    evals: list[dict[str, Any]]
    stage_clocks: dict[str, str]  # stage -> the drill-clock time it was reached, as the chart shows it


def arithmetic(card: Scorecard) -> tuple[list[Term], float]:
    """The overall score as a sum anyone can check: stage points, minus hints, minus conduct."""
    terms = [Term(f"{s.name} ({s.verdict})", s.points, s.formula or f"{s.score:.0%} of {s.weight:g}")
             for s in card.stages]
    if card.hint_cost:
        terms.append(Term(f"hints ({len(card.hints)} taken)", -card.hint_cost, "points each hint cost"))
    if card.conduct.penalty:
        terms.append(Term("conduct", -card.conduct.penalty, card.conduct.formula or "see conduct below"))
    return terms, sum(t.points for t in terms)


def build(drill: Drill) -> Debrief:
    events = list(drill.log.events(drill.id))
    card = score(events, drill.scenario, baseline_for(drill.scenario, drill.seed))
    terms, raw = arithmetic(card)
    return Debrief(
        card=card,
        terms=terms,
        raw_total=raw,
        chart=Markup(timeline_svg(card.timeline)),  # noqa: S704 - the chart escapes every label it draws
        postmortem=postmortem_markdown(events, drill.scenario, card),
        evals=card.evals,
        stage_clocks={m.label: clock(m.t_min, card.timeline.clock_start_min)
                      for m in card.timeline.marks if m.kind == "stage"},
    )
