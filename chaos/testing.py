"""firedrill in your own test suite: a provider with faults, on an ephemeral loopback port.

    from chaos import firedrill_server

    with firedrill_server() as srv:
        client = openai.OpenAI(base_url=srv.openai_base_url, api_key="sk-test")
        with srv.fault("rate_limit", fraction=1):
            ...  # every request in here gets a 429
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.admin import admin_routes
from chaos.engine import FaultEngine
from chaos.faults.base import Fault, Targeting
from chaos.faults.spec import parse_spec
from fake_llm import Provider, ServerThread, create_app
from fake_llm.hooks import Exchange
from fake_llm.provider import ProviderResult

_TARGET_KEYS = set(Targeting.model_fields)


class FiredrillServer:
    """A running fake provider with its fault engine; see ``firedrill_server``."""

    def __init__(self, *, seed: int = 0, latency_scale: float = 0.0, admin_token: str | None = None) -> None:
        self.admin_token = admin_token or secrets.token_urlsafe(12)
        self.engine = FaultEngine(seed=seed)
        self.exchanges: list[Exchange] = []
        self.provider = Provider(hooks=self.engine, seed=seed, on_exchange=self._record)
        self.engine.bind(self.provider)
        app = create_app(provider=self.provider, latency_scale=latency_scale,
                         extra_routes=admin_routes(self.engine, self.admin_token))
        self._thread = ServerThread(app)

    def _record(self, ex: Exchange, result: ProviderResult) -> None:
        self.exchanges.append(ex)

    @property
    def url(self) -> str:
        return self._thread.url

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    def add_fault(self, type_name: str, *, id: str | None = None, **settings: Any) -> Fault:
        """Add a fault now. Targeting keys (fraction, first_n, models, keywords, …) and the
        type's parameters may be mixed in ``settings``; they are told apart by name."""
        target = {k: v for k, v in settings.items() if k in _TARGET_KEYS}
        params = {k: v for k, v in settings.items() if k not in _TARGET_KEYS}
        return self.engine.start(parse_spec({"type": type_name, "id": id, "params": params, "target": target}))

    @contextmanager
    def fault(self, type_name: str, **settings: Any) -> Iterator[Fault]:
        """The fault is active inside the ``with`` block and removed after it, even on error."""
        fault = self.add_fault(type_name, **settings)
        try:
            yield fault
        finally:
            self.engine.remove(fault.id)

    def start(self) -> FiredrillServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()


@contextmanager
def firedrill_server(*, seed: int = 0, latency_scale: float = 0.0) -> Iterator[FiredrillServer]:
    """Start a fake provider with a fault engine on 127.0.0.1 and an ephemeral port."""
    server = FiredrillServer(seed=seed, latency_scale=latency_scale).start()
    try:
        yield server
    finally:
        server.stop()
