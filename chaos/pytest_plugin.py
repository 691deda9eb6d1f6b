"""pytest fixtures for teams that want firedrill faults in their own test suites."""
