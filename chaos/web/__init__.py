"""The incident room in a browser: a console for responders and the facilitator, and the debrief.

Served by the drill's own server (same process and port): ``web_routes(drill, roster=...)`` is
the one hook ``chaos.live`` mounts. Jinja2 templates rendered on the server, a small script for
live updates over server-sent events, and uPlot (vendored, MIT) for the dashboard's charts.
"""

from chaos.web.routes import web_routes

__all__ = ["web_routes"]
