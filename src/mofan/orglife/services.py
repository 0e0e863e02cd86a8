"""Writes of organisational life: scheduling, attendance, holding or cancelling a meeting."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.models import Message
from mofan.core.paths import subtree_q
from mofan.core.services import message_send
from mofan.core.uploads import check_upload
from mofan.members.models import Member, MemberStatus
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Appraisal,
    AppraisalEntry,
    AppraisalGrade,
    AppraisalState,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    HeartTalk,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingReview,
    MeetingStatus,
    PeerRating,
    Resolution,
    ReviewAction,
    ReviewState,
    TalkPairing,
)
from mofan.orglife.rules import HELD_BY
from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind
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


def _local_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _meeting_for_update(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)


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
LOCKED_STATES = frozenset({ReviewState.SUBMITTED, ReviewState.ACKNOWLEDGED, ReviewState.APPROVED})


def _require_editable(meeting: Meeting) -> None:
    if meeting.review_state in LOCKED_STATES:
        raise DomainError(
            _("The record is %(state)s by the level above; it can be changed once it is returned.")
            % {"state": ReviewState(meeting.review_state).label}
        )


@transaction.atomic
def meeting_set_status(*, actor: Any, meeting: Meeting, status: str) -> Meeting:
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if status not in TRANSITIONS[meeting.status]:
        raise DomainError(
            _("A %(now)s meeting cannot become %(then)s.")
            % {"now": MeetingStatus(meeting.status).label, "then": MeetingStatus(status).label}
        )
    if status == MeetingStatus.HELD and timezone.now() < meeting.starts_at:
        raise DomainError(
            _("The meeting starts at %(start)s; it can be marked as held once it has started.")
            % {"start": _local_time(meeting.starts_at)}
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
    _require_editable(meeting)
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


def attendance_self_check_in(*, user: Any, meeting: Meeting) -> tuple[Attendance, bool]:
    """A member checks in from their phone (after scanning the meeting's code). A second
    check-in changes nothing; the second element says whether this one counted.

    Everything that only reads happens before the write transaction, so a burst of phones
    holds SQLite's single writer lock (and PostgreSQL's share lock on the meeting) as briefly
    as it can; a repeated scan takes no write lock at all."""
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
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
    # Only the attendance row is locked: the default ordering would join (and lock) the
    # meeting, which the check-ins share.
    attendance = (
        Attendance.objects.select_for_update(of=("self",)).filter(pk=pk).order_by("pk").first()
    )
    if attendance is None:
        raise DomainError(_("You are not among this meeting's attendees."))
    if attendance.status == AttendanceStatus.PRESENT:
        return attendance, False
    before = attendance.status
    attendance.status, attendance.checked_in_at, attendance.leave_reason = (
        AttendanceStatus.PRESENT,
        timezone.now(),
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


# Leaves the host or recorder as it is (minutes saved on their own).
UNCHANGED: Any = object()


def may_host(meeting: Meeting, person: Member) -> bool:
    """A meeting's host or recorder is one of its attendees or a current member of its
    branch (for a party group's meeting, of the group's branch). A meeting above the branches
    (a committee's study session) takes them from its attendees."""
    if meeting.attendances.filter(member=person).exists():
        return True
    if person.archived_at is not None or meeting.org.kind not in {OrgKind.BRANCH, OrgKind.GROUP}:
        return False
    branch = meeting.org
    if branch.kind == OrgKind.GROUP:
        branch = branch.get_parent() or branch
    return Member.objects.filter(subtree_q(branch.path, "org"), pk=person.pk).exists()


@transaction.atomic
def minutes_save(
    *,
    actor: Any,
    meeting: Meeting,
    minutes: str,
    host: Member | None = UNCHANGED,
    recorder: Member | None = UNCHANGED,
) -> Meeting:
    """Minutes in rich text, sanitised on save (no scripts, no event handlers, no frames),
    with who chaired the meeting (主持人) and who took the minutes (记录人); either may be
    left blank, and is left as it is when not given."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    people = {"host": host, "recorder": recorder}
    refusals = {
        "host": _("The host must be an attendee of the meeting or a member of the branch."),
        "recorder": _("The recorder must be an attendee of the meeting or a member of the branch."),
    }
    for field, person in people.items():
        if person is not UNCHANGED and person is not None and not may_host(meeting, person):
            raise DomainError({field: refusals[field]})
    clean = richtext.clean(minutes)
    before_length = len(meeting.minutes)
    before = {
        "host": meeting.host.full_name if meeting.host else None,
        "recorder": meeting.recorder.full_name if meeting.recorder else None,
    }
    meeting.minutes = clean
    fields = ["minutes"]
    changes: dict[str, list[Any]] = {"minutes": [before_length, len(clean)]}
    for field, person in people.items():
        if person is UNCHANGED:
            continue
        setattr(meeting, field, person)
        fields.append(field)
        after = person.full_name if person is not None else None
        if after != before[field]:
            changes[field] = [before[field], after]
    meeting.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="orglife.meeting.minutes",
        target=meeting,
        org=meeting.org,
        changes=changes,
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
    _require_editable(meeting)
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


ATTACHMENTS_PER_MEETING = 30


@transaction.atomic
def attachment_add(
    *, actor: Any, meeting: Meeting, upload: UploadedFile | None, caption: str = ""
) -> MeetingAttachment:
    """Keep a photo, scan or PDF with the minutes. Only JPEG, PNG and PDF are accepted, by
    their content."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    checked = check_upload(upload)
    if meeting.attachments.filter(removed_at__isnull=True).count() >= ATTACHMENTS_PER_MEETING:
        raise DomainError(
            {
                "file": _("A meeting keeps at most %(n)d attachments.")
                % {"n": ATTACHMENTS_PER_MEETING}
            }
        )
    attachment = MeetingAttachment(
        meeting=meeting,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        caption=" ".join((caption or "").split())[:100],
        uploaded_by=actor,
    )
    attachment.file.save(checked.stored_name, checked.upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="orglife.attachment.add",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {attachment.name}",
        changes={"file": [None, attachment.name], "size": [None, attachment.size]},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: MeetingAttachment) -> MeetingAttachment:
    """Take an attachment off the record. The file is kept (and the step audited), so nothing
    is lost."""
    meeting = attachment.meeting
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    _require_editable(meeting)
    attachment = MeetingAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is not None:
        raise DomainError(_("The attachment was already removed."))
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_record(
        actor=actor,
        action="orglife.attachment.remove",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {attachment.name}",
        changes={"file": [attachment.name, None]},
    )
    return attachment


# ---- 民主评议党员 (DOMAIN_RULES §2) ------------------------------------------------------

EXCELLENT_AT_MOST = (1, 3)  # 优秀 normally at most a third of the members graded


def excellent_limit(graded: int) -> int:
    numerator, denominator = EXCELLENT_AT_MOST
    return graded * numerator // denominator


def _own_member(user: Any) -> Member:
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    return member


def _open_appraisal(appraisal: Appraisal) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)
    if appraisal.state != AppraisalState.OPEN:
        raise DomainError(_("This appraisal has been concluded."))
    return appraisal


@transaction.atomic
def appraisal_open(
    *, actor: Any, org: Organisation, year: int, meeting: Meeting | None = None
) -> Appraisal:
    """Open a branch's yearly appraisal: every current member takes part; probationary
    members are marked and will not be graded. Members with a login are told."""
    access.require(actor, perms.MANAGE_MEETINGS, org)
    if org.kind != OrgKind.BRANCH or org.is_archived:
        raise DomainError({"org": _("A democratic appraisal is held by a branch.")})
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError({"year": _("Choose a year from 2000 to next year.")})
    if Appraisal.objects.filter(org=org, year=year).exists():
        raise DomainError(
            {"year": _("This branch already has an appraisal for %(year)d.") % {"year": year}}
        )
    members = list(Member.objects.filter(org=org, archived_at__isnull=True).order_by("name_pinyin"))
    if not members:
        raise DomainError({"org": _("The branch has no members to appraise.")})
    with refuse_duplicates(
        _("This branch already has an appraisal for %(year)d.") % {"year": year}, "year"
    ):
        appraisal = Appraisal.objects.create(
            org=org, year=year, meeting=meeting, opened_by=actor if actor is not None else None
        )
    AppraisalEntry.objects.bulk_create(
        [
            AppraisalEntry(
                appraisal=appraisal,
                member=member,
                probationary=member.status == MemberStatus.PROBATIONARY,
            )
            for member in members
        ]
    )
    audit_record(
        actor=actor,
        action="orglife.appraisal.open",
        target=appraisal,
        org=org,
        changes={"year": [None, year], "members": [None, len(members)]},
    )
    link = reverse("orglife:my_appraisal")
    for member in members:
        if member.user_id:
            message_send(
                user_id=member.user_id,
                title=_("Democratic appraisal %(year)d: write your self-assessment")
                % {"year": year},
                body=_("Also assess the other members of %(org)s.") % {"org": org.name},
                link=link,
                dedupe_key=f"appraisal:{appraisal.pk}",
            )
    return appraisal


@transaction.atomic
def self_assessment_save(*, user: Any, entry: AppraisalEntry, text: str) -> AppraisalEntry:
    member = _own_member(user)
    _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.member_id != member.pk:
        raise DomainError(_("You can only write your own self-assessment."))
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("Write your self-assessment.")})
    if len(text) > 2000:
        raise DomainError({"text": _("At most 2,000 characters.")})
    first = entry.self_assessed_at is None
    entry.self_assessment, entry.self_assessed_at = text, timezone.now()
    entry.save(update_fields=["self_assessment", "self_assessed_at"])
    audit_record(
        actor=user,
        action="orglife.appraisal.self",
        target=entry.appraisal,
        org=entry.appraisal.org,
        target_label=f"{entry.appraisal} · {member}",
        changes={"self_assessment": [None if first else "…", len(text)]},
    )
    return entry


@transaction.atomic
def peer_rate(*, user: Any, entry: AppraisalEntry, grade: str) -> PeerRating:
    """互评: a member taking part assesses another (again, to change their mind, while open)."""
    rater = _own_member(user)
    appraisal = _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_related("member").get(pk=entry.pk)
    if not appraisal.entries.filter(member=rater).exists():
        raise DomainError(_("You are not taking part in this appraisal."))
    if entry.member_id == rater.pk:
        raise DomainError(_("Your own grade comes from the others."))
    if entry.probationary:
        raise DomainError(_("Probationary members take part but are not graded."))
    if grade not in AppraisalGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    rating, created = PeerRating.objects.update_or_create(
        entry=entry, rater=rater, defaults={"grade": grade}
    )
    audit_record(
        actor=user,
        action="orglife.appraisal.peer",
        target=appraisal,
        org=appraisal.org,
        target_label=f"{appraisal} · {entry.member}",
        changes={"grade": [None if created else "…", AppraisalGrade(grade).label]},
    )
    return rating


@transaction.atomic
def appraisal_propose(*, actor: Any, entry: AppraisalEntry, grade: str) -> AppraisalEntry:
    """The branch committee proposes a grade for a full member (blank withdraws it)."""
    access.require(actor, perms.MANAGE_MEETINGS, entry.appraisal.org)
    appraisal = _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_for_update().select_related("member").get(pk=entry.pk)
    if entry.probationary:
        raise DomainError(_("Probationary members take part but are not graded."))
    if grade and grade not in AppraisalGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    before = entry.proposed_grade
    entry.proposed_grade = grade
    entry.save(update_fields=["proposed_grade"])
    audit_record(
        actor=actor,
        action="orglife.appraisal.propose",
        target=appraisal,
        org=appraisal.org,
        target_label=f"{appraisal} · {entry.member}",
        changes={"proposed_grade": [before or None, grade or None]},
    )
    return entry


@transaction.atomic
def appraisal_conclude(*, actor: Any, appraisal: Appraisal, grades: dict[int, str]) -> Appraisal:
    """Decide the grades (entry id → grade) and conclude. Every full member is graded,
    probationary members are not, and 优秀 stays within a third of those graded."""
    access.require(actor, perms.MANAGE_MEETINGS, appraisal.org)
    appraisal = _open_appraisal(appraisal)
    entries = list(appraisal.entries.select_for_update().select_related("member"))
    missing = [
        e.member.full_name
        for e in entries
        if not e.probationary and grades.get(e.pk) not in AppraisalGrade.values
    ]
    if missing:
        raise DomainError(
            _("Give every full member a grade; missing: %(names)s.") % {"names": "、".join(missing)}
        )
    if any(e.probationary and grades.get(e.pk) for e in entries):
        raise DomainError(_("Probationary members take part but are not graded."))
    graded = [e for e in entries if not e.probationary]
    excellent = sum(1 for e in graded if grades[e.pk] == AppraisalGrade.EXCELLENT)
    limit = excellent_limit(len(graded))
    if excellent > limit:
        raise DomainError(
            _(
                "%(n)d of %(total)d graded members are rated excellent; at most a third "
                "(%(limit)d) may be."
            )
            % {"n": excellent, "total": len(graded), "limit": limit}
        )
    for entry in graded:
        entry.grade = grades[entry.pk]
    AppraisalEntry.objects.bulk_update(graded, ["grade"])
    appraisal.state, appraisal.closed_at = AppraisalState.CLOSED, timezone.now()
    appraisal.save(update_fields=["state", "closed_at"])
    tally = {
        str(AppraisalGrade(g).label): sum(1 for e in graded if e.grade == g)
        for g in AppraisalGrade.values
    }
    audit_record(
        actor=actor,
        action="orglife.appraisal.conclude",
        target=appraisal,
        org=appraisal.org,
        changes={label: [None, n] for label, n in tally.items()},
    )
    return appraisal


# ---- 谈心谈话 -----------------------------------------------------------------------------


def committee_on(org: Organisation, day: date) -> set[int]:
    """The members holding a committee seat of `org` on `day`."""
    return set(
        CommitteeSeat.objects.filter(org=org, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("holder_id", flat=True)
    )


def pairing_of(committee: set[int], a: int, b: int) -> str:
    inside = (a in committee) + (b in committee)
    return [
        TalkPairing.MEMBER_MEMBER,
        TalkPairing.COMMITTEE_MEMBER,
        TalkPairing.COMMITTEE_COMMITTEE,
    ][inside]


@transaction.atomic
def heart_talk_record(
    *,
    actor: Any,
    org: Organisation,
    initiator: Member,
    counterpart: Member,
    talked_on: date,
    summary: str,
) -> HeartTalk:
    access.require(actor, perms.MANAGE_MEETINGS, org)
    if org.kind != OrgKind.BRANCH:
        raise DomainError({"org": _("Heart-to-heart talks are recorded by a branch.")})
    if initiator.pk == counterpart.pk:
        raise DomainError({"counterpart": _("A talk needs two different people.")})
    for person in (initiator, counterpart):
        if person.org_id != org.pk or person.archived_at is not None:
            raise DomainError(
                {
                    "counterpart": _("%(name)s is not a member of this branch.")
                    % {"name": person.full_name}
                }
            )
    if talked_on > timezone.localdate():
        raise DomainError({"talked_on": _("The date cannot be in the future.")})
    summary = (summary or "").strip()
    if not summary:
        raise DomainError({"summary": _("Write down what was talked about.")})
    if len(summary) > 2000:
        raise DomainError({"summary": _("At most 2,000 characters.")})
    talk = HeartTalk.objects.create(
        org=org,
        initiator=initiator,
        counterpart=counterpart,
        pairing=pairing_of(committee_on(org, talked_on), initiator.pk, counterpart.pk),
        talked_on=talked_on,
        summary=summary,
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="orglife.talk.record",
        target=talk,
        org=org,
        changes={
            "initiator": [None, initiator.full_name],
            "counterpart": [None, counterpart.full_name],
            "talked_on": [None, talked_on],
            "pairing": [None, TalkPairing(talk.pairing).label],
        },
    )
    return talk
