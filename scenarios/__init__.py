"""The scenario library, shipped as package data: one YAML drill per file, playbooks in playbooks/.

``chaos.loader`` finds them here (``SCENARIO_DIR``), so an installed firedrill has them too.
"""

from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent
PLAYBOOK_DIR = SCENARIO_DIR / "playbooks"
