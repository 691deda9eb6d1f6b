"""Each package exports exactly its short public surface: nothing leaks by accident."""

from __future__ import annotations

import chaos
import fake_llm
import scorecards


def test_chaos_exports() -> None:
    assert set(chaos.__all__) == {"FiredrillServer", "firedrill_server"}


def test_fake_llm_exports() -> None:
    assert set(fake_llm.__all__) == {"Catalog", "ModelProfile", "Provider", "ProviderResult", "ServerThread",
                                     "create_app", "generate"}


def test_scorecards_exports() -> None:
    assert set(scorecards.__all__) == {"EvalCase", "Scorecard", "Verdict", "postmortem_markdown",
                                       "render_html", "render_json", "render_markdown", "render_terminal", "score",
                                       "to_openai_evals", "to_promptfoo"}
    for name in scorecards.__all__:
        assert getattr(scorecards, name) is not None


def test_the_cli_runs_as_a_module() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "chaos", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("run", "serve", "simulate", "score", "fault", "proxy", "status", "declare"):
        assert f"  {command} " in out
