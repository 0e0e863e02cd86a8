"""Run every benchmark under bench/ at its documented scale."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import members_scale, tree_scale

if __name__ == "__main__":
    code = tree_scale.main([])
    sys.exit(code or members_scale.main(sys.argv[1:]))
