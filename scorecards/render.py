"""Scorecards as text: Markdown, JSON and one self-contained HTML page. Each reads the same data."""

from __future__ import annotations

import json
from html import escape

from scorecards.card import Scorecard, shown
from scorecards.chart import timeline_svg


def render_json(card: Scorecard) -> str:
    return json.dumps(card.to_dict(), indent=2, sort_keys=True)


def _fmt_min(at_s: float | None) -> str:
    return "—" if at_s is None else f"{at_s / 60:.1f} min"


def _baseline_words(card: Scorecard) -> str:
    if card.baseline == "estimated":
        return ("incident as it was before anyone acted, carried to the end (estimated from the journal: "
                "no counterfactual run was given)")
    return "counterfactual baseline: the same scenario and seed with nobody responding"


def render_markdown(card: Scorecard) -> str:
    br = card.blast_radius
    lines = [
        f"# Scorecard: {card.scenario_title}",
        "",
        f"Drill `{card.drill_id}` · scenario `{card.scenario_id}` · seed {card.seed} · paged at {card.page_clock}",
        "",
        f"**Overall: {card.overall:.0f}/100 (grade {card.grade})**",
        "",
        *([f"> **Warning — {card.partial}.**", ""] if card.partial else []),
        "| stage | verdict | time after page | target | points | weight | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in card.stages:
        lines.append(
            f"| {s.name} | {s.verdict} | {_fmt_min(s.at_s)} | {_fmt_min(s.target_s)} | {s.points:.1f} | "
            f"{s.weight:g} | {s.explanation} |"
        )
    lines += [
        "",
        f"Hints: {len(card.hints)} used, −{card.hint_cost:g} points. Conduct: −{card.conduct.penalty:g} points.",
        "",
        "## The arithmetic",
        "",
        f"Harm is measured against the {_baseline_words(card)}.",
        "",
    ]
    lines += [f"- **{s.name}**: {s.formula}" for s in card.stages if s.formula]
    lines += [
        f"- **conduct**: −({card.conduct.formula or '0'})",
        f"- **overall**: {' + '.join(f'{s.points:.1f}' for s in card.stages)} − {card.hint_cost:g} (hints) "
        f"− {card.conduct.penalty:g} (conduct) = {card.overall:.1f} (floored at 0, capped at 100)",
        "",
        "## Blast radius",
        "",
        f"- bad answers before containment: **{br.bad_before}** (seen by {br.users_before} users)",
        f"- bad answers after containment: **{br.bad_after}** (seen by {br.users_after} users)",
        f"- requests harmed in any way: {br.harmed_requests} of {br.requests}, reaching {br.harmed_users} users",
        f"- harm from the page to the end: {br.harm_units:.1f} units against {br.baseline_harm_units:.1f} had "
        "nobody responded",
        f"- cost overrun after the page: ${br.cost_overrun_usd:.4f} (${br.baseline_cost_overrun_usd:.4f} had nobody "
        f"responded); total spend ${br.cost_usd:.4f}",
        "",
        "| harm | weight | requests | users | before containment | after |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {k.kind} | {k.weight:g} | {k.requests} | {k.users} | {k.before} | {k.after} |" for k in br.by_kind]
    lines += [
        "",
        "## Characterisation (latest declaration)",
        "",
        "| field | declared | truth | right? |",
        "|---|---|---|---|",
    ]
    for f in card.characterisation:
        ok = "—" if f.ok is None else ("yes" if f.ok else "no")
        lines.append(f"| {f.field} | {shown(f.declared)} | {shown(f.truth)} | {ok} |")
    c = card.conduct
    lines += [
        "",
        "## Conduct",
        "",
        f"- minutes spent on other things while users still got bad answers: {c.investigating_while_affected_min:g}",
        f"- actions that made it worse: {', '.join(c.harmful_actions) or 'none'}",
        f"- actions with no effect: {', '.join(c.no_effect_actions) or 'none'}",
        f"- red herrings chased: {', '.join(c.red_herrings) or 'none'}",
        f"- failed or rejected actions: {', '.join(c.failed_actions) or 'none'}",
        f"- changes to the characterisation: {', '.join(c.declaration_changes) or 'none'}",
        f"- before the page (no credit): {', '.join(c.ignored_before_page) or 'nothing'}",
    ]
    if card.evals:
        lines += ["", "## Eval cases", ""]
        lines += [
            f"- `{e['case_id']}` {'verified' if e['verified'] else 'NOT verified'}: {e['question']} → "
            f"expects “{e['expect']}” ({e['reason']})"
            for e in card.evals
        ]
    return "\n".join(lines) + "\n"


CSS = """
body{font-family:system-ui,-apple-system,sans-serif;margin:2rem auto;max-width:1000px;color:#212529;padding:0 1rem}
h1{margin-bottom:.2rem} .meta{color:#868e96} .score{font-size:3rem;font-weight:700}
.grade{display:inline-block;border-radius:8px;padding:.2rem .8rem;color:#fff;font-weight:700;margin-left:.5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0} td,th{border-bottom:1px solid #e9ecef;padding:.4rem;
text-align:left;vertical-align:top} .pass{color:#2f9e44;font-weight:600} .fail{color:#e03131;font-weight:600}
.cards{display:flex;gap:1rem} .card{flex:1;background:#f8f9fa;border-radius:8px;padding:.8rem}
.card b{font-size:1.6rem;display:block}
.partial{background:#fff3bf;border-left:4px solid #f59f00;padding:.6rem .8rem;font-weight:600}
"""
GRADE_COLORS = {"A": "#2f9e44", "B": "#74b816", "C": "#f59f00", "D": "#f76707", "F": "#e03131"}


def render_html(card: Scorecard) -> str:
    br = card.blast_radius
    rows = "".join(
        f"<tr><td>{s.name}</td><td class='{s.verdict.replace('/', '')}'>{s.verdict}</td><td>{_fmt_min(s.at_s)}</td>"
        f"<td>{_fmt_min(s.target_s)}</td><td>{s.points:.1f} / {s.weight:g}</td><td>{escape(s.explanation)}"
        f"<br><small>{escape(s.formula)}</small></td></tr>"
        for s in card.stages
    )
    fields = "".join(
        f"<tr><td>{f.field}</td><td>{escape(shown(f.declared))}</td>"
        f"<td>{escape(shown(f.truth))}</td><td>{'—' if f.ok is None else ('✔' if f.ok else '✘')}</td></tr>"
        for f in card.characterisation
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Scorecard {escape(card.drill_id)}</title><style>{CSS}</style></head><body>
<h1>{escape(card.scenario_title)}</h1>
<div class="meta">drill {escape(card.drill_id)} · scenario {escape(card.scenario_id)} · seed {card.seed} ·
paged at {card.page_clock}</div>
<p><span class="score">{card.overall:.0f}</span>/100
<span class="grade" style="background:{GRADE_COLORS[card.grade]}">{card.grade}</span></p>
{f'<p class="partial" role="alert">{escape(card.partial)}</p>' if card.partial else ''}
<div class="cards"><div class="card"><b>{br.harmed_requests}</b>requests harmed of {br.requests}
({escape(br.kinds_text)})</div>
<div class="card"><b>{br.harmed_users}</b>users harmed</div>
<div class="card"><b>{br.bad_before}</b>bad answers before containment, seen by {br.users_before} users</div>
<div class="card"><b>{len([e for e in card.evals if e["verified"]])}</b>verified eval cases</div></div>
<h2>Timeline</h2>{timeline_svg(card.timeline)}
<h2>Stages</h2><table><tr><th>stage</th><th>verdict</th><th>after page</th><th>target</th><th>points</th>
<th>why</th></tr>{rows}</table>
<p>Hints used: {len(card.hints)} (−{card.hint_cost:g}) · conduct penalty −{card.conduct.penalty:g}
({escape(card.conduct.formula)}) · harm from the page to the end {br.harm_units:.1f} units against
{br.baseline_harm_units:.1f} had nobody responded · cost overrun ${br.cost_overrun_usd:.4f}</p>
<ul>{"".join(f"<li>{escape(r)}</li>" for r in card.conduct.reasons())}</ul>
<h2>Characterisation</h2><table><tr><th>field</th><th>declared</th><th>truth</th><th>right?</th></tr>{fields}</table>
</body></html>
"""
