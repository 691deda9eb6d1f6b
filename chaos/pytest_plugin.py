"""pytest fixtures for teams that want firedrill faults in their own test suites.

Installed with firedrill (a ``pytest11`` entry point), so the ``firedrill_server`` fixture is
available in any test: a fake provider on an ephemeral loopback port with simulated latency off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chaos.testing import FiredrillServer, firedrill_server


@pytest.fixture(name="firedrill_server")
def _firedrill_server() -> Iterator[FiredrillServer]:
    with firedrill_server() as server:
        yield server
