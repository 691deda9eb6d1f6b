"""A drill: one scenario run against one world on one clock, every step journaled.

    processes.py  the model: world, fault engine and the simpy processes that drive them
    journal.py    how events reach the event log, the same live and simulated
    session.py    ``Drill``: the thread-safe responder and facilitator API over the model
"""

from chaos.drill.processes import world_config
from chaos.drill.session import Drill

__all__ = ["Drill", "world_config"]
