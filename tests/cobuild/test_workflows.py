"""Every declared step of the co-building workflows, read from the declarations: taken once by
its actor through its service from each source state, it lands in the target state with an
audit entry; from a state that is not one of its sources it is refused with the message and
changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mofan.cobuild import services
from mofan.cobuild.models import Demand, DemandState, Order, OrderState
from mofan.cobuild.workflows import DEMAND, ORDER
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from tests.cobuild.orders_world import World, advance, build, pdf, place, png
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree: Tree, roles: dict[str, Any]) -> World:
    return build(tree, roles)


def _order_actor(w: World, order: Order, who: str) -> Any:
    # Before dispatch there is no team: the coordinator (who serves from above) stands in.
    people = {
        "coordinator": w.coordinator,
        "team": w.team_user if order.team_id else w.coordinator,
        "partner": w.contact,
        "either": w.contact,
    }
    return people[who]


def _take_order_step(w: World, order: Order, name: str) -> Order:
    actor = _order_actor(w, order, ORDER[name].actor)
    arguments: dict[str, dict[str, Any]] = {
        "dispatch": {"team": w.tree.branch_a1},
        "accept": {},
        "decline": {"reason": "当天有庭审"},
        "schedule": {"scheduled_at": timezone.now() + timedelta(days=7)},
        "prepare": {"lesson_plan": pdf()},
        "deliver": {"taught_by": [w.lawyer], "attendance": 60, "photos": [png()]},
        "confirm": {"rating": 5},
        "cancel": {"reason": "期中考试调整"},
    }
    if name == "deliver":  # a session is reported after its time
        Order.objects.filter(pk=order.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
    service = getattr(services, f"order_{name}")
    return service(actor=actor, order=order, **arguments[name])


@pytest.mark.parametrize(("source", "name", "target"), ORDER.transitions())
def test_each_order_transition_is_taken_by_its_actor(
    w: World, source: str, name: str, target: str
) -> None:
    order = advance(w, place(w), source)
    audits = AuditEvent.objects.filter(action=f"cobuild.order.{name}").count()
    _take_order_step(w, order, name)
    assert Order.objects.get(pk=order.pk).state == target
    assert AuditEvent.objects.filter(action=f"cobuild.order.{name}").count() == audits + 1
    assert order.events.order_by("-id").first().step == name  # type: ignore[union-attr]


@pytest.mark.parametrize("name", [s.name for s in ORDER.steps if s.sources])
def test_an_order_step_from_another_state_is_refused(w: World, name: str) -> None:
    outside = next(s for s in OrderState.values if s not in ORDER[name].sources)
    order = advance(w, place(w), outside)
    audits, events = AuditEvent.objects.count(), order.events.count()
    with pytest.raises(DomainError) as refused:
        _take_order_step(w, order, name)
    assert refused.value.messages[0].startswith("此步骤无法进行")
    assert Order.objects.get(pk=order.pk).state == outside
    assert (AuditEvent.objects.count(), order.events.count()) == (audits, events)


def test_placing_is_the_order_workflows_first_step(w: World) -> None:
    order = place(w, actor=w.contact)
    assert order.state == ORDER["place"].target
    assert order.events.get().step == "place"
    assert AuditEvent.objects.filter(action="cobuild.order.place", target_id=str(order.pk)).exists()


def _demand_in(w: World, state: str) -> Demand:
    demand = services.demand_post(actor=w.contact, partner=w.school, title="禁毒讲座")
    if state in (DemandState.MATCHED, DemandState.CLOSED):
        services.demand_match(actor=w.coordinator, demand=demand, project=w.project)
    if state == DemandState.CLOSED:
        services.demand_close(actor=w.contact, demand=demand)
    return Demand.objects.get(pk=demand.pk)


def _take_demand_step(w: World, demand: Demand, name: str) -> Demand:
    if name == "match":
        return services.demand_match(actor=w.coordinator, demand=demand, project=w.project)
    return services.demand_close(actor=w.contact, demand=demand)


@pytest.mark.parametrize(("source", "name", "target"), DEMAND.transitions())
def test_each_demand_transition_is_taken_by_its_actor(
    w: World, source: str, name: str, target: str
) -> None:
    demand = _demand_in(w, source)
    audits = AuditEvent.objects.filter(action=f"cobuild.demand.{name}").count()
    _take_demand_step(w, demand, name)
    assert Demand.objects.get(pk=demand.pk).state == target
    assert AuditEvent.objects.filter(action=f"cobuild.demand.{name}").count() == audits + 1


@pytest.mark.parametrize(
    ("name", "message"),
    [("match", "只有待对接的需求才能对接项目。"), ("close", "该需求已关闭。")],
)
def test_a_demand_step_from_another_state_is_refused(w: World, name: str, message: str) -> None:
    demand = _demand_in(w, DemandState.CLOSED)
    assert demand.state not in DEMAND[name].sources
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        _take_demand_step(w, demand, name)
    assert refused.value.messages == [message]
    assert Demand.objects.get(pk=demand.pk).state == DemandState.CLOSED
    assert AuditEvent.objects.count() == audits
