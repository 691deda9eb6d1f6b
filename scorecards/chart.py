"""The debrief's timeline chart as inline SVG: the story of the drill on the drill's own clock.

Two metric panels (answer quality; error rate and p99 latency) share an x axis labelled in clock
time (14:05, 14:10 …), as every table of the scorecard is. Behind them, each fault is shaded
from its start to the moment it stopped (fixed, scheduled end, or the end of the drill), and a
facilitator's injection is hatched and labelled as one. Below, one lane per person holds what
they did (actions, declarations, hints), a lane for the page and alerts (a false alert, which no
fault explains, is drawn hollow and says so) and a lane for the stages reached. Labels are
packed into rows so that none overlaps another, however close the moments are. No scripts, no
external assets: it renders the same in a browser, a Markdown viewer and a printed page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from scorecards.card import Mark, Timeline

W = 1200
LEFT, RIGHT = 118, 64
PLOT_W = W - LEFT - RIGHT
PANEL_H = 130
PANEL_GAP = 34
ROW_H = 17
LANE_GAP = 8
FONT_PX = 11
CHAR_W = 6.2  # a generous average glyph width at FONT_PX (DejaVu Sans, the widest usual fallback, averages ~6)
LABEL_MAX = 46
COLORS = {
    "quality": "#2b8a3e", "judge": "#74b816", "error": "#c92a2a", "p99": "#1864ab", "fault": "#ffc9c9",
    "injected": "#9c36b5", "alert": "#d9480f", "false": "#868e96", "page": "#c92a2a", "stage": "#212529",
    "axis": "#495057", "grid": "#e9ecef",
}
PEOPLE = ("#1864ab", "#5f3dc4", "#087f5b", "#a61e4d", "#e67700", "#364fc7", "#2b8a3e", "#862e9c")
TICK_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120)


@dataclass(frozen=True)
class Placed:
    """A label put in a row of its lane: where its marker is and which way its text runs."""

    mark: Mark
    text: str
    row: int
    right: bool  # text to the right of the marker (else to its left)


def text_width(text: str) -> float:
    return len(text) * CHAR_W


def clock(t_min: float, start_min: float) -> str:
    """Drill minutes as the clock the tables print (truncated to the minute, as strftime does)."""
    total = int(math.floor(start_min + t_min + 1e-9)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def pack(items: list[tuple[float, str, Mark]], x_max: float) -> list[Placed]:
    """Greedy interval packing: each label goes in the first row where it clears the last one."""
    ends: list[float] = []
    out = []
    for x, text, mark in sorted(items, key=lambda it: (it[0], it[1])):
        w = text_width(text)
        right = x + 8 + w <= x_max
        lo, hi = (x - 5, x + 8 + w) if right else (x - 8 - w, x + 5)
        for row, end in enumerate(ends):
            if lo > end + 4:
                ends[row] = hi
                break
        else:
            ends.append(hi)
            row = len(ends) - 1
        out.append(Placed(mark, text, row, right))
    return out


class _Canvas:
    def __init__(self, tl: Timeline) -> None:
        self.tl = tl
        self.t_max = max(tl.end_min, float(max(tl.minutes) + 1) if tl.minutes else 1.0, 1.0)
        self.parts: list[str] = []

    def x(self, t_min: float) -> float:
        return LEFT + PLOT_W * max(0.0, min(t_min, self.t_max)) / self.t_max

    def add(self, svg: str) -> None:
        self.parts.append(svg)

    def text(self, x: float, y: float, s: str, *, fill: str = "#212529", anchor: str = "start",
             weight: str = "normal", title: str | None = None) -> None:
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" fill="{fill}" text-anchor="{anchor}" font-weight="{weight}">'
                 f"{tip}{escape(s)}</text>")


def _ticks(t_max: float) -> list[float]:
    step = next((s for s in TICK_STEPS if t_max / s <= 12), TICK_STEPS[-1])
    return [float(m) for m in range(0, int(t_max) + 1, step)]


def _path(c: _Canvas, ys: list[float | None], y0: float, y_max: float) -> str:
    parts, pen = [], "M"
    for minute, y in zip(c.tl.minutes, ys, strict=True):
        if y is None:
            pen = "M"
            continue
        py = y0 + PANEL_H - PANEL_H * min(y, y_max) / y_max
        parts.append(f"{pen}{c.x(minute + 0.5):.1f},{py:.1f}")
        pen = "L"
    return " ".join(parts)


def _nice_max(value: float, floor: float) -> float:
    top = max(value * 1.15, floor)
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if top <= step:
            return step
    return top


def _who_label(mark: Mark, start_min: float) -> str:
    label = mark.label if mark.kind != "declaration" else f"declared {mark.label}"
    if mark.kind == "alert":
        label = f"false alert: {mark.label}" if mark.flag == "false alert" else (
            f"alert {mark.label} (from injection)" if mark.flag == "injected" else f"alert {mark.label}")
    text = f"{clock(mark.t_min, start_min)} {label}"
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _lanes(tl: Timeline) -> list[tuple[str, str, list[Mark]]]:
    """(lane title, colour, marks): the page and alerts, each person in order of appearance, the facilitator,
    the stages."""
    people: dict[str, list[Mark]] = {}
    facilitator: list[Mark] = []
    system: list[Mark] = []
    stages: list[Mark] = []
    for m in tl.marks:
        if m.kind == "stage":
            stages.append(m)
        elif m.kind in ("page", "alert"):
            system.append(m)
        elif m.actor == "facilitator" or m.kind == "injection":
            facilitator.append(m)
        elif m.actor:
            people.setdefault(m.actor, []).append(m)
    lanes = [("page & alerts", COLORS["alert"], system)]
    lanes += [(name, PEOPLE[i % len(PEOPLE)], marks) for i, (name, marks) in enumerate(people.items())]
    if facilitator:
        lanes.append(("facilitator", COLORS["injected"], facilitator))
    lanes.append(("stages reached", COLORS["stage"], stages))
    return lanes


def _marker(mark: Mark, x: float, y: float, colour: str) -> str:
    if mark.kind == "alert" and mark.flag == "false alert":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="{COLORS["false"]}" stroke-width="1.5"/>'
    if mark.kind == "declaration":
        return (f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z" '
                f'fill="{colour}"/>')
    if mark.kind in ("hint", "injection"):
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def timeline_svg(tl: Timeline) -> str:
    if not tl.minutes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} 40" width="100%" role="img" '
                f'aria-label="drill timeline"><text x="10" y="25">no traffic recorded</text></svg>')
    c = _Canvas(tl)
    start = tl.clock_start_min
    x_max = LEFT + PLOT_W + RIGHT - 4

    # fault band labels, packed above the panels
    band_items = []
    for b in tl.fault_bands:
        end = clock(b.end_min, start) if b.end_min is not None else "end"
        if b.mitigated_min is not None:
            end = f"{clock(b.mitigated_min, start)} mitigated"
        text = f"{'injected ' if b.injected else ''}{b.label} {clock(b.start_min, start)}–{end}"
        band_items.append((c.x(b.start_min), text, Mark(b.start_min, "band", b.label, flag="injected" * b.injected)))
    band_rows = pack(band_items, x_max)
    y = 34.0
    bands_top = y
    y += ROW_H * (max((p.row for p in band_rows), default=-1) + 1) + 8
    top1 = y + 14
    top2 = top1 + PANEL_H + PANEL_GAP
    bottom = top2 + PANEL_H
    lanes_top = bottom + 30

    # lanes below, each as tall as its packed rows
    lane_layout = []
    ly = lanes_top
    for title, colour, marks in _lanes(tl):
        placed = pack([(c.x(m.t_min), _who_label(m, start), m) for m in marks], x_max)
        rows = max((p.row for p in placed), default=0) + 1
        lane_layout.append((title, colour, placed, ly, rows))
        ly += rows * ROW_H + LANE_GAP
    height = ly + 6

    c.add('<defs><pattern id="fd-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
          'patternTransform="rotate(45)"><rect width="8" height="8" fill="#f3d9fa"/>'
          f'<line x1="0" y1="0" x2="0" y2="8" stroke="{COLORS["injected"]}" stroke-width="2"/></pattern></defs>')

    # legend
    legend = [("line", COLORS["quality"], "quality (truth)"), ("dash", COLORS["judge"], "judge estimate"),
              ("line", COLORS["error"], "error rate"), ("line", COLORS["p99"], "p99 latency"),
              ("box", COLORS["fault"], "fault in play"), ("hatch", "", "facilitator's injection"),
              ("hollow", COLORS["false"], "false alert (no fault)")]
    lx = float(LEFT)
    for kind, colour, label in legend:
        if kind in ("line", "dash"):
            dash = ' stroke-dasharray="4 3"' if kind == "dash" else ""
            c.add(f'<line x1="{lx:.1f}" y1="12" x2="{lx + 18:.1f}" y2="12" stroke="{colour}" '
                  f'stroke-width="2.5"{dash}/>')
        elif kind == "box":
            c.add(f'<rect x="{lx:.1f}" y="6" width="18" height="12" fill="{colour}"/>')
        elif kind == "hatch":
            c.add(f'<rect x="{lx:.1f}" y="6" width="18" height="12" fill="url(#fd-hatch)"/>')
        else:
            c.add(f'<circle cx="{lx + 9:.1f}" cy="12" r="4" fill="#fff" stroke="{colour}" stroke-width="1.5"/>')
        c.text(lx + 23, 16, label)
        lx += 23 + text_width(label) + 16

    # fault bands behind the panels, ending when the fault stopped
    for b in tl.fault_bands:
        stop = b.end_min if b.end_min is not None else c.t_max
        if b.mitigated_min is not None:  # worked around: a faint outline while the fault itself lingers
            w0, w1 = c.x(b.mitigated_min), c.x(stop)
            if w1 - w0 > 1:
                c.add(f'<rect x="{w0:.1f}" y="{top1:.1f}" width="{w1 - w0:.1f}" height="{bottom - top1:.1f}" '
                      f'fill="none" stroke="{COLORS["fault"]}" stroke-dasharray="4 4"><title>{escape(b.label)} '
                      f"mitigated at {clock(b.mitigated_min, start)}; the fault itself stopped "
                      f"{'at ' + clock(stop, start) if b.end_min is not None else 'only with the drill'}"
                      "</title></rect>")
            stop = b.mitigated_min
        x0, x1 = c.x(b.start_min), c.x(stop)
        fill = "url(#fd-hatch)" if b.injected else COLORS["fault"]
        opacity = "0.55" if b.injected else "0.6"
        c.add(f'<rect x="{x0:.1f}" y="{top1:.1f}" width="{max(2.0, x1 - x0):.1f}" height="{bottom - top1:.1f}" '
              f'fill="{fill}" opacity="{opacity}"><title>{"injected " if b.injected else ""}fault {escape(b.label)}'
              f"</title></rect>")
    for p in band_rows:
        x = c.x(p.mark.t_min)
        yy = bands_top + p.row * ROW_H + 11
        colour = COLORS["injected"] if p.mark.flag else COLORS["error"]
        c.add(f'<line x1="{x:.1f}" y1="{yy + 3:.1f}" x2="{x:.1f}" y2="{top1:.1f}" stroke="{colour}" '
              'stroke-width="1" stroke-dasharray="1 2"/>')
        c.text(x + 3 if p.right else x - 3, yy, p.text, fill=colour, anchor="start" if p.right else "end",
               weight="600")

    # the panels
    err_max = _nice_max(max([e for e in tl.error_rate if e is not None] or [0.0]), 0.05)
    p99_max = max(max([p for p in tl.p99_ms if p] or [0.0]) * 1.15, 500.0)
    ticks = _ticks(c.t_max)
    for y0, title in ((top1, "answer quality: share of served answers that were right (truth) and the judge's "
                             "sampled estimate"),
                      (top2, "error rate (red, left axis) and p99 latency (blue, right axis)")):
        c.text(LEFT, y0 - 7, title, weight="600")
        c.add(f'<rect x="{LEFT}" y="{y0:.1f}" width="{PLOT_W}" height="{PANEL_H}" fill="none" stroke="#adb5bd"/>')
        for t in ticks:
            c.add(f'<line x1="{c.x(t):.1f}" y1="{y0:.1f}" x2="{c.x(t):.1f}" y2="{y0 + PANEL_H:.1f}" '
                  f'stroke="{COLORS["grid"]}"/>')
        c.add(f'<line x1="{LEFT}" y1="{y0 + PANEL_H / 2:.1f}" x2="{LEFT + PLOT_W}" y2="{y0 + PANEL_H / 2:.1f}" '
              f'stroke="{COLORS["grid"]}"/>')
    c.text(LEFT - 6, top1 + 10, "100%", anchor="end", fill=COLORS["axis"])
    c.text(LEFT - 6, top1 + PANEL_H / 2 + 4, "50%", anchor="end", fill=COLORS["axis"])
    c.text(LEFT - 6, top1 + PANEL_H, "0%", anchor="end", fill=COLORS["axis"])
    c.text(LEFT - 6, top2 + 10, f"{err_max:.0%}", anchor="end", fill=COLORS["error"])
    c.text(LEFT - 6, top2 + PANEL_H, "0%", anchor="end", fill=COLORS["error"])
    c.text(LEFT + PLOT_W + 6, top2 + 10, f"{p99_max / 1000:.1f} s", fill=COLORS["p99"])
    c.text(LEFT + PLOT_W + 6, top2 + PANEL_H, "0 s", fill=COLORS["p99"])
    for t in ticks:
        c.text(c.x(t), bottom + 15, clock(t, start), anchor="middle", fill=COLORS["axis"])
    c.add(f'<path d="{_path(c, tl.judge_quality, top1, 1.0)}" fill="none" stroke="{COLORS["judge"]}" '
          'stroke-width="1.5" stroke-dasharray="4 3"/>')
    c.add(f'<path d="{_path(c, tl.quality, top1, 1.0)}" fill="none" stroke="{COLORS["quality"]}" stroke-width="2.5"/>')
    c.add(f'<path d="{_path(c, tl.error_rate, top2, err_max)}" fill="none" stroke="{COLORS["error"]}" '
          'stroke-width="2"/>')
    c.add(f'<path d="{_path(c, tl.p99_ms, top2, p99_max)}" fill="none" stroke="{COLORS["p99"]}" stroke-width="2"/>')

    # lanes: who did what, when; a thin rule from each moment up through the panels
    for title, colour, placed, top, rows in lane_layout:
        c.add(f'<rect x="0" y="{top - 2:.1f}" width="{W}" height="{rows * ROW_H + 4:.1f}" fill="#f8f9fa"/>')
        c.text(LEFT - 10, top + 11, title, anchor="end", weight="600", fill=colour if title != "stages reached"
               else COLORS["stage"])
        for p in placed:
            m, x = p.mark, c.x(p.mark.t_min)
            yy = top + p.row * ROW_H + 7
            mark_colour = (COLORS["false"] if m.flag == "false alert" else COLORS["injected"] if m.flag == "injected"
                           else COLORS["page"] if m.kind == "page" else colour)
            if m.kind in ("page", "stage", "action", "injection"):
                dash = "" if m.kind in ("page", "stage") else ' stroke-dasharray="3 3"'
                c.add(f'<line x1="{x:.1f}" y1="{top1:.1f}" x2="{x:.1f}" y2="{yy:.1f}" stroke="{mark_colour}" '
                      f'stroke-width="1"{dash} opacity="0.7"/>')
            c.add(_marker(m, x, yy, mark_colour))
            full = f"{m.actor + ': ' if m.actor else ''}{m.kind} {m.label}" + (f" ({m.flag})" if m.flag else "")
            c.text(x + 8 if p.right else x - 8, yy + 4, p.text, fill=mark_colour,
                   anchor="start" if p.right else "end", weight="700" if m.kind in ("page", "stage") else "normal",
                   title=f"{clock(m.t_min, start)} {full}")

    desc = (f"Drill from {clock(0, start)} to {clock(c.t_max, start)}: {len(tl.fault_bands)} fault(s), "
            f"{sum(1 for m in tl.marks if m.kind == 'action')} action(s), "
            f"{sum(1 for m in tl.marks if m.flag == 'false alert')} false alert(s).")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height:.0f}" width="100%" role="img" '
            f'aria-label="drill timeline" font-family="system-ui, -apple-system, sans-serif" font-size="{FONT_PX}">'
            f"<desc>{escape(desc)}</desc>")
    return head + "".join(c.parts) + "</svg>"
