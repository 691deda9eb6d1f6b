"""The scorecard for a terminal (rich): the same data the Markdown and HTML renderers read."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from scorecards.card import Scorecard, shown

STYLE = {"pass": "green", "fail": "red", "n/a": "dim"}


def render_terminal(card: Scorecard) -> Group:
    head = Panel(
        f"[bold]{card.overall:.0f}/100[/bold]  grade [bold]{card.grade}[/bold]   "
        f"drill {card.drill_id} · paged at {card.page_clock} · hints −{card.hint_cost:g} · "
        f"conduct −{card.conduct.penalty:g}"
        + (f"\n[bold yellow]{escape(card.partial)}[/]" if card.partial else ""),
        title=card.scenario_title,
    )
    stages = Table("stage", "verdict", "after page", "target", "points", "why", title="stages", expand=True)
    for s in card.stages:
        stages.add_row(
            s.name,
            f"[{STYLE[s.verdict]}]{s.verdict}[/]",
            "—" if s.at_s is None else f"{s.at_s / 60:.1f} m",
            "—" if s.target_s is None else f"{s.target_s / 60:.0f} m",
            f"{s.points:.1f}/{s.weight:g}",
            f"{s.explanation}\n[dim]{escape(s.formula)}[/]" if s.formula else s.explanation,
        )
    br = card.blast_radius
    blast = Table("harm", "weight", "requests", "users", "before containment", "after", title="blast radius")
    for k in br.by_kind:
        if k.requests:
            blast.add_row(k.kind, f"{k.weight:g}", str(k.requests), str(k.users), str(k.before), str(k.after))
    blast.caption = (f"harm from the page to the end {br.harm_units:.1f} units vs {br.baseline_harm_units:.1f} "
                     f"had nobody responded · cost overrun ${br.cost_overrun_usd:.4f} "
                     f"vs ${br.baseline_cost_overrun_usd:.4f}")
    fields = Table("field", "declared", "truth", "right?", title="characterisation")
    for f in card.characterisation:
        fields.add_row(
            f.field,
            escape(shown(f.declared)),
            escape(shown(f.truth)),
            "—" if f.ok is None else ("[green]yes[/]" if f.ok else "[red]no[/]"),
        )
    c = card.conduct
    reasons = c.reasons()
    conduct = Panel("\n".join(escape(r) for r in reasons) or "nothing cost points",
                    title=f"conduct −{c.penalty:g}" + (f" ({escape(c.formula)})" if reasons else ""))
    return Group(head, stages, blast, fields, conduct)
