"""Attendance: the organiser's record, and a member checking in from their phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)
from mofan.orglife.services.meetings import (
    _meeting_for_update,
    _require_editable,
    own_member,
)
from mofan.orglife.workflows import ATTENDANCE


@transaction.atomic
def attendance_record(
    *, actor: Any, meeting: Meeting, member: Member, status: str, leave_reason: str = ""
) -> tuple[Attendance, bool]:
    """The organiser records presence, leave or absence. Recording the same again changes
    nothing and says so (the second element is False)."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    if status not in {AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT}:
        raise DomainError(_("Choose present, on leave or absent."))
    leave_reason = " ".join((leave_reason or "").split())
    if status == AttendanceStatus.LEAVE and not leave_reason:
        raise DomainError({"leave_reason": _("Give the reason for the leave.")})
    found = Attendance.objects.filter(meeting=meeting, member=member).order_by("pk").first()
    if found is None:
        raise DomainError(_("This member is not among the meeting's attendees."))
    attendance = ATTENDANCE.lock(found)
    if attendance.status == status and attendance.leave_reason == leave_reason:
        return attendance, False
    attendance = ATTENDANCE.begin(actor, attendance, status, locked=True)
    attendance.leave_reason = leave_reason if status == AttendanceStatus.LEAVE else ""
    attendance.checked_in_at = timezone.now() if status == AttendanceStatus.PRESENT else None
    ATTENDANCE.finish(
        actor,
        attendance,
        status,
        fields=["leave_reason", "checked_in_at"],
        changes={
            "member": [None, member.full_name],
            "leave_reason": [None, attendance.leave_reason],
        },
    )
    return attendance, True


CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)


def attendance_self_check_in(*, user: Any, meeting: Meeting) -> tuple[Attendance, bool]:
    """A member checks in from their phone (after scanning the meeting's code). A second
    check-in changes nothing; the second element says whether this one counted.

    Everything that only reads happens before the write transaction, so a burst of phones
    holds SQLite's single writer lock (and PostgreSQL's share lock on the meeting) as briefly
    as it can; a repeated scan takes no write lock at all."""
    member = own_member(user)
    _check_in_open(meeting)
    attendance = Attendance.objects.filter(meeting=meeting, member=member).order_by("pk").first()
    if attendance is None:
        raise DomainError(_("You are not among this meeting's attendees."))
    if attendance.status == AttendanceStatus.PRESENT:
        return attendance, False
    return _record_check_in(user=user, meeting=meeting, member=member, pk=attendance.pk)


def _check_in_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    now = timezone.now()
    if not meeting.starts_at - CHECK_IN_OPENS_BEFORE <= now <= meeting.ends_at:
        raise DomainError(_("Check-in is open from half an hour before the meeting to its end."))


@transaction.atomic
def _record_check_in(
    *, user: Any, meeting: Meeting, member: Member, pk: int
) -> tuple[Attendance, bool]:
    meeting = _meeting_for_check_in(meeting)
    _check_in_open(meeting)  # again, under the lock: it may have been cancelled meanwhile
    # Only the attendance row is locked (`ATTENDANCE.lock`): the check-ins share the meeting.
    attendance = ATTENDANCE.lock(Attendance(pk=pk))
    if attendance.status == AttendanceStatus.PRESENT:
        return attendance, False
    attendance = ATTENDANCE.begin(user, attendance, "check_in", locked=True)
    attendance.checked_in_at, attendance.leave_reason = timezone.now(), ""
    ATTENDANCE.finish(
        user,
        attendance,
        "check_in",
        fields=["checked_in_at", "leave_reason"],
        changes={"member": [None, member.full_name]},
    )
    return attendance, True


def _meeting_for_check_in(meeting: Meeting) -> Meeting:
    """The meeting reread under a share lock on PostgreSQL: a status change (which locks it
    for update) waits for the check-ins in progress and they for it, but check-ins do not
    wait for each other — under an update lock a burst of a thousand phones queued here for
    the whole of each other's transactions. SQLite's immediate transactions already serialise
    every writer."""
    if connection.vendor != "postgresql":
        return _meeting_for_update(meeting)
    rows = list(
        Meeting.objects.raw("SELECT * FROM orglife_meeting WHERE id = %s FOR SHARE", [meeting.pk])
    )
    if not rows:
        raise Meeting.DoesNotExist
    fresh = rows[0]
    if fresh.org_id == meeting.org_id:
        fresh.org = meeting.org  # already loaded by the caller
    return fresh
