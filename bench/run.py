"""Run every benchmark under bench/ at its documented scale, each in its own process (each
keeps its own database under var/)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "tree_scale.py",
    "members_scale.py",
    "compliance_scale.py",
    "study_hours_scale.py",
    "checkin_burst.py",
    "volunteer_stats_scale.py",
    "claim_race.py",
    "order_board_scale.py",
    "counsellor_hours_scale.py",
    "portal_scale.py",
    "campaign_ranking.py",
    "readaloud_size.py",
]

if __name__ == "__main__":
    for script in BENCHMARKS:
        subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], check=True)
