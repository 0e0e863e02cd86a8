"""The workflows of organisational life, each declared once: a meeting (scheduled → held or
cancelled), the oversight of its record by the level above (审阅/审核), a member's attendance
(recorded, checked in, leave asked and decided) and the yearly democratic appraisal.

The audit codes are those written before the declarations (`orglife.meeting.held`,
`orglife.review.return`, `orglife.attendance.record`, `orglife.leave.approve`, …), with the
same changes, so that the labels and the history stay valid."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mofan.core.workflow import Step, Workflow, step
from mofan.orglife import policies
from mofan.orglife.models import (
    Appraisal,
    AppraisalState,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingReview,
    MeetingStatus,
    ReviewState,
)

# ── a meeting ──


def meeting_refusal(meeting: Meeting, target: str) -> str:
    return _("A %(now)s meeting cannot become %(then)s.") % {
        "now": MeetingStatus(meeting.status).label,
        "then": MeetingStatus(target).label,
    }


MEETING: Workflow[Meeting] = Workflow(
    name="orglife.meeting",
    model=Meeting,
    field="status",
    steps=(
        # A meeting already over when it is entered starts as held (补录): see meeting_schedule.
        step("schedule", (), MeetingStatus.SCHEDULED, "manager"),
        step(
            "held",
            {MeetingStatus.SCHEDULED},
            MeetingStatus.HELD,
            "manager",
            label=gettext_lazy("Mark as held"),
        ),
        step(
            "cancelled",
            {MeetingStatus.SCHEDULED},
            MeetingStatus.CANCELLED,
            "manager",
            label=gettext_lazy("Cancel the meeting"),
        ),
    ),
    actors={"manager": policies.manages},
    org=lambda meeting: meeting.org,
    sees=policies.sees_meeting,
    related=("org",),
    refuse=lambda meeting, s: meeting_refusal(meeting, s.target),
    state_changes=lambda s, before, after: {
        "status": [MeetingStatus(before).label, MeetingStatus(after).label]
    },
)


# ── the oversight of a held meeting's record ──


def _review_event(*, record: Meeting, step: str, actor: Any, note: str, **_ignored: Any) -> None:
    """The record's review history: one row per step, with the comment."""
    MeetingReview.objects.create(meeting=record, action=step, comment=note, actor=actor)


MEETING_REVIEW: Workflow[Meeting] = Workflow(
    name="orglife.review",
    model=Meeting,
    field="review_state",
    steps=(
        step(
            "submit",
            {ReviewState.NOT_SUBMITTED},
            ReviewState.SUBMITTED,
            "manager",
            label=gettext_lazy("Submit for review"),
            message=gettext_lazy("Submitted to the level above."),
        ),
        step(
            "resubmit",
            {ReviewState.RETURNED},
            ReviewState.SUBMITTED,
            "manager",
            label=gettext_lazy("Resubmit for review"),
            message=gettext_lazy("Submitted to the level above."),
        ),
        step(
            "acknowledge",
            {ReviewState.SUBMITTED},
            ReviewState.ACKNOWLEDGED,
            "reviewer",
            label=gettext_lazy("Acknowledge (read)"),
            message=gettext_lazy("Recorded."),
        ),
        step(
            "approve",
            {ReviewState.SUBMITTED},
            ReviewState.APPROVED,
            "reviewer",
            label=gettext_lazy("Approve"),
            message=gettext_lazy("Recorded."),
        ),
        step(
            "return",
            {ReviewState.SUBMITTED},
            ReviewState.RETURNED,
            "reviewer",
            label=gettext_lazy("Return for correction"),
            message=gettext_lazy("Recorded."),
            form="mofan.orglife.forms.ReviewForm",
        ),
    ),
    actors={"manager": policies.manages, "reviewer": policies.reviews_from_above},
    org=lambda meeting: meeting.org,
    sees=policies.sees_meeting,
    related=("org",),
    event=_review_event,
    refuse=lambda meeting, s: (
        _("A record that is %(now)s cannot become %(then)s.")
        % {"now": ReviewState(meeting.review_state).label, "then": ReviewState(s.target).label}
    ),
    state_changes=lambda s, before, after: {
        "review": [ReviewState(before).label, ReviewState(after).label]
    },
)

# A record with the level above, or accepted by it, is locked; a returned one is corrected.
LOCKED_STATES = frozenset({ReviewState.SUBMITTED, ReviewState.ACKNOWLEDGED, ReviewState.APPROVED})


# ── a member's attendance ──

EVERY_ATTENDANCE = frozenset(AttendanceStatus.values)


def _attendance_refusal(attendance: Attendance, s: Step) -> str:
    # Only asking for leave and deciding on it start from some states: recording and checking
    # in start from any (a second check-in is told apart before the step).
    if s.name in {"leave_approve", "leave_refuse"}:
        return _("There is no leave request to decide.")
    return _("Your attendance is already recorded as %(status)s.") % {
        "status": AttendanceStatus(attendance.status).label
    }


def _attendance_state(s: Step, before: str, after: str) -> dict[str, Any]:
    if s.name == "leave_request":
        return {}  # the request's entry says the reason; its state is in the step's name
    return {"status": [AttendanceStatus(before).label, AttendanceStatus(after).label]}


def _recorded(status: str) -> Step:
    """The organiser records presence, leave or absence, over whatever was there."""
    return step(status, EVERY_ATTENDANCE, status, "manager", action="orglife.attendance.record")


ATTENDANCE: Workflow[Attendance] = Workflow(
    name="orglife.attendance",
    model=Attendance,
    field="status",
    steps=(
        _recorded(AttendanceStatus.PRESENT),
        _recorded(AttendanceStatus.LEAVE),
        _recorded(AttendanceStatus.ABSENT),
        step(
            "check_in",
            EVERY_ATTENDANCE - {AttendanceStatus.PRESENT},
            AttendanceStatus.PRESENT,
            "attendee",
        ),
        step(
            "leave_request",
            {AttendanceStatus.EXPECTED, AttendanceStatus.LEAVE_REQUESTED},
            AttendanceStatus.LEAVE_REQUESTED,
            "attendee",
            action="orglife.leave.request",
            message=gettext_lazy("Your leave request was sent to the organiser."),
        ),
        step(
            "leave_approve",
            {AttendanceStatus.LEAVE_REQUESTED},
            AttendanceStatus.LEAVE,
            "manager",
            action="orglife.leave.approve",
            label=gettext_lazy("Approve leave"),
        ),
        step(
            "leave_refuse",
            {AttendanceStatus.LEAVE_REQUESTED},
            AttendanceStatus.EXPECTED,
            "manager",
            action="orglife.leave.refuse",
            label=gettext_lazy("Refuse leave"),
        ),
    ),
    actors={"manager": policies.manages_attendance, "attendee": policies.is_the_attendee},
    org=lambda attendance: attendance.meeting.org,
    sees=policies.sees_attendance,
    related=("meeting__org", "member"),  # only the attendance row is locked
    refuse=_attendance_refusal,
    state_changes=_attendance_state,
    audit_target=lambda a: (a.meeting, f"{a.meeting} · {a.member}"),
)


# ── 民主评议党员 ──

APPRAISAL: Workflow[Appraisal] = Workflow(
    name="orglife.appraisal",
    model=Appraisal,
    field="state",
    steps=(
        step("open", (), AppraisalState.OPEN, "manager"),
        step("conclude", {AppraisalState.OPEN}, AppraisalState.CLOSED, "manager"),
    ),
    actors={"manager": policies.manages},
    org=lambda appraisal: appraisal.org,
    sees=policies.manages,
    related=("org",),
    refuse=lambda appraisal, s: _("This appraisal has been concluded."),
    state_changes=lambda s, before, after: {},  # the entry counts the grades decided
)

WORKFLOWS = (MEETING, MEETING_REVIEW, ATTENDANCE, APPRAISAL)
