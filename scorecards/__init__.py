"""Scores a drill from its event log and its scenario's ground truth, and writes it up."""

from scorecards.card import Scorecard
from scorecards.evals import EvalCase, Verdict, add_case, to_openai_evals, to_promptfoo, verify
from scorecards.postmortem import postmortem_markdown
from scorecards.render import render_html, render_json, render_markdown
from scorecards.score import score
from scorecards.terminal import render_terminal

__all__ = [
    "EvalCase",
    "Scorecard",
    "Verdict",
    "add_case",
    "postmortem_markdown",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "score",
    "to_openai_evals",
    "to_promptfoo",
    "verify",
]
