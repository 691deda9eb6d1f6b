"""firedrill's chaos side: faults, scenarios, the drill runner and the responder console.

The public names are loaded on first use (PEP 562), so ``import chaos.events`` or the
``firedrill`` command do not pay for the server, the fault engine and the SDK-facing code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chaos.testing import FiredrillServer, firedrill_server

__all__ = ["FiredrillServer", "firedrill_server"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from chaos import testing

        return getattr(testing, name)
    raise AttributeError(f"module 'chaos' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
