"""Leave (请假): a member asks before the meeting, the organiser decides."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.services import message_send
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    Meeting,
    MeetingStatus,
)
from mofan.orglife.services.meetings import (
    _local_time,
    _meeting_for_update,
    own_member,
)
from mofan.orglife.workflows import ATTENDANCE
from mofan.orgs.models import OrgKind


def _own_attendance(user: Any, meeting: Meeting) -> Attendance:
    member = own_member(user)
    found = Attendance.objects.filter(meeting=meeting, member=member).order_by("pk").first()
    if found is None:
        raise DomainError(_("You are not among this meeting's attendees."))
    return ATTENDANCE.lock(found)


@transaction.atomic
def leave_request(*, user: Any, meeting: Meeting, reason: str) -> Attendance:
    """A member asks for leave (请假) before the meeting ends; the organiser approves."""
    meeting = _meeting_for_update(meeting)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.ends_at < timezone.now():
        raise DomainError(_("Leave can be asked for a scheduled meeting that has not ended."))
    attendance = _own_attendance(user, meeting)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError({"reason": _("Give the reason for the leave.")})
    attendance = ATTENDANCE.begin(user, attendance, "leave_request", locked=True)
    attendance.leave_reason = reason
    ATTENDANCE.finish(
        user,
        attendance,
        "leave_request",
        fields=["leave_reason"],
        changes={"leave_reason": [None, reason]},
    )
    link = reverse("orglife:detail", kwargs={"meeting_id": meeting.pk})
    title = _("Leave request: %(name)s · %(topic)s") % {
        "name": attendance.member.full_name,
        "topic": meeting.topic,
    }
    body = _("Reason: %(reason)s. The meeting starts at %(start)s.") % {
        "reason": reason,
        "start": _local_time(meeting.starts_at),
    }
    for user_id in meeting_organisers(meeting):
        message_send(user_id=user_id, title=title, body=body, link=link)
    return attendance


def meeting_organisers(meeting: Meeting) -> list[int]:
    """Who decides on a meeting's leave requests and is told of them: whoever scheduled it
    (while they still manage the meeting's organisation) and the managers granted on the
    organisation itself or, for a party group, on its branch — not every manager above. When
    there is nobody at that level, every manager of the organisation."""
    org = meeting.org
    managers = set(access.holders(org, perms.MANAGE_MEETINGS))
    branch = (org.get_parent() if org.kind == OrgKind.GROUP else None) or org
    local = managers - set(access.holders(branch, perms.MANAGE_MEETINGS, from_above=True))
    if meeting.created_by_id in managers:
        local.add(meeting.created_by_id)
    return sorted(local or managers)


@transaction.atomic
def leave_decide(*, actor: Any, attendance: Attendance, approve: bool) -> Attendance:
    access.require(actor, perms.MANAGE_MEETINGS, attendance.meeting.org)
    name = "leave_approve" if approve else "leave_refuse"
    attendance = ATTENDANCE.begin(actor, attendance, name)
    if not approve:
        attendance.leave_reason = ""
    ATTENDANCE.finish(actor, attendance, name, fields=["leave_reason"])
    if attendance.member.user_id:
        title = (
            _("Leave approved: %(topic)s") if approve else _("Leave not approved: %(topic)s")
        ) % {"topic": attendance.meeting.topic}
        body = (
            ""
            if approve
            else _("Please attend the meeting at %(start)s.")
            % {"start": _local_time(attendance.meeting.starts_at)}
        )
        message_send(
            user_id=attendance.member.user_id,
            title=title,
            body=body,
            link=reverse("orglife:mine"),
        )
    return attendance
