"""Reads of theory study, scoped to the actor; study hours are computed from attendance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.orglife.models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus
from mofan.orgs.models import Organisation
from mofan.study import permissions as perms
from mofan.study.models import StudyGroup, StudyGroupMembership, StudyKind, StudyPlan, StudySession

ZERO = Decimal("0.0")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Local midnight of 1 January of `year` and of the next year."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
    )


def hours_of(duration: timedelta | None) -> Decimal:
    """A duration as hours with one decimal (学时)."""
    if not duration:
        return ZERO
    seconds = Decimal(int(duration.total_seconds()))
    return (seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def groups_of(*, pks: list[int]) -> QuerySet[StudyGroup]:
    """The groups already fetched in scope, as a queryset (the hours ledger of one group)."""
    return StudyGroup.objects.filter(pk__in=pks)


def group_list(
    *, actor: Any, org: Organisation | None = None, year: int | None = None
) -> QuerySet[StudyGroup]:
    qs = access.scope(StudyGroup.objects.select_related("org"), actor, perms.VIEW).filter(
        archived_at__isnull=True
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    held = ~Q(sessions__meeting__status=MeetingStatus.CANCELLED)
    if year:
        start, end = year_bounds(year)
        held &= Q(sessions__meeting__starts_at__gte=start, sessions__meeting__starts_at__lt=end)
    return qs.annotate(
        n_members=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
        n_sessions=Count("sessions", filter=held, distinct=True),
    ).order_by("org__path", "kind", "name", "id")


def group_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> StudyGroup:
    return access.get_for_actor(
        StudyGroup.objects.select_related("org").filter(archived_at__isnull=True),
        actor,
        permission,
        pk=pk,
    )


def group_memberships(*, group: StudyGroup) -> QuerySet[StudyGroupMembership]:
    """The group's current members."""
    return (
        group.memberships.filter(left_on__isnull=True)
        .select_related("member", "member__org")
        .order_by("member__name_pinyin", "member_id")
    )


def eligible_members(*, group: StudyGroup) -> QuerySet[Member]:
    """Members who may be added: current members of the group's organisation (its subtree, or
    its organ) who are not in the group yet."""
    where = subtree_q(group.org.path, "org")
    if group.org.organ_id is not None:
        where |= Q(organ_id=group.org.organ_id)
    current = group.memberships.filter(left_on__isnull=True).values("member_id")
    return (
        Member.objects.filter(where, archived_at__isnull=True)
        .exclude(pk__in=current)
        .order_by("name_pinyin", "id")
    )


def session_list(*, group: StudyGroup, year: int | None = None) -> QuerySet[StudySession]:
    qs = group.sessions.select_related("meeting")
    if year:
        start, end = year_bounds(year)
        qs = qs.filter(meeting__starts_at__gte=start, meeting__starts_at__lt=end)
    return qs.annotate(
        n_expected=Count("meeting__attendances", distinct=True),
        n_present=Count(
            "meeting__attendances",
            filter=Q(meeting__attendances__status=AttendanceStatus.PRESENT),
            distinct=True,
        ),
        n_speeches=Count("speeches", distinct=True),
    ).order_by("-meeting__starts_at", "-id")


def session_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> StudySession:
    return access.get_for_actor(
        StudySession.objects.select_related(
            "meeting", "meeting__org", "meeting__host", "group", "group__org"
        ),
        actor,
        permission,
        pk=pk,
    )


def speech_list(*, session: StudySession) -> QuerySet[Any]:
    return session.speeches.select_related("speaker").order_by("id")


def member_get(*, actor: Any, pk: int) -> Member:
    """A member whose study record a manager may read."""
    return access.get_for_actor(
        Member.objects.select_related("org"), actor, perms.VIEW, pk=pk, archived_at__isnull=True
    )


def _present_at_study(year: int) -> QuerySet[Attendance]:
    start, end = year_bounds(year)
    return Attendance.objects.filter(
        status=AttendanceStatus.PRESENT,
        meeting__kind=MeetingKind.STUDY_SESSION,
        meeting__study__isnull=False,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    ).exclude(meeting__status=MeetingStatus.CANCELLED)


def study_hours(
    *, year: int, members: Any = None, group: StudyGroup | None = None
) -> dict[int, dict[str, Decimal]]:
    """Hours of study per member and StudyKind in `year`: the lengths of the study sessions the
    member was present at. One grouped query whatever the number of members; `members` may be
    ids or a queryset of ids, `group` keeps only that group's sessions."""
    qs = _present_at_study(year)
    if members is not None:
        qs = qs.filter(member_id__in=members)
    if group is not None:
        qs = qs.filter(meeting__study__group=group)
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    result: dict[int, dict[str, Decimal]] = {}
    rows = (
        qs.order_by()
        .values("member_id", "meeting__study__group__kind")
        .annotate(total=Sum(length))
        .values_list("member_id", "meeting__study__group__kind", "total")
    )
    for member_id, kind, total in rows:
        result.setdefault(member_id, {})[kind] = hours_of(total)
    return result


@dataclass(frozen=True)
class HoursRow:
    group: StudyGroup
    member: Member
    sessions: int  # study sessions of the group the member was present at in the year
    hours: Decimal


def hours_ledger(*, groups: QuerySet[StudyGroup], year: int) -> list[HoursRow]:
    """学时台账: every current member of each of `groups` with the sessions of that group they
    attended in `year` and the hours. Two queries whatever the number of rows."""
    ids = groups.order_by().values("pk")
    memberships = (
        StudyGroupMembership.objects.filter(group__in=ids, left_on__isnull=True)
        .select_related("group", "group__org", "member", "member__org")
        .order_by(
            "group__org__path", "group__kind", "group__name", "group_id", "member__name_pinyin"
        )
    )
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    attended = {
        (member_id, group_id): (n, hours_of(total))
        for member_id, group_id, n, total in _present_at_study(year)
        .filter(meeting__study__group__in=ids)
        .order_by()
        .values("member_id", "meeting__study__group_id")
        .annotate(n=Count("id"), total=Sum(length))
        .values_list("member_id", "meeting__study__group_id", "n", "total")
    }
    return [
        HoursRow(m.group, m.member, *attended.get((m.member_id, m.group_id), (0, ZERO)))
        for m in memberships
    ]


@dataclass
class StudyRecord:
    member: Member
    year: int
    hours: dict[str, Decimal] = field(default_factory=dict)  # StudyKind → hours
    sessions: list[Attendance] = field(default_factory=list)

    @property
    def by_kind(self) -> list[tuple[str, Decimal]]:
        return [(str(label), self.hours.get(kind, ZERO)) for kind, label in StudyKind.choices]

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), ZERO)


def study_record(*, member: Member, year: int) -> StudyRecord:
    """A member's study in a year: hours per kind and every study session they were asked to."""
    start, end = year_bounds(year)
    sessions = list(
        Attendance.objects.filter(
            member=member,
            meeting__study__isnull=False,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__study", "meeting__study__group")
        .order_by("-meeting__starts_at", "-id")
    )
    hours = study_hours(year=year, members=[member.pk]).get(member.pk, {})
    return StudyRecord(member=member, year=year, hours=hours, sessions=sessions)


def plan_list(*, actor: Any, year: int | None = None) -> QuerySet[StudyPlan]:
    qs = access.scope(StudyPlan.objects.select_related("org"), actor, perms.VIEW).filter(
        archived_at__isnull=True
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "org__path", "id")


def plan_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> StudyPlan:
    return access.get_for_actor(
        StudyPlan.objects.select_related("org", "created_by").filter(archived_at__isnull=True),
        actor,
        permission,
        pk=pk,
    )
