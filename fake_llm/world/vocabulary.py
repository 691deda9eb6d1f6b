"""The world's fixed vocabulary and defaults, shared with scenarios and the CLI: written once here.

Kept free of imports so that the scenario model and the scorer can name them cheaply.
"""

from __future__ import annotations

from enum import StrEnum

JUDGE_NOISE = 0.03  # the chance the sampling judge flips a verdict, unless a scenario says otherwise
JUDGE_SAMPLE_RATE = 0.2  # the share of served answers the judge grades


class FallbackMode(StrEnum):
    """Where the feature sends users instead of the primary model (``fallback`` action)."""

    OFF = "off"
    CACHED = "cached"
    BACKUP_MODEL = "backup-model"
    UNAVAILABLE = "unavailable"
