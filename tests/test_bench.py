"""The benchmarks still run (on tiny data); their figures come from `make bench`."""

import pytest

from bench import tree_scale

pytestmark = pytest.mark.django_db


def test_tree_scale_runs_on_tiny_data(roles: dict) -> None:
    tree_scale.build(committees=2, branches_per=3, members_per=2)
    ours, bound, total = tree_scale.measure(repeat=1)
    assert total == 2 * 3 * 2
    assert ours > 0 and bound > 0
