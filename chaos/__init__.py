"""firedrill's chaos side: faults, scenarios, the drill runner and the responder console."""

from chaos.library import FiredrillServer, firedrill_server

__all__ = ["FiredrillServer", "firedrill_server"]
