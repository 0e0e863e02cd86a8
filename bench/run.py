"""Run every benchmark under bench/ at its documented scale."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import tree_scale

if __name__ == "__main__":
    raise SystemExit(tree_scale.main(sys.argv[1:]))
