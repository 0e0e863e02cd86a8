"""Every declared transition of volunteering's workflows, taken once through its service by
its actor: it lands in the target state with an audit entry; and a step from a state that is
not one of its sources is refused with the workflow's message, changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.core.workflow import Workflow
from mofan.orgs.services import partner_create
from mofan.volunteer import services
from mofan.volunteer.models import (
    ActivityStatus,
    CommunityRegistration,
    Participation,
    ParticipationState,
    RegistrationState,
    RegistrationTask,
    TaskState,
    VolunteerActivity,
    Wish,
    WishStatus,
)
from mofan.volunteer.workflows import ACTIVITY, PARTICIPATION, REGISTRATION, TASK, WISH
from tests.conftest import Tree
from tests.volunteer.conftest import World, make_activity

pytestmark = pytest.mark.django_db


def _audited(workflow: Workflow[Any], name: str) -> int:
    return AuditEvent.objects.filter(action=workflow.action(name)).count()


def _refused(take: Callable[[], Any], record: Any, workflow: Workflow[Any]) -> None:
    before = workflow.state_of(record)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        take()
    record.refresh_from_db()
    assert workflow.state_of(record) == before
    assert AuditEvent.objects.count() == events


# ── micro-wishes ──


def _wish(world: World, status: str) -> Wish:
    wish = services.wish_post(
        actor=world.contact,
        community=world.community,
        beneficiary="王奶奶",
        title="一台收音机",
        estimated_value="80",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    if status == WishStatus.SUBMITTED:
        return wish
    if status == WishStatus.REJECTED:
        return services.wish_review(actor=world.organiser, wish=wish, approve=False, note="重复")
    services.wish_review(actor=world.organiser, wish=wish, approve=True)
    if status == WishStatus.PUBLISHED:
        return wish
    if status == WishStatus.EXPIRED:
        services.wishes_expire(today=timezone.localdate() + timedelta(days=11))
        wish.refresh_from_db()
        return wish
    services.wish_claim(user=world.users[0], wish=wish)
    if status == WishStatus.CLAIMED:
        return wish
    services.wish_fulfil(
        user=world.users[0], wish=wish, fulfilled_on=timezone.localdate(), note="送到"
    )
    if status == WishStatus.FULFILLED:
        return wish
    return services.wish_confirm(actor=world.contact, wish=wish, approve=True)


def _wish_step(world: World, name: str) -> Callable[[Wish], Any]:
    return {
        "publish": lambda w: services.wish_review(actor=world.organiser, wish=w, approve=True),
        "reject": lambda w: services.wish_review(
            actor=world.organiser, wish=w, approve=False, note="重复"
        ),
        "claim": lambda w: services.wish_claim(user=world.users[0], wish=w),
        "fulfil": lambda w: services.wish_fulfil(
            user=world.users[0], wish=w, fulfilled_on=timezone.localdate(), note="送到"
        ),
        "confirm": lambda w: services.wish_confirm(actor=world.contact, wish=w, approve=True),
        "return": lambda w: services.wish_confirm(
            actor=world.contact, wish=w, approve=False, reason="照片不清楚"
        ),
        "expire": lambda w: services.wishes_expire(today=timezone.localdate() + timedelta(days=11)),
    }[name]


@pytest.mark.parametrize("source,name,target", WISH.transitions(), ids=str)
def test_each_wish_step(world: World, source: str, name: str, target: str) -> None:
    wish = _wish(world, source)
    audited = _audited(WISH, name)
    _wish_step(world, name)(wish)
    wish.refresh_from_db()
    assert wish.status == target
    assert _audited(WISH, name) == audited + 1


@pytest.mark.parametrize("name", ["publish", "fulfil", "confirm", "return"])
def test_a_wish_step_from_another_state_is_refused(world: World, name: str) -> None:
    wrong = WishStatus.REJECTED  # a source of no step
    assert wrong not in WISH[name].sources
    wish = _wish(world, wrong)
    if name == "fulfil":  # only the claimer reports: one is named, so the state is what refuses
        Wish.objects.filter(pk=wish.pk).update(
            claimed_by=world.people[0], claimed_for=world.people[0].org
        )
    _refused(lambda: _wish_step(world, name)(wish), wish, WISH)


def test_the_wish_post_step_is_audited(world: World) -> None:
    wish = _wish(world, WishStatus.SUBMITTED)
    assert wish.status == WISH["post"].target
    assert _audited(WISH, "post") == 1


# ── community registrations and their tasks ──


def _registration(world: World, state: str) -> CommunityRegistration:
    registration = services.registration_submit(user=world.users[0], community=world.community)
    if state == RegistrationState.PENDING:
        return registration
    return services.registration_decide(
        actor=world.contact,
        registration=registration,
        approve=state == RegistrationState.CONFIRMED,
        note="" if state == RegistrationState.CONFIRMED else "不住本社区",
    )


def _other_community(world: World, tree: Tree) -> Any:
    return partner_create(actor=None, org=tree.committee_a, name="新桥社区", kind="community")


@pytest.mark.parametrize("source,name,target", REGISTRATION.transitions(), ids=str)
def test_each_registration_step(
    world: World, tree: Tree, source: str, name: str, target: str
) -> None:
    registration = _registration(world, source)
    audited = _audited(REGISTRATION, name)
    if name == "end":
        services.registration_submit(user=world.users[0], community=_other_community(world, tree))
    else:
        services.registration_decide(
            actor=world.contact,
            registration=registration,
            approve=name == "confirm",
            note="" if name == "confirm" else "不住本社区",
        )
    registration.refresh_from_db()
    assert registration.state == target
    assert _audited(REGISTRATION, name) == audited + 1


def test_a_registration_decided_again_is_refused(world: World) -> None:
    registration = _registration(world, RegistrationState.CONFIRMED)
    _refused(
        lambda: services.registration_decide(
            actor=world.contact, registration=registration, approve=True
        ),
        registration,
        REGISTRATION,
    )


def _task(world: World, state: str) -> RegistrationTask:
    registration = _registration(world, RegistrationState.CONFIRMED)
    task = services.registration_task_assign(
        actor=world.contact, registration=registration, title="楼栋巡查"
    )
    if state == TaskState.ASSIGNED:
        return task
    if state == TaskState.CANCELLED:
        return services.registration_task_cancel(actor=world.contact, task=task, note="取消")
    services.registration_task_report(
        user=world.users[0], task=task, hours=Decimal(2), report="巡了"
    )
    if state == TaskState.REPORTED:
        return task
    return services.registration_task_decide(actor=world.contact, task=task, confirm=True)


def _task_step(world: World, name: str) -> Callable[[RegistrationTask], Any]:
    return {
        "report": lambda t: services.registration_task_report(
            user=world.users[0], task=t, hours=Decimal(2), report="巡了"
        ),
        "confirm": lambda t: services.registration_task_decide(
            actor=world.contact, task=t, confirm=True
        ),
        "return": lambda t: services.registration_task_decide(
            actor=world.contact, task=t, confirm=False, note="时长不对"
        ),
        "cancel": lambda t: services.registration_task_cancel(
            actor=world.contact, task=t, note="取消"
        ),
    }[name]


@pytest.mark.parametrize("source,name,target", TASK.transitions(), ids=str)
def test_each_task_step(world: World, source: str, name: str, target: str) -> None:
    task = _task(world, source)
    audited = _audited(TASK, name)
    _task_step(world, name)(task)
    task.refresh_from_db()
    assert task.state == target
    assert _audited(TASK, name) == audited + 1


@pytest.mark.parametrize("name", ["report", "confirm", "return", "cancel"])
def test_a_task_step_from_another_state_is_refused(world: World, name: str) -> None:
    task = _task(world, TaskState.CONFIRMED)  # a source of no step
    with pytest.raises(DomainError, match="不能进行此操作"):
        _task_step(world, name)(task)
    _refused(lambda: _task_step(world, name)(task), task, TASK)


# ── activities and participations ──


def _over(activity: VolunteerActivity) -> None:
    """Move the activity into the past (the service refuses to create one there)."""
    start = timezone.now() - timedelta(hours=3)
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        signup_deadline=start,
        cancel_deadline=start,
    )
    activity.refresh_from_db()


def test_each_activity_step(world: World, tree: Tree) -> None:
    assert ACTIVITY.transitions() == [
        (ActivityStatus.OPEN, "cancel", ActivityStatus.CANCELLED),
        (ActivityStatus.OPEN, "close", ActivityStatus.CLOSED),
    ]
    cancelled = make_activity(world, tree)
    assert _audited(ACTIVITY, "create") == 1
    services.activity_cancel(actor=world.organiser, activity=cancelled, reason="大雨")
    cancelled.refresh_from_db()
    assert cancelled.status == ActivityStatus.CANCELLED
    assert _audited(ACTIVITY, "cancel") == 1
    closed = make_activity(world, tree)
    _over(closed)
    services.hours_confirm(actor=world.organiser, activity=closed)
    closed.refresh_from_db()
    assert closed.status == ActivityStatus.CLOSED
    assert _audited(ACTIVITY, "close") == 1


def test_an_activity_step_from_another_state_is_refused(world: World, tree: Tree) -> None:
    activity = make_activity(world, tree)
    _over(activity)
    services.hours_confirm(actor=world.organiser, activity=activity)
    activity.refresh_from_db()
    _refused(
        lambda: services.activity_cancel(actor=world.organiser, activity=activity, reason="大雨"),
        activity,
        ACTIVITY,
    )
    _refused(
        lambda: services.hours_confirm(actor=world.organiser, activity=activity),
        activity,
        ACTIVITY,
    )


def test_each_participation_step(world: World, tree: Tree) -> None:
    activity = make_activity(world, tree, capacity=1)
    first, _changed = services.signup(user=world.users[0], activity=activity)
    second, _changed = services.signup(user=world.users[1], activity=activity)
    assert (first.state, second.state) == (
        ParticipationState.SIGNED_UP,
        ParticipationState.WAITLISTED,
    )
    # cancel (signed up → cancelled) promotes the waiting one (waitlisted → signed up).
    services.signup_cancel(user=world.users[0], participation=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == ParticipationState.CANCELLED
    assert second.state == ParticipationState.SIGNED_UP
    assert _audited(PARTICIPATION, "promote") == 1
    # signup_waitlisted: cancelled → waitlisted (the one place is taken again).
    services.signup(user=world.users[0], activity=activity)
    first.refresh_from_db()
    assert first.state == ParticipationState.WAITLISTED
    # cancel (waitlisted → cancelled), then signup: cancelled → signed up once a place frees.
    services.signup_cancel(user=world.users[0], participation=first)
    first.refresh_from_db()
    assert first.state == ParticipationState.CANCELLED
    services.signup_cancel(user=world.users[1], participation=second)
    services.signup(user=world.users[0], activity=activity)
    first.refresh_from_db()
    assert first.state == ParticipationState.SIGNED_UP
    assert _audited(PARTICIPATION, "signup") == 4  # "volunteer.signup", both of its steps
    assert _audited(PARTICIPATION, "cancel") == 3
    # add / add_waitlisted: the organiser enters people, from cancelled too.
    services.signup_cancel(user=world.users[0], participation=first)
    services.participant_add(actor=world.organiser, activity=activity, member=world.people[0])
    services.participant_add(actor=world.organiser, activity=activity, member=world.people[1])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (
        ParticipationState.SIGNED_UP,
        ParticipationState.WAITLISTED,
    )
    assert _audited(PARTICIPATION, "add") == 2


def test_a_participation_cancelled_twice_is_refused(world: World, tree: Tree) -> None:
    activity = make_activity(world, tree)
    participation, _changed = services.signup(user=world.users[0], activity=activity)
    services.signup_cancel(user=world.users[0], participation=participation)
    participation.refresh_from_db()
    _refused(
        lambda: services.signup_cancel(user=world.users[0], participation=participation),
        participation,
        PARTICIPATION,
    )
    assert Participation.objects.filter(pk=participation.pk).get().state == "cancelled"
