"""The scoring matrix: every bundled scenario × responders of known quality × seeds, with figures.

Why: the score must rank teams by how well they handled the incident and must not be gamed. The
responders are the test tree's playbooks of known quality (tests/playbooks), filled from each
scenario's ground truth; correct responders also write the post-mortem's eval case (verified
drill-side). Checks, per scenario and seed: excellent > slow > red-herring chaser; every gamer
≤ 50; idle = 0; excellent ≥ 80. Prints one row per scenario and seed, then the checks' tally
(the README's table is this output).

Run: ``.venv/bin/python scripts/score_matrix.py [--seeds 3] [--scenario ID ...]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chaos.baseline import baseline_for  # noqa: E402
from chaos.drill import Drill  # noqa: E402
from chaos.eventlog import EventLog  # noqa: E402
from chaos.loader import SCENARIO_DIR, load_scenario  # noqa: E402
from chaos.verify import verify  # noqa: E402
from scorecards import score  # noqa: E402
from tests.playbooks.oracle import GAMERS, QUALITIES, add_eval_cases, playbook  # noqa: E402

CORRECT = ("excellent", "slow", "red-herring")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3, help="seeds per scenario: its own, then +1000, +2000 …")
    parser.add_argument("--scenario", action="append", help="only these scenarios (repeatable)")
    args = parser.parse_args()
    paths = sorted(SCENARIO_DIR.glob("*.yaml"))
    scenarios = [load_scenario(p) for p in paths if not args.scenario or p.stem in args.scenario]
    columns = ("idle", *QUALITIES)
    print(f"{'scenario':26} {'seed':>5} " + " ".join(f"{c[:12]:>12}" for c in columns) + "  checks")
    failures, totals, start = [], {c: [] for c in columns}, time.perf_counter()
    for s in scenarios:
        for k in range(args.seeds):
            seed = s.seed + 1000 * k
            log = EventLog(":memory:", durable=False)
            base = baseline_for(s, seed)
            row = {"idle": score(log.events(Drill(s, log=log, seed=seed).run()), s, base).overall}
            for q in QUALITIES:
                drill_id = Drill(s, log=log, seed=seed, responder=playbook(q, s).responder()).run()
                if q in CORRECT:
                    add_eval_cases(log, drill_id, s)
                    verify(log, drill_id, s)
                row[q] = score(log.events(drill_id), s, base).overall
            bad = _checks(row)
            failures += [f"{s.id} seed {seed}: {b}" for b in bad]
            for c in columns:
                totals[c].append(row[c])
            print(f"{s.id:26} {seed:>5} " + " ".join(f"{row[c]:>12.1f}" for c in columns) + "  "
                  + ("ok" if not bad else "; ".join(bad)), flush=True)
    print(f"{'mean':32} " + " ".join(f"{statistics.fmean(totals[c]):>12.1f}" for c in columns))
    runs = len(totals["idle"])
    print(f"\n{runs} scenario × seed runs, {runs * (len(columns) + 1)} drills, "
          f"{time.perf_counter() - start:.0f} s; checks failed: {len(failures)}")
    for f in failures:
        print("  FAIL", f)
    raise SystemExit(1 if failures else 0)


def _checks(row: dict[str, float]) -> list[str]:
    out = []
    if not row["excellent"] > row["slow"] > row["red-herring"]:
        out.append("excellent > slow > red-herring does not hold")
    if row["excellent"] < 80:
        out.append("excellent < 80")
    if row["idle"] != 0:
        out.append("idle ≠ 0")
    out += [f"{g} > 50" for g in GAMERS if row[g] > 50]
    return out


if __name__ == "__main__":
    main()
