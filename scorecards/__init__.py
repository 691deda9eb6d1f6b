"""Scores a drill from its journal, its scenario's ground truth and its counterfactual baseline.

Pure: it imports the event and scenario model and itself, never the drill, the server or the
simulation clock (a test holds it there). Eval cases are verified drill-side (``chaos.verify``).
"""

from scorecards.card import Scorecard
from scorecards.evals import EvalCase, Verdict, to_openai_evals, to_promptfoo
from scorecards.postmortem import postmortem_markdown
from scorecards.render import render_html, render_json, render_markdown
from scorecards.score import score
from scorecards.terminal import render_terminal

__all__ = [
    "EvalCase",
    "Scorecard",
    "Verdict",
    "postmortem_markdown",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "score",
    "to_openai_evals",
    "to_promptfoo",
]
