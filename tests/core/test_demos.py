"""The demo's steps are collected from every app's demo module and put in an order in which
each step comes after the steps it waits for; mistakes in the declarations are refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mofan.core import demos
from mofan.core.demos import DemoContext, DemoStep


def _nothing(ctx: DemoContext) -> None:
    return None


def test_every_app_with_demo_data_is_collected_and_waits_for_what_it_needs() -> None:
    steps = demos.demo_steps()
    apps_seen = {step.name.split(".")[0] for step in steps}
    assert {"accounts", "orgs", "members", "orglife", "volunteer", "cobuild"} <= apps_seen
    assert {"study", "lawedu", "portal", "campaigns"} <= apps_seen
    position = {step.name: i for i, step in enumerate(steps)}
    for step in steps:
        assert all(position[name] < position[step.name] for name in step.after), step.name
    assert steps[0].name == "orgs.tree"  # everything else hangs on the tree


def test_declared_order_unless_a_step_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = [
        DemoStep("a.late", _nothing, after=("c.first",)),
        DemoStep("b.free", _nothing),
        DemoStep("c.first", _nothing),
    ]
    monkeypatch.setattr(demos, "_declared_steps", lambda: list(declared))
    assert [s.name for s in demos.demo_steps()] == ["b.free", "c.first", "a.late"]


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ([DemoStep("a", _nothing), DemoStep("a", _nothing)], "share a name"),
        ([DemoStep("a", _nothing, after=("missing",))], "unknown steps"),
        (
            [DemoStep("a", _nothing, after=("b",)), DemoStep("b", _nothing, after=("a",))],
            "wait for each other",
        ),
    ],
)
def test_wrong_declarations_are_refused(
    monkeypatch: pytest.MonkeyPatch, declared: list[DemoStep], message: str
) -> None:
    monkeypatch.setattr(demos, "_declared_steps", lambda: list(declared))
    with pytest.raises(ImproperlyConfigured, match=message):
        demos.demo_steps()
