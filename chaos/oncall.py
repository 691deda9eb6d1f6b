"""What one on-call responder can see and do, with the limits the console gives a person.

A scripted responder looks at the incident only through this: the dashboard (status), at most
``TRACES_PER_LOOK`` traces per look, one trace at a time, the change log, replays, the provider's
model list and status page. Never the ground truth, the scenario, or the runner's own timings.
It also remembers what it saw, as a person (or a dashboard with history) would: every metrics tick
it polled and every trace a look returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chaos.drill import Drill

TRACES_PER_LOOK = 500  # the most `firedrill traces --limit` and GET /drill/traces return


class OnCallView:
    def __init__(self, drill: Drill, actor: str) -> None:
        self._drill = drill
        self.actor = actor
        self.metrics: dict[float, dict[str, Any]] = {}  # every tick seen on the dashboard, by time
        self.seen: dict[str, dict[str, Any]] = {}  # every trace a look returned, by id
        self.alerts_first_seen: dict[str, float] = {}  # alert name -> when this responder saw it start firing
        self._firing: set[str] = set()
        self.paged_seen_s: float | None = None  # when this responder first saw the page

    def now_s(self) -> float:
        return self._drill.now_s()

    def status(self) -> dict[str, Any]:
        status = self._drill.status()
        now = self.now_s()
        if status["metrics"]:
            self.metrics.setdefault(status["metrics"]["t_s"], status["metrics"])
        firing = {alert["alert"] for alert in status["alerts"]}
        for name in firing - self._firing:  # newly firing since the last look (again, if it had resolved)
            self.alerts_first_seen[name] = now
        self._firing = firing
        if status["paged"] and self.paged_seen_s is None:
            self.paged_seen_s = now
        return status

    def traces(self, *, failing: bool = False, limit: int = TRACES_PER_LOOK, remember: bool = True,
               **filters: str) -> list[dict[str, Any]]:
        """One look at the trace explorer (filters: model, prompt, topic, segment). ``remember=False`` for a
        filtered look read on its own, kept out of the unfiltered picture (``seen``) it would skew."""
        found = self._drill.traces(failing=failing, limit=max(1, min(limit, TRACES_PER_LOOK)), **filters)
        if remember:
            for t in found:
                self.seen[t["trace_id"]] = t
        return found

    def trace(self, trace_id: str) -> dict[str, Any]:
        return self._drill.trace(trace_id)

    def changes(self) -> list[dict[str, Any]]:
        return self._drill.changes()

    def replay(self, trace_id: str, *, prompt: str | None = None, model: str | None = None) -> dict[str, Any]:
        return self._drill.replay(self.actor, trace_id, prompt=prompt, model=model)

    def models(self) -> list[str]:
        """The provider's public model list (``GET /v1/models``)."""
        return [name for name, _, _ in self._drill.world.provider.models()]

    def provider_status(self) -> dict[str, Any]:
        """The provider's public status page (``firedrill provider status``)."""
        return self._drill.provider_status()
