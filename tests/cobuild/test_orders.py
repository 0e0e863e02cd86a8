"""The order loop: every allowed and every refused step of the transition table, who may take
each step, what is checked on the way, the log, the messages and the waiting times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.cobuild import selectors, services
from mofan.cobuild.models import Order, OrderEvent, OrderFormat, OrderState
from mofan.cobuild.workflows import ORDER
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from tests.cobuild.orders_world import World, advance, build, pdf, place, png
from tests.conftest import Tree, make_user

pytestmark = pytest.mark.django_db

STATES = list(OrderState.values)


@pytest.fixture
def w(tree: Tree, roles: dict[str, Any]) -> World:
    return build(tree, roles)


def _take(w: World, order: Order, step: str) -> Order:
    """Take `step` as the person whose turn it is, with valid input. Before an order is
    dispatched it has no team, and the team's people do not see it at all; the coordinator
    (who also serves, from above) stands in for them there and is told the state."""
    now = timezone.now()
    if order.team_id is None and w.team_user is not w.coordinator:
        w = World(**{**w.__dict__, "team_user": w.coordinator})
    calls = {
        "dispatch": lambda: services.order_dispatch(
            actor=w.coordinator, order=order, team=w.tree.branch_a1
        ),
        "accept": lambda: services.order_accept(actor=w.team_user, order=order),
        "decline": lambda: services.order_decline(
            actor=w.team_user, order=order, reason="当天有庭审"
        ),
        "schedule": lambda: services.order_schedule(
            actor=w.team_user, order=order, scheduled_at=now + timedelta(days=7)
        ),
        "prepare": lambda: services.order_prepare(
            actor=w.team_user, order=order, lesson_plan=pdf(), slides=pdf("课件.pdf")
        ),
        "deliver": lambda: services.order_deliver(
            actor=w.team_user,
            order=order,
            taught_by=[w.lecturer, w.lawyer],
            attendance=78,
            photos=[png()],
        ),
        "confirm": lambda: services.order_confirm(
            actor=w.contact, order=order, rating=4, comment="学生很投入"
        ),
        "cancel": lambda: services.order_cancel(
            actor=w.contact, order=order, reason="期中考试调整"
        ),
    }
    return calls[step]()


def _fields(order: Order) -> tuple[Any, ...]:
    order.refresh_from_db()
    return (
        order.state,
        order.team_id,
        order.scheduled_at,
        order.delivered_at,
        order.attendance,
        order.rating,
        order.cancel_reason,
        order.decline_reason,
        str(order.lesson_plan),
        order.taught_by.count(),
        order.photos.count(),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", [s.name for s in ORDER.steps if s.sources])
def test_transition_table(w: World, state: str, step: str) -> None:
    order = advance(w, place(w), state)
    assert order.state == state
    transition = ORDER[step]
    before = _fields(order)
    audits, events = AuditEvent.objects.count(), OrderEvent.objects.count()
    if state in transition.sources:
        done = _take(w, order, step)
        assert done.state == transition.target
        assert Order.objects.get(pk=order.pk).state == transition.target
        assert AuditEvent.objects.count() == audits + 1
        event = OrderEvent.objects.order_by("-id").first()
        assert event is not None
        assert (event.step, event.from_state, event.to_state) == (step, state, transition.target)
    else:
        with pytest.raises(DomainError) as exc:
            _take(w, order, step)
        label = str(OrderState(state).label)
        assert exc.value.messages == [f"此步骤无法进行：该订单现在是“{_zh(label)}”。"]
        assert _fields(order) == before
        assert AuditEvent.objects.count() == audits
        assert OrderEvent.objects.count() == events


def _zh(label: str) -> str:
    from django.utils.translation import gettext

    return gettext(label)


def test_the_table_reaches_every_state_and_ends_in_two() -> None:
    targets = {t.target for t in ORDER.steps}
    assert targets | {OrderState.ORDERED} == set(OrderState.values)
    sources = set().union(*(t.sources for t in ORDER.steps))
    assert set(OrderState.values) - sources == {OrderState.CONFIRMED, OrderState.CANCELLED}


@pytest.mark.parametrize(
    ("step", "state", "wrong"),
    [
        ("dispatch", "ordered", "team_user"),
        ("dispatch", "ordered", "contact"),
        ("accept", "dispatched", "other_contact"),
        ("accept", "dispatched", "contact"),
        ("decline", "dispatched", "contact"),
        ("schedule", "accepted", "contact"),
        ("prepare", "scheduled", "contact"),
        ("deliver", "prepared", "contact"),
        ("confirm", "delivered", "coordinator"),
        ("confirm", "delivered", "team_user"),
        ("confirm", "delivered", "other_contact"),
        ("cancel", "ordered", "team_user"),
        ("cancel", "ordered", "other_contact"),
    ],
)
def test_only_the_right_person_takes_a_step(w: World, step: str, state: str, wrong: str) -> None:
    order = advance(w, place(w), state)
    before, audits = _fields(order), AuditEvent.objects.count()
    impostor = getattr(w, wrong)
    swapped = World(
        **{**w.__dict__, "coordinator": impostor, "team_user": impostor, "contact": impostor}
    )
    with pytest.raises(PermissionDenied):
        _take(swapped, order, step)
    assert _fields(order) == before and AuditEvent.objects.count() == audits


def test_coordinator_from_above_dispatches_and_outsider_cannot(
    w: World, tree: Tree, roles: dict[str, Any]
) -> None:
    above = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    order = place(w)
    with pytest.raises(PermissionDenied):
        services.order_dispatch(actor=outsider, order=order, team=tree.branch_a1)
    services.order_dispatch(actor=above, order=order, team=tree.branch_a1)
    assert Order.objects.get(pk=order.pk).state == OrderState.DISPATCHED


def test_step_input_is_checked_and_nothing_changes(w: World, tree: Tree) -> None:
    order = place(w)
    cases = [
        (
            lambda o: services.order_dispatch(actor=w.coordinator, order=o, team=tree.branch_a2),
            "ordered",
            "team",
        ),
        (
            lambda o: services.order_decline(actor=w.team_user, order=o, reason="  "),
            "dispatched",
            "reason",
        ),
        (
            lambda o: services.order_schedule(
                actor=w.team_user, order=o, scheduled_at=timezone.now() - timedelta(hours=1)
            ),
            "accepted",
            "scheduled_at",
        ),
        (lambda o: services.order_prepare(actor=w.team_user, order=o), "scheduled", "lesson_plan"),
        (
            lambda o: services.order_deliver(
                actor=w.team_user, order=o, taught_by=[], attendance=10
            ),
            "prepared",
            "taught_by",
        ),
        (
            lambda o: services.order_deliver(
                actor=w.team_user, order=o, taught_by=[w.lecturer], attendance=0
            ),
            "prepared",
            "attendance",
        ),
        (
            lambda o: services.order_confirm(actor=w.contact, order=o, rating=6),
            "delivered",
            "rating",
        ),
        (lambda o: services.order_cancel(actor=w.contact, order=o, reason=""), "ordered", "reason"),
    ]
    for call, state, field in cases:
        order = advance(w, place(w), state)
        before, audits = _fields(order), AuditEvent.objects.count()
        with pytest.raises(DomainError) as exc:
            call(order)
        assert field in exc.value.message_dict, field
        assert _fields(order) == before and AuditEvent.objects.count() == audits


def test_prepared_order_is_not_delivered_before_its_time(w: World) -> None:
    order = advance(w, place(w), "accepted")
    services.order_schedule(
        actor=w.team_user, order=order, scheduled_at=timezone.now() + timedelta(days=2)
    )
    services.order_prepare(actor=w.team_user, order=order, lesson_plan=pdf())
    with pytest.raises(DomainError) as exc:
        services.order_deliver(
            actor=w.team_user, order=order, taught_by=[w.lecturer], attendance=50
        )
    assert exc.value.messages == ["服务须在预定时间之后登记。"]
    assert Order.objects.get(pk=order.pk).state == OrderState.PREPARED


def test_placing_checks_the_menu_and_the_partner(
    w: World, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    base: dict[str, Any] = {
        "actor": w.contact,
        "topic": w.topic,
        "partner": w.school,
        "format": "lecture",
        "audience": "初一",
        "audience_size": 40,
        "venue": "多功能厅",
    }
    with pytest.raises(DomainError) as exc:
        services.order_place(**{**base, "format": OrderFormat.INTERACTIVE, "venue": ""})
    assert set(exc.value.message_dict) == {"format", "venue"}
    with pytest.raises(PermissionDenied):
        services.order_place(**{**base, "partner": w.other_school})
    assert not Order.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(**base)
    assert order.state == OrderState.ORDERED and order.ordered_by == w.contact
    assert order.events.get().step == "place"
    # The coordinators are told there is an order to dispatch.
    assert Message.objects.filter(user=w.coordinator, link__endswith=f"/{order.pk}/").exists()


def test_each_step_tells_the_next_actor(w: World, django_capture_on_commit_callbacks: Any) -> None:
    order = place(w)

    def take(step: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            _take(w, order, step)

    take("dispatch")
    assert Message.objects.filter(user=w.team_user, title__contains="派").exists()
    take("accept")
    assert Message.objects.filter(user=w.contact).count() == 1
    take("schedule")
    take("prepare")
    Order.objects.filter(pk=order.pk).update(scheduled_at=timezone.now() - timedelta(hours=2))
    take("deliver")
    assert Message.objects.filter(user=w.contact, title__contains="评价").exists()
    take("confirm")
    assert Message.objects.filter(user=w.team_user, title__contains="评价").exists()
    assert not Message.objects.filter(user=w.other_contact).exists()


def test_declined_order_is_dispatched_again(w: World, tree: Tree) -> None:
    order = advance(w, place(w), "declined")
    assert order.decline_reason == "人手不足"
    services.order_dispatch(actor=w.coordinator, order=order, team=tree.committee_a)
    order.refresh_from_db()
    assert order.state == OrderState.DISPATCHED and order.team == tree.committee_a
    assert order.decline_reason == ""
    steps = list(order.events.order_by("id").values_list("step", flat=True))
    assert steps == ["place", "dispatch", "decline", "dispatch"]


def test_waiting_times(w: World) -> None:
    order = place(w)
    Order.objects.filter(pk=order.pk).update(ordered_at=timezone.now() - timedelta(days=10))
    order = advance(w, Order.objects.get(pk=order.pk), "confirmed")
    assert order.wait_to_dispatch is not None
    assert abs(order.wait_to_dispatch - timedelta(days=4)) < timedelta(seconds=5)
    assert order.wait_to_deliver is not None and order.wait_to_deliver.days == 9
    stats = selectors.order_statistics(actor=w.coordinator, year=order.ordered_at.year)
    assert stats.wait_dispatch_hours == pytest.approx(96.0, abs=0.1)
    assert stats.average_rating == 5 and stats.ratings == 1
    assert stats.by_topic == [("模拟法庭", 1, 1)]
    assert stats.lecturers == [(w.lecturer.name, w.lecturer.unit, 1, 76)]


def test_partner_sees_only_its_own(w: World, tree: Tree, roles: dict[str, Any]) -> None:
    mine = place(w)
    theirs = place(w, partner=w.other_school)
    services.demand_post(actor=w.other_contact, partner=w.other_school, title="禁毒讲座")
    assert list(selectors.order_board(actor=w.contact)) == [mine]
    assert list(selectors.order_board(actor=w.other_contact)) == [theirs]
    assert not selectors.demand_list(actor=w.contact).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.order_get(actor=w.contact, pk=theirs.pk)
    # The team sees the orders dispatched to it, not the others; side B sees nothing.
    advance(w, mine, "dispatched")
    assert list(selectors.order_board(actor=w.team_user)) == [mine]
    other_branch = make_user("a2", grants=[(roles["branch_secretary"], tree.branch_a2, True)])
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    assert not selectors.order_board(actor=other_branch).exists()
    assert not selectors.order_board(actor=outsider).exists()
    assert set(selectors.order_board(actor=w.coordinator)) == {mine, theirs}


def test_demand_posted_matched_and_closed(
    w: World, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    demand = services.demand_post(
        actor=w.contact, partner=w.school, title="希望开展模拟法庭", audience="初二"
    )
    with pytest.raises(PermissionDenied):
        services.demand_match(actor=w.team_user, demand=demand, project=w.project)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_match(actor=w.coordinator, demand=demand, project=w.project)
    demand.refresh_from_db()
    assert demand.state == "matched" and demand.project == w.project
    assert Message.objects.filter(user=w.contact, title__contains="模法师").exists()
    with pytest.raises(DomainError):
        services.demand_match(actor=w.coordinator, demand=demand, project=w.project)
    with pytest.raises(PermissionDenied):
        services.demand_close(actor=w.other_contact, demand=demand)
    services.demand_close(actor=w.contact, demand=demand)
    assert type(demand).objects.get(pk=demand.pk).state == "closed"


def test_team_members_and_menu(w: World, tree: Tree) -> None:
    from tests.conftest import make_members

    stranger = make_members(tree.branch_b1, 1)[0]
    with pytest.raises(DomainError) as exc:
        services.project_member_add(actor=w.coordinator, project=w.project, member=stranger)
    assert "member" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.project_member_add(actor=w.coordinator, project=w.project, name="李警官")
    with pytest.raises(DomainError):
        services.topic_add(actor=w.coordinator, project=w.project, title="模拟法庭")
    police = services.project_member_add(
        actor=w.coordinator,
        project=w.project,
        name="李警官",
        unit="强制隔离戒毒所",
        role="司法警察",
    )
    topic = services.topic_add(
        actor=w.coordinator, project=w.project, title="禁毒知识", lecturers=[police]
    )
    assert str(police) == "李警官" and list(topic.lecturers.all()) == [police]
