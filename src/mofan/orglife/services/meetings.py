"""Meetings: scheduling one, and whether it was held or cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import diff
from mofan.core.deferred import after_commit
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReviewState,
)
from mofan.orglife.rules import HELD_BY
from mofan.orglife.workflows import LOCKED_STATES, MEETING, meeting_refusal
from mofan.orgs.models import Organisation
from mofan.orgs.selectors import seat_list


def default_attendees(*, org: Organisation, kind: str) -> list[Member]:
    """Who should come: the branch's members, the group's members, or the committee."""
    if kind == MeetingKind.COMMITTEE_MEETING:
        return [seat.holder for seat in seat_list(org=org)]
    field = "group" if kind == MeetingKind.GROUP_MEETING else "org"
    return list(
        Member.objects.filter(**{field: org}, archived_at__isnull=True).order_by("name_pinyin")
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: Any,
    org: Organisation,
    kind: str,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    agenda: str = "",
    attendees: list[Member] | None = None,
) -> Meeting:
    """Schedule a meeting. One already over is recorded as held; entered by a person, it is
    a late entry (补录) and shown as such to the level above."""
    access.require(actor, perms.MANAGE_MEETINGS, org)
    if kind not in MeetingKind.values:
        raise DomainError({"kind": _("Choose the kind of meeting.")})
    if org.kind not in HELD_BY[kind] or org.is_archived:
        raise DomainError({"kind": _("This organisation does not hold this kind of meeting.")})
    topic = " ".join((topic or "").split())
    if not topic:
        raise DomainError({"topic": _("Enter the topic.")})
    if ends_at <= starts_at:
        raise DomainError({"ends_at": _("The meeting must end after it starts.")})
    for person in (host, recorder):
        # A group's members belong to its branch: either path may contain the other.
        if person is not None and not (
            person.org.path.startswith(org.path) or org.path.startswith(person.org.path)
        ):
            raise DomainError({"host": _("Host and recorder come from the organisation.")})
    # A person recording a meeting that is already over enters it late (补录); the system
    # loading history (demo, migration of old records) does not.
    late = actor is not None and ends_at < timezone.now()
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        host=host,
        recorder=recorder,
        agenda=agenda.strip(),
        status=MeetingStatus.HELD if ends_at < timezone.now() else MeetingStatus.SCHEDULED,
        is_late_entry=late,
        created_by=actor if actor is not None else None,
    )
    people = attendees if attendees is not None else default_attendees(org=org, kind=kind)
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=person)
            for person in {p.pk: p for p in people}.values()
        ]
    )
    if meeting.status == MeetingStatus.SCHEDULED:
        after_commit("mofan.orglife.tasks.notify_attendees_task", meeting.pk)
    MEETING.started(
        actor,
        meeting,
        "schedule",
        changes=diff(
            {},
            {
                "kind": MeetingKind(kind).label,
                "topic": topic,
                "starts_at": starts_at,
                "place": meeting.place,
                "late_entry": late,
                "attendees": len(people),
            },
        ),
    )
    return meeting


def _local_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def own_member(user: Any) -> Member:
    """The member record of the login that acts as a member (checking in, asking for leave,
    writing a self-assessment); refused with the reason for a login that has none."""
    member = member_of_user(user, related=())
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    return member


def _meeting_for_update(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)


def _require_editable(meeting: Meeting) -> None:
    if meeting.review_state in LOCKED_STATES:
        raise DomainError(
            _("The record is %(state)s by the level above; it can be changed once it is returned.")
            % {"state": ReviewState(meeting.review_state).label}
        )


@transaction.atomic
def meeting_set_status(*, actor: Any, meeting: Meeting, status: str) -> Meeting:
    """Mark a scheduled meeting held (once it has started) or cancelled."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    if status not in {s.name for s in MEETING.steps if s.sources}:
        raise DomainError(meeting_refusal(MEETING.lock(meeting), status))
    meeting = MEETING.begin(actor, meeting, status)
    if status == MeetingStatus.HELD and timezone.now() < meeting.starts_at:
        raise DomainError(
            _("The meeting starts at %(start)s; it can be marked as held once it has started.")
            % {"start": _local_time(meeting.starts_at)}
        )
    return MEETING.finish(actor, meeting, status)
