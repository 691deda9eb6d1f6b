"""The timeline chart as inline SVG: quality, error rate and p99 latency over drill minutes,
with fault bands, alerts, responder actions and stage marks. No scripts, no external assets."""

from __future__ import annotations

from html import escape

from scorecards.card import Timeline

W, H = 960, 470
LEFT, RIGHT, TOP = 60, 70, 50
PANEL_H = 150
GAP = 40
COLORS = {
    "quality": "#2f9e44",
    "judge": "#94d82d",
    "error": "#e03131",
    "p99": "#1c7ed6",
    "fault": "#ffe3e3",
    "alert": "#f08c00",
    "action": "#5f3dc4",
    "stage": "#212529",
    "page": "#c92a2a",
    "declaration": "#868e96",
}


def _x(t_min: float, t_max: float) -> float:
    return LEFT + (W - LEFT - RIGHT) * (t_min / t_max if t_max else 0)


def _path(xs: list[float], ys: list[float | None], y0: float, height: float, y_max: float) -> str:
    parts, pen = [], "M"
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            pen = "M"
            continue
        py = y0 + height - height * min(y, y_max) / y_max
        parts.append(f"{pen}{x:.1f},{py:.1f}")
        pen = "L"
    return " ".join(parts)


def timeline_svg(tl: Timeline) -> str:
    if not tl.minutes:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="60"><text x="10" y="30">no traffic '
            f"recorded</text></svg>"
        )
    t_max = float(max(tl.minutes) + 1)
    xs = [_x(m + 0.5, t_max) for m in tl.minutes]
    top1, top2 = TOP, TOP + PANEL_H + GAP
    p99_max = max([p for p in tl.p99_ms if p] or [1.0]) * 1.1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-label="drill timeline" font-family="system-ui, sans-serif" font-size="11">'
    ]
    for start, end, label in tl.fault_bands:
        x0, x1 = _x(start, t_max), _x(end if end is not None else t_max, t_max)
        out.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(2.0, x1 - x0):.1f}" height="{2 * PANEL_H + GAP}" '
            f'fill="{COLORS["fault"]}"><title>fault {escape(label)}</title></rect>'
        )
        out.append(f'<text x="{x0 + 3:.1f}" y="{TOP + 12}" fill="#c92a2a">{escape(label)}</text>')
    for y0, title, axis in (
        (top1, "answer quality (truth) and judge estimate", "100%"),
        (top2, "error rate (red, left) and p99 latency (blue, right)", "100%"),
    ):
        out.append(
            f'<rect x="{LEFT}" y="{y0}" width="{W - LEFT - RIGHT}" height="{PANEL_H}" fill="none" stroke="#ced4da"/>'
        )
        out.append(f'<text x="{LEFT}" y="{y0 - 6}" font-weight="600">{title}</text>')
        out.append(f'<text x="{LEFT - 6}" y="{y0 + 10}" text-anchor="end">{axis}</text>')
        out.append(f'<text x="{LEFT - 6}" y="{y0 + PANEL_H}" text-anchor="end">0</text>')
    out.append(f'<text x="{W - RIGHT + 6}" y="{top2 + 10}" fill="{COLORS["p99"]}">{p99_max / 1000:.1f} s</text>')
    out.append(
        f'<path d="{_path(xs, tl.judge_quality, top1, PANEL_H, 1.0)}" fill="none" '
        f'stroke="{COLORS["judge"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    out.append(
        f'<path d="{_path(xs, tl.quality, top1, PANEL_H, 1.0)}" fill="none" stroke="{COLORS["quality"]}" '
        f'stroke-width="2.5"/>'
    )
    out.append(
        f'<path d="{_path(xs, tl.error_rate, top2, PANEL_H, 1.0)}" fill="none" stroke="{COLORS["error"]}" '
        f'stroke-width="2"/>'
    )
    out.append(
        f'<path d="{_path(xs, tl.p99_ms, top2, PANEL_H, p99_max)}" fill="none" stroke="{COLORS["p99"]}" '
        f'stroke-width="2"/>'
    )
    base = top2 + PANEL_H
    for i, mark in enumerate(tl.marks):
        x = _x(mark.t_min, t_max)
        color = COLORS.get(mark.kind, "#495057")
        dash = "" if mark.kind in ("stage", "page") else ' stroke-dasharray="2 2"'
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{base}" stroke="{color}"{dash}>'
            f"<title>{escape(mark.kind)}: {escape(mark.label)} ({mark.t_min:.1f} min)</title></line>"
        )
        if mark.kind in ("stage", "page", "action", "alert"):
            y = base + 14 + 12 * (i % 4)
            out.append(f'<text x="{x + 2:.1f}" y="{y}" fill="{color}">{escape(mark.label[:24])}</text>')
    step = max(1, int(t_max // 10))
    for m in range(0, int(t_max) + 1, step):
        out.append(f'<text x="{_x(m, t_max):.1f}" y="{H - 4}" text-anchor="middle" fill="#868e96">{m} min</text>')
    legend = [
        ("quality", "quality (truth)"),
        ("judge", "judge estimate"),
        ("error", "error rate"),
        ("p99", "p99 latency"),
        ("alert", "alert"),
        ("action", "responder action"),
        ("stage", "stage reached"),
    ]
    for i, (key, label) in enumerate(legend):
        lx = LEFT + i * 128
        out.append(
            f'<rect x="{lx}" y="{4}" width="10" height="10" fill="{COLORS[key]}"/>'
            f'<text x="{lx + 14}" y="{13}">{label}</text>'
        )
    out.append("</svg>")
    return "".join(out)
