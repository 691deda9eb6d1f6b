"""firedrill's chaos side: faults, scenarios, the drill runner and the responder console."""
