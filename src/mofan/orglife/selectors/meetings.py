"""Reads of meetings: lists, one meeting, its attendance, review steps and files, a member's own."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Meeting,
    MeetingAttachment,
    MeetingReview,
    MeetingStatus,
    ReviewState,
)
from mofan.orgs.models import Organisation, OrgKind


def meeting_list(
    *, actor: Any, org: Organisation | None = None, kind: str = "", year: int | None = None
) -> QuerySet[Meeting]:
    qs = access.scope(Meeting.objects.select_related("org", "host", "recorder"), actor, perms.VIEW)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(starts_at__gte=_start_of(year), starts_at__lt=_start_of(year + 1))
    on_leave = [AttendanceStatus.LEAVE, AttendanceStatus.LEAVE_REQUESTED]
    return qs.annotate(
        n_expected=Count("attendances"),
        n_present=Count("attendances", filter=Q(attendances__status="present")),
        n_leave=Count("attendances", filter=Q(attendances__status__in=on_leave)),
        n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
    ).order_by("-starts_at", "-id")


def meeting_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Meeting:
    return access.get_for_actor(
        Meeting.objects.select_related("org", "host", "recorder", "created_by"),
        actor,
        permission,
        pk=pk,
    )


def attendee_meeting_get(*, user: Any, pk: int) -> Meeting:
    """A meeting the signed-in member is expected at (asking for leave): 404 for any other."""
    member = member_of_user(user, related=())
    meeting = (
        Meeting.objects.select_related("org").filter(pk=pk, attendances__member=member).first()
        if member is not None
        else None
    )
    if meeting is None:
        raise Http404
    return meeting


def checkin_meeting(*, pk: int) -> Meeting | None:
    """The meeting a signed check-in code names (the code is the proof: it is not scoped)."""
    return Meeting.objects.select_related("org").filter(pk=pk).first()


def attendance_get(*, actor: Any, pk: int, permission: str = perms.MANAGE_MEETINGS) -> Attendance:
    return access.get_for_actor(
        Attendance.objects.select_related("meeting"), actor, permission, pk=pk
    )


def calendar_feed_of(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=int(user.pk or 0)).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed whose secret is `token`, of an active login (the token is the key)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed if feed is not None and feed.user.is_active else None


def branch_people(*, org: Organisation) -> list[tuple[int, str]]:
    """The current members of a branch, for a form's choices (a heart-to-heart talk)."""
    return list(
        Member.objects.filter(org=org, archived_at__isnull=True)
        .order_by("name_pinyin")
        .values_list("pk", "full_name")
    )


def members_by_pk(pks: list[int]) -> dict[int, Member]:
    """The members chosen on a form (host and recorder, a talk's two people), by id."""
    return Member.objects.select_related("org").in_bulk([pk for pk in pks if pk])


def review_queue(*, actor: Any, state: str = ReviewState.SUBMITTED) -> QuerySet[Meeting]:
    """Meeting records of the organisations below the actor, in one review state (oldest
    submission first, so nothing waits forever)."""
    return (
        access.scope_below(Meeting.objects.select_related("org"), actor, perms.REVIEW_MEETINGS)
        .filter(review_state=state)
        .annotate(
            n_expected=Count("attendances", distinct=True),
            n_present=Count("attendances", filter=Q(attendances__status="present"), distinct=True),
        )
        .order_by("starts_at", "id")
    )


def review_steps(*, meeting: Meeting) -> QuerySet[MeetingReview]:
    return meeting.reviews.select_related("actor").order_by("at", "id")


def attachment_list(*, meeting: Meeting) -> QuerySet[MeetingAttachment]:
    return meeting.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id")


def attachment_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> MeetingAttachment:
    return access.get_for_actor(
        MeetingAttachment.objects.select_related("meeting", "meeting__org").filter(
            removed_at__isnull=True
        ),
        actor,
        permission,
        pk=pk,
    )


def host_choices(*, meeting: Meeting) -> list[tuple[int, str]]:
    """Who may chair or record a meeting: its attendees and the current members of its branch
    (a party group's meeting: of the group's branch), attendees first. A meeting above the
    branches (a committee's study session) takes them from its attendees only."""
    branch = meeting.org
    attendees = list(
        meeting.attendances.order_by("member__name_pinyin", "member_id").values_list(
            "member_id", "member__full_name"
        )
    )
    if branch.kind not in {OrgKind.BRANCH, OrgKind.GROUP}:
        return attendees
    if branch.kind == OrgKind.GROUP:
        branch = branch.get_parent() or branch
    seen = {pk for pk, _name in attendees}
    others = (
        Member.objects.filter(subtree_q(branch.path, "org"), archived_at__isnull=True)
        .exclude(pk__in=seen)
        .order_by("name_pinyin", "id")
        .values_list("pk", "full_name")
    )
    return attendees + list(others)


def attendance_list(*, meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("member").order_by("member__name_pinyin")


def _month_start(year: int, month: int) -> datetime:
    """Local midnight of the 1st (month 13 is next January)."""
    return datetime.combine(
        date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1),
        time.min,
        tzinfo=timezone.get_current_timezone(),
    )


def _start_of(year: int) -> datetime:
    return datetime.combine(date(year, 1, 1), time.min, tzinfo=timezone.get_current_timezone())


def my_meetings(*, user: Any) -> QuerySet[Attendance]:
    """The member's own meetings from a week ago on (我的待办), self-service."""
    since = timezone.now() - timedelta(days=7)
    return (
        Attendance.objects.filter(
            member__user_id=user.pk, member__archived_at__isnull=True, meeting__ends_at__gte=since
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__org")
        .order_by("meeting__starts_at")
    )
