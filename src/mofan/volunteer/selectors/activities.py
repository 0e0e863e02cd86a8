"""Reads of activities, rosters, a member's hours and certificates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orgs.models import Organisation, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    ActivityStatus,
    Certificate,
    Participation,
    ParticipationState,
    VolunteerActivity,
)
from mofan.volunteer.selectors.common import year_bounds


def activity_list(
    *, actor: Any, org: Organisation | None = None, year: int | None = None
) -> QuerySet[VolunteerActivity]:
    qs = access.scope(
        VolunteerActivity.objects.select_related("org", "kind", "partner"), actor, perms.VIEW
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    if year:
        start, end = year_bounds(year)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs.annotate(
        n_signed=Count("participations", filter=Q(participations__state="signed_up")),
        n_waiting=Count("participations", filter=Q(participations__state="waitlisted")),
    ).order_by("-starts_at", "-id")


def activities_open(*, partner_id: int | None = None) -> QuerySet[VolunteerActivity]:
    """What a member may sign up for: open activities that have not ended, soonest first."""
    qs = VolunteerActivity.objects.filter(
        status=ActivityStatus.OPEN, ends_at__gte=timezone.now()
    ).select_related("org", "kind", "partner")
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    return qs.annotate(
        n_signed=Count("participations", filter=Q(participations__state="signed_up"))
    ).order_by("starts_at", "id")


def activity_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> VolunteerActivity:
    return access.get_for_actor(
        VolunteerActivity.objects.select_related("org", "kind", "partner", "team"),
        actor,
        permission,
        pk=pk,
    )


def activity_public(*, pk: int) -> VolunteerActivity | None:
    """An activity as any member sees it to sign up (no personal data on it)."""
    return (
        VolunteerActivity.objects.select_related("org", "kind", "partner")
        .annotate(n_signed=Count("participations", filter=Q(participations__state="signed_up")))
        .filter(pk=pk)
        .first()
    )


def roster(*, activity: VolunteerActivity) -> QuerySet[Participation]:
    return (
        activity.participations.exclude(state=ParticipationState.CANCELLED)
        .select_related("member")
        .order_by("state", "signed_up_at", "id")
    )


@dataclass
class MyYear:
    year: int
    activities: int
    hours: Decimal


@dataclass
class MyVolunteering:
    member: Member
    participations: list[Participation]
    years: list[MyYear]
    total_hours: Decimal
    stars: int
    certificates: list[Certificate]


def my_volunteering(*, member: Member) -> MyVolunteering:
    """A member's own record: sign-ups, hours per year, star level, certificates. Four
    queries."""
    participations = list(
        member.participations.exclude(state=ParticipationState.CANCELLED)
        .select_related("activity", "activity__org", "activity__kind")
        .order_by("-activity__starts_at")[:50]
    )
    years = [
        MyYear(row["activity__starts_at__year"], row["n"], row["hours"] or Decimal(0))
        for row in member.participations.filter(confirmed_at__isnull=False, hours__gt=0)
        .values("activity__starts_at__year")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by("-activity__starts_at__year")
    ]
    total = sum((y.hours for y in years), Decimal(0))
    rule = rules.rule_on(timezone.localdate())
    return MyVolunteering(
        member,
        participations,
        years,
        total,
        rules.stars_for(total, rule.star_hours if rule else None),
        list(member.volunteer_certificates.select_related("org").order_by("-issued_on")),
    )


def certificate_check(*, number: str, code: str) -> Certificate | None:
    number, code = (number or "").strip().upper(), (code or "").strip().upper()
    if not number or not code:
        return None
    return (
        Certificate.objects.select_related("member", "org")
        .filter(number=number, check_code=code)
        .first()
    )


def my_participation(
    *, activity: VolunteerActivity, member: Member | None, with_cancelled: bool = False
) -> Participation | None:
    """The member's participation in the activity (None for no member or none yet)."""
    if member is None:
        return None
    qs = Participation.objects.filter(activity=activity, member=member)
    if not with_cancelled:
        qs = qs.exclude(state=ParticipationState.CANCELLED)
    return qs.first()


def participation_of_user(*, user: Any, activity_id: int) -> Participation:
    """The signed-in member's own participation in an activity, 404 when there is none."""
    member = member_of_user(user)
    participation = (
        Participation.objects.filter(activity_id=activity_id, member=member)
        .select_related("activity")
        .first()
        if member
        else None
    )
    if participation is None:
        raise Http404
    return participation


def participation_get(*, actor: Any, pk: int, permission: str = perms.MANAGE) -> Participation:
    return access.get_for_actor(
        Participation.objects.select_related("activity", "activity__org"), actor, permission, pk=pk
    )


@dataclass
class CheckInCounts:
    expected: int
    checked_in: int
    checked_out: int


def check_in_counts(*, activity: VolunteerActivity) -> CheckInCounts:
    rows = activity.participations.filter(state=ParticipationState.SIGNED_UP)
    return CheckInCounts(
        expected=rows.count(),
        checked_in=rows.filter(checked_in_at__isnull=False).count(),
        checked_out=rows.filter(checked_out_at__isnull=False).count(),
    )


def participant_member(*, actor: Any, member_id: int) -> Member:
    """A member who took part in an activity of the actor's organisations (404 else)."""
    participation = (
        access.scope(Participation.objects.select_related("member"), actor, perms.MANAGE)
        .filter(member_id=member_id)
        .first()
    )
    if participation is None:
        raise Http404
    return participation.member


def certificate_get_for(*, user: Any, pk: int) -> Certificate:
    """A certificate for its holder, or for staff who see the issuing organisation (404 else)."""
    certificate = (
        Certificate.objects.select_related("member", "org")
        .filter(Q(member__user_id=user.pk) | access.scope_q(user, perms.VIEW, "org"), pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def communities_with_open_activities() -> QuerySet[PartnerUnit]:
    return (
        PartnerUnit.objects.filter(
            archived_at__isnull=True, volunteer_activities__status=ActivityStatus.OPEN
        )
        .distinct()
        .order_by("name")
    )
