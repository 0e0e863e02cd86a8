"""Writes of organisational life: scheduling, attendance, holding or cancelling a meeting."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import nh3
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.members.models import Member, MemberStatus
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)
from mofan.orglife.rules import HELD_BY
from mofan.orgs.models import Organisation
from mofan.orgs.selectors import seat_list

# The one table of allowed status changes.
TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.SCHEDULED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


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
        from mofan.orglife.tasks import notify_attendees_task

        transaction.on_commit(lambda: notify_attendees_task(meeting.pk))
    audit_record(
        actor=actor,
        action="orglife.meeting.schedule",
        target=meeting,
        org=org,
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


def _meeting_for_update(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)


@transaction.atomic
def meeting_set_status(*, actor: Any, meeting: Meeting, status: str) -> Meeting:
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if status not in TRANSITIONS[meeting.status]:
        raise DomainError(
            _("A %(now)s meeting cannot become %(then)s.")
            % {"now": MeetingStatus(meeting.status).label, "then": MeetingStatus(status).label}
        )
    before = meeting.status
    meeting.status = status
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"orglife.meeting.{status}",
        target=meeting,
        org=meeting.org,
        changes={"status": [MeetingStatus(before).label, MeetingStatus(status).label]},
    )
    return meeting


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
    if status not in {AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT}:
        raise DomainError(_("Choose present, on leave or absent."))
    leave_reason = " ".join((leave_reason or "").split())
    if status == AttendanceStatus.LEAVE and not leave_reason:
        raise DomainError({"leave_reason": _("Give the reason for the leave.")})
    attendance = (
        Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    )
    if attendance is None:
        raise DomainError(_("This member is not among the meeting's attendees."))
    if attendance.status == status and attendance.leave_reason == leave_reason:
        return attendance, False
    before = attendance.status
    attendance.status = status
    attendance.leave_reason = leave_reason if status == AttendanceStatus.LEAVE else ""
    attendance.checked_in_at = timezone.now() if status == AttendanceStatus.PRESENT else None
    attendance.save(update_fields=["status", "leave_reason", "checked_in_at"])
    audit_record(
        actor=actor,
        action="orglife.attendance.record",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {member}",
        changes={
            "member": [None, member.full_name],
            "status": [AttendanceStatus(before).label, AttendanceStatus(status).label],
            "leave_reason": [None, attendance.leave_reason],
        },
    )
    return attendance, True


CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)


@transaction.atomic
def attendance_self_check_in(*, user: Any, meeting: Meeting) -> tuple[Attendance, bool]:
    """A member checks in from their phone (after scanning the meeting's code). A second
    check-in changes nothing; the second element says whether this one counted."""
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    meeting = _meeting_for_check_in(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    now = timezone.now()
    if not meeting.starts_at - CHECK_IN_OPENS_BEFORE <= now <= meeting.ends_at:
        raise DomainError(_("Check-in is open from half an hour before the meeting to its end."))
    # Only the attendance row is locked: the default ordering would join (and lock) the
    # meeting, which the check-ins share.
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, member=member)
        .order_by("pk")
        .first()
    )
    if attendance is None:
        raise DomainError(_("You are not among this meeting's attendees."))
    if attendance.status == AttendanceStatus.PRESENT:
        return attendance, False
    before = attendance.status
    attendance.status, attendance.checked_in_at, attendance.leave_reason = (
        AttendanceStatus.PRESENT,
        now,
        "",
    )
    attendance.save(update_fields=["status", "checked_in_at", "leave_reason"])
    audit_record(
        actor=user,
        action="orglife.attendance.check_in",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {member}",
        changes={
            "member": [None, member.full_name],
            "status": [AttendanceStatus(before).label, AttendanceStatus.PRESENT.label],
        },
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


def _own_attendance(user: Any, meeting: Meeting) -> Attendance:
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("member")
        .filter(meeting=meeting, member=member)
        .first()
    )
    if attendance is None:
        raise DomainError(_("You are not among this meeting's attendees."))
    return attendance


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
    if attendance.status not in {AttendanceStatus.EXPECTED, AttendanceStatus.LEAVE_REQUESTED}:
        raise DomainError(
            _("Your attendance is already recorded as %(status)s.")
            % {"status": AttendanceStatus(attendance.status).label}
        )
    attendance.status, attendance.leave_reason = AttendanceStatus.LEAVE_REQUESTED, reason
    attendance.save(update_fields=["status", "leave_reason"])
    audit_record(
        actor=user,
        action="orglife.leave.request",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {attendance.member}",
        changes={"leave_reason": [None, reason]},
    )
    return attendance


@transaction.atomic
def leave_decide(*, actor: Any, attendance: Attendance, approve: bool) -> Attendance:
    access.require(actor, perms.MANAGE_MEETINGS, attendance.meeting.org)
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("meeting", "member")
        .get(pk=attendance.pk)
    )
    if attendance.status != AttendanceStatus.LEAVE_REQUESTED:
        raise DomainError(_("There is no leave request to decide."))
    attendance.status = AttendanceStatus.LEAVE if approve else AttendanceStatus.EXPECTED
    if not approve:
        attendance.leave_reason = ""
    attendance.save(update_fields=["status", "leave_reason"])
    audit_record(
        actor=actor,
        action="orglife.leave.approve" if approve else "orglife.leave.refuse",
        target=attendance.meeting,
        org=attendance.meeting.org,
        target_label=f"{attendance.meeting} · {attendance.member}",
        changes={
            "status": [
                AttendanceStatus.LEAVE_REQUESTED.label,
                AttendanceStatus(attendance.status).label,
            ]
        },
    )
    return attendance


ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ol",
    "ul",
    "li",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
}


@dataclass(frozen=True)
class Quorum:
    voting: int  # full members expected (probationary members do not vote)
    present: int  # full members present

    @property
    def reached(self) -> bool:
        return self.present * 2 > self.voting


def quorum(*, meeting: Meeting) -> Quorum:
    """支部党员大会: valid with more than half of the full members present."""
    rows = meeting.attendances.filter(member__status=MemberStatus.FULL)
    return Quorum(rows.count(), rows.filter(status=AttendanceStatus.PRESENT).count())


@transaction.atomic
def minutes_save(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    """Minutes in rich text, sanitised on save (no scripts, no event handlers, no frames)."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    clean = nh3.clean(minutes or "", tags=ALLOWED_TAGS, attributes={})
    before = meeting.minutes
    meeting.minutes = clean
    meeting.save(update_fields=["minutes"])
    audit_record(
        actor=actor,
        action="orglife.meeting.minutes",
        target=meeting,
        org=meeting.org,
        changes={"minutes": [len(before), len(clean)]},
    )
    return meeting


@transaction.atomic
def resolution_record(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    votes_for: int,
    votes_against: int,
    abstentions: int,
) -> Resolution:
    """A vote of a quorate 支部党员大会; passed with more than half of the full members for."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise DomainError(_("Only a branch general assembly votes on resolutions."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    text = " ".join((text or "").split())
    if not text:
        raise DomainError({"text": _("Enter the resolution.")})
    count = quorum(meeting=meeting)
    if not count.reached:
        raise DomainError(
            _(
                "No quorum: %(present)d of %(voting)d full members are present; "
                "more than half must be."
            )
            % {"present": count.present, "voting": count.voting}
        )
    if min(votes_for, votes_against, abstentions) < 0 or (
        votes_for + votes_against + abstentions > count.present
    ):
        raise DomainError(
            _("The votes add up to more than the %(n)d full members present.")
            % {"n": count.present}
        )
    resolution = Resolution.objects.create(
        meeting=meeting,
        text=text,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        voting_members=count.voting,
        passed=votes_for * 2 > count.voting,
    )
    audit_record(
        actor=actor,
        action="orglife.resolution.record",
        target=meeting,
        org=meeting.org,
        target_label=text[:255],
        changes={
            "for": [None, votes_for],
            "against": [None, votes_against],
            "abstentions": [None, abstentions],
            "passed": [None, resolution.passed],
        },
    )
    return resolution


@transaction.atomic
def calendar_feed_reset(*, user: Any) -> CalendarFeed:
    """Give the user a new secret calendar address; the previous one stops working."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(24)}
    )
    if not _created:
        feed.token = secrets.token_urlsafe(24)
        feed.save(update_fields=["token", "created_at"])
    audit_record(actor=user, action="orglife.calendar.reset", target=user)
    return feed
