"""Who may do what on one record of organisational life, written once from `core.access`.

The services, selectors, views and the workflows of `workflows.py` ask these; nothing else in
orglife reads grants or writes a scope of its own."""

from __future__ import annotations

from typing import Any

from mofan.core import access
from mofan.orglife import permissions as perms


def manages(actor: Any, record: Any) -> bool:
    """Schedules and records the meetings of the record's organisation (a meeting, or an
    appraisal of the branch)."""
    return access.can(actor, perms.MANAGE_MEETINGS, record.org)


def reviews_from_above(actor: Any, meeting: Any) -> bool:
    """Oversight (审阅/审核) is done by the level above, never by the organisation itself."""
    return access.can_from_above(actor, perms.REVIEW_MEETINGS, meeting.org)


def sees_meeting(actor: Any, meeting: Any) -> bool:
    return (
        access.can(actor, perms.VIEW, meeting.org)
        or manages(actor, meeting)
        or reviews_from_above(actor, meeting)
    )


def manages_attendance(actor: Any, attendance: Any) -> bool:
    return access.can(actor, perms.MANAGE_MEETINGS, attendance.meeting.org)


def is_the_attendee(actor: Any, attendance: Any) -> bool:
    """The member whose attendance it is (checking in, asking for leave)."""
    user_id = attendance.member.user_id
    return user_id is not None and user_id == getattr(actor, "pk", None)


def sees_attendance(actor: Any, attendance: Any) -> bool:
    return is_the_attendee(actor, attendance) or manages_attendance(actor, attendance)
