"""``firedrill scenario new | schema``: start a scenario from a commented skeleton; the editor schemas.

The skeleton is a scenario that loads and plays as written (a prompt deploy that drops grounding,
an innocent change beside it), every field commented with what it does and what it accepts, so an
author edits a working drill instead of starting from a blank page.
"""

from __future__ import annotations

from pathlib import Path

import click

from chaos.cli import cli

SKELETON = """\
# yaml-language-server: $schema={schema}
# A firedrill scenario. `firedrill validate {name}.yaml` checks it (file, line and field on error);
# `firedrill simulate {name}.yaml --seeds 3` plays it with the runbook playbook as fast as possible.
id: {name}                     # lower-case letters, digits and dashes
title: "{title}"               # what responders see (never the answer)
difficulty: medium             # easy | medium | hard
duration_min: 40               # drill minutes
speed: 4                       # live drills: drill minutes per wall minute
seed: 0                        # everything random comes from it
tags: [wrong-answers, prompt]

briefing:
  page: "ALERT quality: sampled answer quality of support-assistant below 85%."   # what the pager says
  reports:                     # first user reports, shown with the page
    - "'The bot quoted a price that does not exist.'"
  # page_at_min: 15            # page at this minute unless an alert pages first after the first fault

world:                         # every field optional; these are the defaults that matter most
  traffic: {{rate_per_s: 2, shape: steady}}       # steady | diurnal | spiky
  # segments: [{{name: free, weight: 0.6}}, {{name: pro, weight: 0.3}}, {{name: enterprise, weight: 0.1}}]
  # judge: {{sample_rate: 0.2, noise: 0.03}}        # the sampling judge behind the quality alert
  # alerts: {{error_rate: 0.05, latency_p99_ms: 8000, quality: 0.85, cost_ratio: 2.0, refusal_rate: 0.10}}
  # provider_status:                              # the provider's status page (provider-side faults only)
  #   silent_chance: 0.25                         # share of provider incidents never posted
  #   post_delay_min: [4, 15]                     # posted this late
  #   incidents: [{{title: "Degraded performance", components: [fd-large],
  #                 updates: [{{at_min: 14, status: investigating, message: "We are looking into it."}}]}}]

timeline:                      # what happens when; each item is a change-log entry or a fault
  - at_min: 6                  # an innocent change: the red herring
    change: {{id: CHG-101, kind: config, summary: "raise support widget font size", author: web-team}}
    # kinds: prompt_deploy (ships a real prompt version: add prompt_append), model_version, index_refresh,
    # config (config: {{parse_retries: N}} really changes the app), traffic, docs, deploy.
    # Write what a real change log says (who deployed what), never what it will cause.
  - at_min: 10                 # the true cause
    fault:
      type: prompt_regression  # `firedrill fault types` lists every type and its parameters
      params: {{change_id: CHG-102, message: "friendlier tone", author: "sam (prompt-eng)"}}
      # target: {{topics: [refunds]}}   # fraction, models (alias, dated snapshot or family), topics,
      #                                 # segments, keywords, sticky (retries land on the same failure)
      # fixed_by: [index-rebuild]       # responder actions that end this fault
    # stop_min: 30             # the fault ends by itself

ground_truth:                  # only the facilitator and the scorer see this
  row: wrong-answers-consistent  # the decision-tree row; it must fit the symptom and the cause
  symptom: wrong-answers
  cause: prompt
  started_min: 10
  fraction: 0.6                # share of requests affected
  change_id: CHG-102           # the change-log entry that caused it, if any
  containment: [fallback:cached, feature-off, fallback:unavailable]   # actions that stop bad answers
  mitigations: [prompt-rollback]                                      # actions that fix or mitigate
  red_herrings: [CHG-101]
  # topics: [refunds]          # when it sits on topics (topic-disable:<topic> must name a known one)
  # segment: enterprise

targets: {{acknowledge_min: 5, contain_min: 10, characterise_min: 20, mitigate_min: 30}}
hints:
  - {{text: "Compare the prompt versions in a failing trace, then replay it with the previous one.", cost: 5}}
facilitator_notes: |
  What really happened, how to see it through the responder's tools, and the fix.
"""


@cli.group()
def scenario() -> None:
    """Author scenarios: a commented skeleton to start from, and the editor schemas."""


@scenario.command("new")
@click.argument("name")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write NAME.yaml into.")
@click.option("--title", default="A new incident", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, out_dir: Path, title: str, force: bool) -> None:
    """Write NAME.yaml: a commented scenario skeleton that validates and plays as it is."""
    import re

    from chaos.schema import SCENARIO_SCHEMA

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise click.BadParameter("use lower-case letters, digits and dashes (it becomes the scenario id)",
                                 param_hint="NAME")
    path = out_dir / f"{name}.yaml"
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; pick another name or pass --force")
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(SKELETON.format(name=name, title=title.replace('"', "'"), schema=SCENARIO_SCHEMA.as_uri()),
                    encoding="utf-8")
    click.echo(f"wrote {path}: edit it, then `firedrill validate {path}`")


@scenario.command("schema")
@click.option("--write", is_flag=True, help="Refresh the committed schemas under scenarios/schema/.")
@click.option("--playbook", is_flag=True, help="The playbook schema instead of the scenario schema.")
def schema(write: bool, playbook: bool) -> None:
    """Print the JSON Schema of scenarios (or playbooks) that editors use to complete and check them."""
    from chaos.schema import playbook_schema, render, scenario_schema, write_schemas

    if write:
        for path in write_schemas():
            click.echo(f"wrote {path}")
        return
    click.echo(render(playbook_schema() if playbook else scenario_schema()), nl=False)
