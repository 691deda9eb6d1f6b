"""A live drill assembled: the drill on its real-time clock, and one server for everything.

The server on loopback serves the fake provider (wired to the drill's faults, so a team's own app
can join the incident), the AI feature (/v1/assistant/ask, /metrics), the responder and
facilitator control API, and the fault admin API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from chaos.control_api import control_routes, identify
from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.roster import Roster
from chaos.scenario import Scenario
from chaos.web import web_routes
from fake_llm import ServerThread, create_app
from fake_llm.world.routes import world_routes


@dataclass
class LiveDrill:
    drill: Drill
    server: ServerThread
    roster: Roster

    @property
    def responder_token(self) -> str:
        """The team's join code: watch the room, and trade it for a personal token by joining."""
        return self.roster.join_code

    @property
    def facilitator_token(self) -> str:
        return self.roster.facilitator_token

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def room_url(self) -> str:
        """The link responders open: the join code rides in the fragment, which browsers never send."""
        return f"{self.server.url}/room#code={self.roster.join_code}"

    @property
    def facilitator_url(self) -> str:
        return f"{self.server.url}/room#token={self.roster.facilitator_token}"

    def stop(self) -> None:
        self.drill.end(reason="runner stopped")
        self.server.stop()


def start_live_drill(
    scenario: Scenario,
    *,
    log: EventLog,
    speed: float | None = None,
    seed: int | None = None,
    team: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    responder_token: str | None = None,
    facilitator_token: str | None = None,
    latency_scale: float = 0.0,
    masked: bool = False,
    resume: str | None = None,
) -> LiveDrill:
    """Start a live drill, or with ``resume`` continue an interrupted one from its journal."""
    drill_id = f"spin-{secrets.token_hex(3)}" if masked else None  # an id that does not name the scenario
    facilitator_token = facilitator_token or secrets.token_urlsafe(18)
    drill = Drill(scenario, log=log, mode="live", speed=speed, seed=seed, team=team, drill_id=drill_id, masked=masked,
                  resume=resume, facilitator_token=facilitator_token)
    live = serve_drill(drill, host=host, port=port, responder_token=responder_token,
                       facilitator_token=facilitator_token, latency_scale=latency_scale)
    drill.start()
    return live


def serve_drill(drill: Drill, *, host: str = "127.0.0.1", port: int = 0, responder_token: str | None = None,
                facilitator_token: str | None = None, latency_scale: float = 0.0) -> LiveDrill:
    """The drill's one server (provider, feature, control and admin API), without starting its clock."""
    roster = Roster(join_code=responder_token or secrets.token_urlsafe(12),
                    facilitator_token=facilitator_token or secrets.token_urlsafe(18), on_role=drill.role,
                    restore=drill.log.members(drill.id))
    routes = [
        *control_routes(drill, roster=roster),
        *web_routes(drill, roster=roster),
        *world_routes(drill.world, lock=drill.lock, on_answer=drill.record_answer,
                      authorize=lambda request: identify(roster, request) is not None),
    ]
    app = create_app(provider=drill.world.provider, latency_scale=latency_scale, extra_routes=routes)
    server = ServerThread(app, host=host, port=port).start()
    return LiveDrill(drill, server, roster)
