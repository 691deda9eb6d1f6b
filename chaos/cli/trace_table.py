"""The traces table, fitted to the terminal it is printed in.

On-call reads traces on whatever terminal they have, often 80 columns beside the dashboard. A
table of thirteen columns squeezed into 80 wraps every cell into an unreadable ladder, so the
columns that tell a failing request from a good one come first and the rest are added while they
fit; the question takes what is left. What was left out is said, with how to see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich import box
from rich.table import Table

QUESTION_MIN = 20  # narrower than this and the question is unreadable: drop another column instead
PADDING = 3  # a cell's padding (one space each side) and the blank divider between columns
EDGES = 0  # no outer edges (show_edge=False)


@dataclass(frozen=True)
class Column:
    header: str
    priority: int  # lower is kept first when the terminal is narrow
    justify: str = "left"


# in the order they are shown; the priority says which survive a narrow terminal
COLUMNS = (
    Column("trace", 0),
    Column("time", 1),
    Column("result", 2),
    Column("topic", 4),
    Column("model", 5),
    Column("prompt", 3),
    Column("segment", 6),
    Column("ms", 7, "right"),
    Column("ctx tok", 8, "right"),
    Column("out tok", 9, "right"),
    Column("cost $", 10, "right"),
)


def cells(t: dict[str, Any]) -> dict[str, str]:
    """One trace as the table's cells (status and judge read as one result: ok/fail, error, refused)."""
    a = t["attributes"]
    result = t["status"] if t["status"] != "ok" else f"ok/{t['judge']}" if t.get("judge") else "ok"
    return {
        "trace": t["trace_id"], "time": t["time"], "result": result, "topic": t["topic"] or "",
        "model": a.get("gen_ai.response.model") or "", "prompt": a.get("firedrill.prompt.version") or "",
        "segment": t["segment"] or "", "ms": f"{a['firedrill.latency_ms']:.0f}",
        "ctx tok": str(a.get("firedrill.context_tokens") or ""),
        "out tok": str(a.get("gen_ai.usage.output_tokens") or ""),
        "cost $": f"{a['firedrill.cost_usd']:.5f}", "question": t["question"],
    }


def fit(rows: list[dict[str, str]], width: int) -> tuple[list[Column], list[str]]:
    """The columns that fit ``width`` beside a readable question, and the headers left out."""
    need = {c.header: max([len(c.header), *(len(r[c.header]) for r in rows)]) + PADDING for c in COLUMNS}
    budget = width - EDGES - (QUESTION_MIN + PADDING)
    kept: set[str] = set()
    for c in sorted(COLUMNS, key=lambda c: c.priority):
        if need[c.header] <= budget or c.priority <= 1:  # the id and the time, however narrow
            kept.add(c.header)
            budget -= need[c.header]
    return [c for c in COLUMNS if c.header in kept], [c.header for c in COLUMNS if c.header not in kept]


def trace_table(traces: list[dict[str, Any]], width: int) -> tuple[Table, list[str]]:
    rows = [cells(t) for t in traces]
    shown, left_out = fit(rows, width)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for c in shown:
        table.add_column(c.header, no_wrap=True, justify=c.justify)  # type: ignore[arg-type]
    table.add_column("question", overflow="fold", min_width=QUESTION_MIN)
    for r in rows:
        table.add_row(*(r[c.header] for c in shown), r["question"])
    return table, left_out
