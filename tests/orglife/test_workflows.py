"""Every declared transition of orglife's workflows, taken once through its service by the one
who takes it: from each source state it lands in the target state with its audit entry; from a
state the step does not start from it is refused with the workflow's message and nothing
changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.core.workflow import Workflow
from mofan.members.models import Member
from mofan.orglife import services
from mofan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from mofan.orglife.workflows import APPRAISAL, ATTENDANCE, MEETING, MEETING_REVIEW, WORKFLOWS
from tests.conftest import Tree, make_members, make_user

pytestmark = pytest.mark.django_db


class World:
    """A branch with three members (the first signed in as a party member), its secretary, the
    committee above it, and a meeting that started five minutes ago."""

    def __init__(self, tree: Tree, roles: dict[str, Role]) -> None:
        self.tree = tree
        self.secretary = make_user(
            "sec", grants=[(roles["branch_secretary"], tree.branch_a1, True)]
        )
        self.committee = make_user(
            "dw", grants=[(roles["committee_admin"], tree.committee_a, True)]
        )
        self.members = make_members(tree.branch_a1, 3)
        self.member_user = make_user("dangyuan")
        Member.objects.filter(pk=self.members[0].pk).update(user=self.member_user)
        start = timezone.now() - timedelta(minutes=5)
        self.meeting = services.meeting_schedule(
            actor=None,
            org=tree.branch_a1,
            kind=MeetingKind.THEMED_PARTY_DAY,
            topic="主题党日",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        self.attendance = Attendance.objects.get(meeting=self.meeting, member=self.members[0])

    def appraisal(self) -> Appraisal:
        found = Appraisal.objects.filter(org=self.tree.branch_a1).first()
        return found or services.appraisal_open(
            actor=self.secretary, org=self.tree.branch_a1, year=timezone.localdate().year
        )


@pytest.fixture
def world(tree: Tree, roles: dict[str, Role]) -> World:
    return World(tree, roles)


def _meeting(w: World) -> Meeting:
    return Meeting.objects.get(pk=w.meeting.pk)


def _attendance(w: World) -> Attendance:
    return Attendance.objects.select_related("meeting", "member").get(pk=w.attendance.pk)


def _put(workflow: Workflow[Any], record: Any, state: str, **fields: Any) -> None:
    """The record in `state` (and the other fields a step needs), written as the data is."""
    type(record).objects.filter(pk=record.pk).update(**{workflow.field: state, **fields})


def _record_attendance(status: str) -> Callable[[World], Any]:
    def take(w: World) -> Any:
        return services.attendance_record(
            actor=w.secretary,
            meeting=_meeting(w),
            member=w.members[0],
            status=status,
            leave_reason="出差" if status == "leave" else "",
        )

    return take


def _grades(w: World) -> dict[int, str]:
    return {e.pk: AppraisalGrade.QUALIFIED for e in w.appraisal().entries.all()}


# Per workflow: the record as read now, and what else a step needs of it; per step: its
# service, called by the one who takes it.
SETUP: dict[str, Callable[[World], Any]] = {
    MEETING.name: _meeting,
    MEETING_REVIEW.name: _meeting,
    ATTENDANCE.name: _attendance,
    APPRAISAL.name: lambda w: w.appraisal(),
}
NEEDS: dict[str, dict[str, Any]] = {
    # Only a held meeting's record goes to the level above.
    MEETING_REVIEW.name: {"status": MeetingStatus.HELD},
}
TAKE: dict[tuple[str, str], Callable[[World], Any]] = {
    (MEETING.name, "held"): lambda w: services.meeting_set_status(
        actor=w.secretary, meeting=_meeting(w), status="held"
    ),
    (MEETING.name, "cancelled"): lambda w: services.meeting_set_status(
        actor=w.secretary, meeting=_meeting(w), status="cancelled"
    ),
    (MEETING_REVIEW.name, "submit"): lambda w: services.meeting_submit(
        actor=w.secretary, meeting=_meeting(w)
    ),
    (MEETING_REVIEW.name, "resubmit"): lambda w: services.meeting_submit(
        actor=w.secretary, meeting=_meeting(w)
    ),
    (MEETING_REVIEW.name, "acknowledge"): lambda w: services.meeting_acknowledge(
        actor=w.committee, meeting=_meeting(w), comment="已阅"
    ),
    (MEETING_REVIEW.name, "approve"): lambda w: services.meeting_review(
        actor=w.committee, meeting=_meeting(w), approve=True
    ),
    (MEETING_REVIEW.name, "return"): lambda w: services.meeting_review(
        actor=w.committee, meeting=_meeting(w), approve=False, comment="请补充记录"
    ),
    (ATTENDANCE.name, "present"): _record_attendance("present"),
    (ATTENDANCE.name, "leave"): _record_attendance("leave"),
    (ATTENDANCE.name, "absent"): _record_attendance("absent"),
    (ATTENDANCE.name, "check_in"): lambda w: services.attendance_self_check_in(
        user=w.member_user, meeting=_meeting(w)
    ),
    (ATTENDANCE.name, "leave_request"): lambda w: services.leave_request(
        user=w.member_user, meeting=_meeting(w), reason="下乡调研"
    ),
    (ATTENDANCE.name, "leave_approve"): lambda w: services.leave_decide(
        actor=w.secretary, attendance=_attendance(w), approve=True
    ),
    (ATTENDANCE.name, "leave_refuse"): lambda w: services.leave_decide(
        actor=w.secretary, attendance=_attendance(w), approve=False
    ),
    (APPRAISAL.name, "conclude"): lambda w: services.appraisal_conclude(
        actor=w.secretary, appraisal=w.appraisal(), grades=_grades(w)
    ),
}
# A repeated check-in is not refused: it is told apart before the step and changes nothing.
NOT_REFUSED = {(ATTENDANCE.name, "check_in")}
# One service takes either step, chosen by the state the record is in (a first submission or
# one after a return): from the other's sources it takes the other.
SIBLINGS = {
    (MEETING_REVIEW.name, "submit"): "resubmit",
    (MEETING_REVIEW.name, "resubmit"): "submit",
}


def _other_sources(w: Workflow[Any], step_name: str) -> frozenset[str]:
    sibling = SIBLINGS.get((w.name, step_name))
    return w[sibling].sources if sibling else frozenset()


BY_NAME = {w.name: w for w in WORKFLOWS}
TRANSITIONS = [(w.name, *t) for w in WORKFLOWS for t in w.transitions()]
REFUSALS = [
    (w.name, s.name, state)
    for w in WORKFLOWS
    for s in w.steps
    if s.sources and (w.name, s.name) not in NOT_REFUSED
    for state in sorted(w.states - s.sources - _other_sources(w, s.name))
]


def test_every_step_with_sources_has_a_service_here() -> None:
    declared = {(w.name, s.name) for w in WORKFLOWS for s in w.steps if s.sources}
    assert declared == set(TAKE)


def _prepare(w: World, name: str, source: str, target: str) -> Any:
    workflow = BY_NAME[name]
    record = SETUP[name](w)
    fields = dict(NEEDS.get(name, {}))
    if workflow is ATTENDANCE and source == target:
        fields["leave_reason"] = "之前的记录"  # the same again changes nothing: make it differ
    _put(workflow, record, source, **fields)
    return SETUP[name](w)


@pytest.mark.parametrize(("name", "source", "step_name", "target"), TRANSITIONS)
def test_each_transition_lands_in_its_target_with_an_audit_entry(
    world: World, name: str, source: str, step_name: str, target: str
) -> None:
    workflow = BY_NAME[name]
    _prepare(world, name, source, target)
    before = AuditEvent.objects.filter(action=workflow.action(step_name)).count()
    TAKE[(name, step_name)](world)
    assert workflow.state_of(SETUP[name](world)) == target
    assert AuditEvent.objects.filter(action=workflow.action(step_name)).count() == before + 1


@pytest.mark.parametrize(("name", "step_name", "state"), REFUSALS)
def test_a_step_from_another_state_is_refused_and_changes_nothing(
    world: World, name: str, step_name: str, state: str
) -> None:
    workflow = BY_NAME[name]
    record = _prepare(world, name, state, "")
    assert workflow.refuse is not None
    expected = str(workflow.refuse(record, workflow[step_name]))
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        TAKE[(name, step_name)](world)
    assert refused.value.messages == [expected]
    assert workflow.state_of(SETUP[name](world)) == state
    assert AuditEvent.objects.count() == events


def test_the_first_steps_are_audited_when_the_record_is_made(world: World) -> None:
    assert AuditEvent.objects.filter(
        action=MEETING.action("schedule"), target_id=str(world.meeting.pk)
    ).exists()
    appraisal = world.appraisal()
    assert AuditEvent.objects.filter(
        action=APPRAISAL.action("open"), target_id=str(appraisal.pk)
    ).exists()
