"""Oversight by the level above (审阅/审核) of a held meeting's record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.core.models import Message
from mofan.core.services import message_send
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Meeting,
    MeetingReview,
    MeetingStatus,
    ReviewAction,
    ReviewState,
)
from mofan.orglife.services.meetings import (
    _meeting_for_update,
)

# Oversight (审阅/审核): the one table of review steps. A record with the level above, or
# accepted by it, is locked; a returned one is corrected and submitted again.
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewState.NOT_SUBMITTED: frozenset({ReviewState.SUBMITTED}),
    ReviewState.SUBMITTED: frozenset(
        {ReviewState.ACKNOWLEDGED, ReviewState.APPROVED, ReviewState.RETURNED}
    ),
    ReviewState.RETURNED: frozenset({ReviewState.SUBMITTED}),
    ReviewState.ACKNOWLEDGED: frozenset(),
    ReviewState.APPROVED: frozenset(),
}


def _review_step(
    *, actor: Any, meeting: Meeting, state: str, action: str, comment: str = ""
) -> MeetingReview:
    if state not in REVIEW_TRANSITIONS[meeting.review_state]:
        raise DomainError(
            _("A record that is %(now)s cannot become %(then)s.")
            % {
                "now": ReviewState(meeting.review_state).label,
                "then": ReviewState(state).label,
            }
        )
    before = meeting.review_state
    meeting.review_state = state
    meeting.save(update_fields=["review_state"])
    step = MeetingReview.objects.create(
        meeting=meeting, action=action, comment=comment, actor=actor
    )
    audit_record(
        actor=actor,
        action=f"orglife.review.{action}",
        target=meeting,
        org=meeting.org,
        changes={
            "review": [ReviewState(before).label, ReviewState(state).label],
            "comment": [None, comment],
        },
    )
    return step


@transaction.atomic
def meeting_submit(*, actor: Any, meeting: Meeting) -> Meeting:
    """The branch submits a held meeting's record to the level above (again, after a return)."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise DomainError(_("Only the record of a meeting that was held is submitted."))
    again = meeting.review_state == ReviewState.RETURNED
    _review_step(
        actor=actor,
        meeting=meeting,
        state=ReviewState.SUBMITTED,
        action=ReviewAction.RESUBMIT if again else ReviewAction.SUBMIT,
    )
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
    meeting = _meeting_for_update(meeting)
    access.require_from_above(actor, perms.REVIEW_MEETINGS, meeting.org)
    comment = " ".join((comment or "").split())[:500]
    _review_step(
        actor=actor,
        meeting=meeting,
        state=ReviewState.ACKNOWLEDGED,
        action=ReviewAction.ACKNOWLEDGE,
        comment=comment,
    )
    return meeting


@transaction.atomic
def meeting_review(*, actor: Any, meeting: Meeting, approve: bool, comment: str = "") -> Meeting:
    """审核: the level above approves the record, or returns it with what to correct."""
    meeting = _meeting_for_update(meeting)
    access.require_from_above(actor, perms.REVIEW_MEETINGS, meeting.org)
    comment = " ".join((comment or "").split())[:500]
    if not approve and not comment:
        raise DomainError({"comment": _("Say what needs correcting.")})
    _review_step(
        actor=actor,
        meeting=meeting,
        state=ReviewState.APPROVED if approve else ReviewState.RETURNED,
        action=ReviewAction.APPROVE if approve else ReviewAction.RETURN,
        comment=comment,
    )
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
