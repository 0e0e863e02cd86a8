"""Oversight by the level above (审阅/审核) of a held meeting's record: the steps are those of
`workflows.MEETING_REVIEW`; a record with the level above, or accepted by it, is locked, and a
returned one is corrected and submitted again."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.models import Message
from mofan.core.services import message_send
from mofan.orglife import permissions as perms
from mofan.orglife.models import Meeting, MeetingStatus, ReviewState
from mofan.orglife.workflows import MEETING_REVIEW


def _comment(text: str) -> str:
    return " ".join((text or "").split())[:500]


@transaction.atomic
def meeting_submit(*, actor: Any, meeting: Meeting) -> Meeting:
    """The branch submits a held meeting's record to the level above (again, after a return)."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    # The step depends on the state the record is in now: read it under the lock.
    current = MEETING_REVIEW.lock(meeting)
    if current.status != MeetingStatus.HELD:
        raise DomainError(_("Only the record of a meeting that was held is submitted."))
    again = current.review_state == ReviewState.RETURNED
    name = "resubmit" if again else "submit"
    meeting = MEETING_REVIEW.begin(actor, current, name, locked=True)
    MEETING_REVIEW.finish(actor, meeting, name, changes={"comment": [None, ""]})
    link = reverse("orglife:detail", kwargs={"meeting_id": meeting.pk})
    title = (
        _("Resubmitted for review: %(org)s · %(topic)s")
        if again
        else _("For review: %(org)s · %(topic)s")
    ) % {"org": meeting.org.name, "topic": meeting.topic}
    for user_id in access.holders(meeting.org, perms.REVIEW_MEETINGS, from_above=True):
        message_send(user_id=user_id, title=title, link=link, kind=Message.Kind.REVIEW)
    return meeting


@transaction.atomic
def meeting_acknowledge(*, actor: Any, meeting: Meeting, comment: str = "") -> Meeting:
    """审阅: the level above has read the record; it stands as it is."""
    # Refused before the state is read, as it always was: only the level above reviews.
    access.require_from_above(actor, perms.REVIEW_MEETINGS, meeting.org)
    comment = _comment(comment)
    meeting = MEETING_REVIEW.begin(actor, meeting, "acknowledge")
    return MEETING_REVIEW.finish(
        actor, meeting, "acknowledge", changes={"comment": [None, comment]}, note=comment
    )


@transaction.atomic
def meeting_review(*, actor: Any, meeting: Meeting, approve: bool, comment: str = "") -> Meeting:
    """审核: the level above approves the record, or returns it with what to correct."""
    access.require_from_above(actor, perms.REVIEW_MEETINGS, meeting.org)
    comment = _comment(comment)
    if not approve and not comment:
        raise DomainError({"comment": _("Say what needs correcting.")})
    name = "approve" if approve else "return"
    meeting = MEETING_REVIEW.begin(actor, meeting, name)
    MEETING_REVIEW.finish(actor, meeting, name, changes={"comment": [None, comment]}, note=comment)
    if not approve:
        managers = set(access.holders(meeting.org, perms.MANAGE_MEETINGS))
        if meeting.created_by_id:
            managers.add(meeting.created_by_id)
        for user_id in sorted(managers):
            message_send(
                user_id=user_id,
                title=_("Returned: %(topic)s") % {"topic": meeting.topic},
                body=comment,
                link=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
                kind=Message.Kind.REVIEW,
            )
    return meeting
