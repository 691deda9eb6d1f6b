"""The provider's public status page, behaving as real ones do: late, vague, and sometimes silent.

The runbook's first step for a latency spike is "check the provider status page". Real pages lag
the incident by minutes, start at "investigating" with a vague title, move to "identified" and
"monitoring", and some incidents never get posted at all. Here a provider-side fault that starts
(an outage, latency, timeouts, broken streams, overload) may open an incident: whether it is
posted, how late, and how late it is identified are drawn from a seeded source per fault, so a
drill replays exactly. Scenarios tune the odds and the delays, or post incidents of their own.
Nothing here names a cause the provider would not know or would not say.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# fault type -> the vague title a provider posts first; rate limits from one's own quota are not incidents
INCIDENT_TITLES = {
    "outage": "Elevated error rates",
    "latency": "Degraded performance",
    "timeout": "Increased request timeouts",
    "stream_error": "Errors on streamed responses",
    "overloaded": "Elevated error rates",
}
STATUSES = ("investigating", "identified", "monitoring", "resolved")


@dataclass(frozen=True)
class StatusSettings:
    silent_chance: float = 0.25  # share of provider incidents never posted
    post_delay_s: tuple[float, float] = (240.0, 900.0)  # how late the first post comes
    identify_after_s: tuple[float, float] = (600.0, 1500.0)  # from the first post to "identified"


@dataclass
class Update:
    t_s: float
    status: str
    message: str


@dataclass
class Incident:
    id: str
    title: str
    components: list[str]
    updates: list[Update] = field(default_factory=list)  # in time order; some may be in the future

    def visible(self, now_s: float) -> list[Update]:
        return [u for u in self.updates if u.t_s <= now_s]


@dataclass
class StatusPage:
    seed: int = 0
    settings: StatusSettings = field(default_factory=StatusSettings)
    incidents: list[Incident] = field(default_factory=list)
    _by_fault: dict[str, Incident] = field(default_factory=dict)

    def post(self, incident_id: str, title: str, components: list[str], updates: list[Update]) -> Incident:
        """An incident the scenario posts itself, with its own updates and times."""
        incident = Incident(incident_id, title, components or ["API"], sorted(updates, key=lambda u: u.t_s))
        self.incidents.append(incident)
        return incident

    def fault_started(self, fault_id: str, kind: str, models: list[str], now_s: float) -> Incident | None:
        """A provider-side fault began: maybe post, late, an incident for the models it hits."""
        title = INCIDENT_TITLES.get(kind)
        if title is None or fault_id in self._by_fault:
            return None
        rng = random.Random(f"status:{self.seed}:{fault_id}")
        s = self.settings
        if rng.random() < s.silent_chance:
            return None
        posted = now_s + rng.uniform(*s.post_delay_s)
        identified = posted + rng.uniform(*s.identify_after_s)
        components = sorted(set(models)) or ["API"]
        scope = ", ".join(components) if models else "some API requests"
        incident = Incident(f"inc-{len(self.incidents) + 1:03d}", f"{title} for {scope}", components, [
            Update(posted, "investigating", f"We are investigating reports of {title.lower()} for {scope}."),
            Update(identified, "identified", "The issue has been identified and a fix is being implemented."),
        ])
        self.incidents.append(incident)
        self._by_fault[fault_id] = incident
        return incident

    def fault_stopped(self, fault_id: str, now_s: float) -> None:
        """The fault ended: a posted incident moves to monitoring, then resolved; an unposted one stays unposted."""
        incident = self._by_fault.pop(fault_id, None)
        if incident is None:
            return
        posted = [u for u in incident.updates if u.t_s <= now_s]
        if not posted:  # ended before the provider ever said anything: it never will
            self.incidents.remove(incident)
            return
        rng = random.Random(f"status-end:{self.seed}:{fault_id}")
        incident.updates = posted + [
            Update(now_s + rng.uniform(120, 600), "monitoring", "A fix has been implemented and we are monitoring."),
        ]
        incident.updates.append(Update(incident.updates[-1].t_s + rng.uniform(600, 1200), "resolved",
                                       "This incident has been resolved."))

    def view(self, now_s: float, *, label: Any = str) -> dict[str, Any]:
        """The page as a visitor sees it now: overall state, components, incidents with their visible updates."""
        shown: list[dict[str, Any]] = []
        for incident in self.incidents:
            updates = incident.visible(now_s)
            if not updates:
                continue
            shown.append({
                "id": incident.id, "title": incident.title, "status": updates[-1].status,
                "components": incident.components,
                "updates": [{"time": label(u.t_s), "t_s": round(u.t_s, 1), "status": u.status, "message": u.message}
                            for u in reversed(updates)],
            })
        open_ = [i for i in shown if i["status"] != "resolved"]
        components = {c: "operational" for c in ("API", "fd-large", "fd-small", "fd-embed")}
        for shown_incident in open_:
            slow = "performance" in shown_incident["title"].lower()
            for c in shown_incident["components"]:
                components[c] = "degraded_performance" if slow else "partial_outage"
        hurt = [s for s in components.values() if s != "operational"]
        return {
            "page": "status.firedrill.ai",
            "indicator": "none" if not open_ else ("minor" if all(s == "degraded_performance" for s in hurt)
                                                   else "major"),
            "description": "All Systems Operational" if not open_ else "Active incident",
            "components": components,
            "incidents": shown,
        }
