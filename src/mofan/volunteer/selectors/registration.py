"""Reads of 在职党员进社区报到: registrations, tasks, evaluations and their figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from mofan.core import access
from mofan.members.models import Member
from mofan.orgs.models import PartnerKind, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import policies, rules
from mofan.volunteer.models import (
    CommunityRegistration,
    Participation,
    RegistrationEvaluation,
    RegistrationState,
    RegistrationTask,
    TaskState,
)
from mofan.volunteer.selectors.common import year_bounds


def my_registration(*, member: Member) -> CommunityRegistration | None:
    return (
        CommunityRegistration.objects.filter(member=member)
        .exclude(state=RegistrationState.ENDED)
        .select_related("community")
        .order_by("-registered_at", "-id")
        .first()
    )


def registrations_to_decide(*, user: Any) -> QuerySet[CommunityRegistration]:
    """For a community contact: the members waiting for the community to confirm them."""
    return (
        CommunityRegistration.objects.filter(
            community__contacts__user_id=user.pk, state=RegistrationState.PENDING
        )
        .select_related("member", "member__org", "community")
        .order_by("registered_at", "id")
    )


@dataclass
class OrganRegistrations:
    organ: str
    members: int
    registered: int


def registration_stats(*, actor: Any) -> list[OrganRegistrations]:
    """在职党员进社区报到 per organ: members in scope, and how many are registered (confirmed)
    with a community. One grouped query."""
    rows = (
        access.scope(Member.objects.filter(archived_at__isnull=True), actor, perms.VIEW)
        .values("organ__name")
        .annotate(
            n=Count("id", distinct=True),
            registered=Count(
                "community_registrations",
                filter=Q(community_registrations__state=RegistrationState.CONFIRMED),
                distinct=True,
            ),
        )
        .order_by("organ__name")
    )
    return [
        OrganRegistrations(row["organ__name"] or "—", row["n"], row["registered"]) for row in rows
    ]


def registration_year_hours(
    *, registrations: Sequence[CommunityRegistration], year: int
) -> dict[int, Decimal]:
    """Hours each registered member gave the community in a year: the community's tasks it
    confirmed (by the day the member reported them) plus confirmed volunteer hours at activities
    serving that community. Two grouped queries, whatever the number of registrations."""
    start, end = year_bounds(year)
    hours = {r.pk: Decimal(0) for r in registrations}
    tasks = (
        RegistrationTask.objects.filter(
            registration__in=[r.pk for r in registrations],
            state=TaskState.CONFIRMED,
            reported_at__gte=start,
            reported_at__lt=end,
        )
        .values("registration_id")
        .annotate(total=Sum("hours"))
    )
    for row in tasks:
        hours[row["registration_id"]] += row["total"] or 0
    by_member = {(r.member_id, r.community_id): r.pk for r in registrations}
    activity = (
        Participation.objects.filter(
            member_id__in={r.member_id for r in registrations},
            activity__partner_id__in={r.community_id for r in registrations},
            confirmed_at__isnull=False,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values("member_id", "activity__partner_id")
        .annotate(total=Sum("hours"))
    )
    for served in activity:
        key = by_member.get((served["member_id"], served["activity__partner_id"]))
        if key is not None:
            hours[key] += served["total"] or 0
    return {pk: value.quantize(Decimal("0.01")) for pk, value in hours.items()}


@dataclass
class RosterRow:
    registration: CommunityRegistration
    open_tasks: list[RegistrationTask]
    confirmed_tasks: int
    hours: Decimal
    evaluation: RegistrationEvaluation | None
    below_target: bool


def community_roster(*, community: PartnerUnit, year: int) -> list[RosterRow]:
    """The members registered with a community (confirmed), each with the tasks still open,
    the tasks and hours of the year, the year's evaluation and whether the hours fall short of
    the yearly target in force. Five queries, whatever the size."""
    registrations = list(
        CommunityRegistration.objects.filter(community=community, state=RegistrationState.CONFIRMED)
        .select_related("member", "member__org", "member__organ")
        .annotate(
            n_confirmed=Count(
                "tasks",
                filter=Q(
                    tasks__state=TaskState.CONFIRMED,
                    tasks__reported_at__gte=year_bounds(year)[0],
                    tasks__reported_at__lt=year_bounds(year)[1],
                ),
            )
        )
        .order_by("member__full_name", "id")
    )
    open_tasks: dict[int, list[RegistrationTask]] = {r.pk: [] for r in registrations}
    for task in RegistrationTask.objects.filter(
        registration__in=[r.pk for r in registrations],
        state__in=[TaskState.ASSIGNED, TaskState.REPORTED],
    ).order_by("assigned_at", "id"):
        open_tasks[task.registration_id].append(task)
    evaluations = {
        e.registration_id: e
        for e in RegistrationEvaluation.objects.filter(
            registration__in=[r.pk for r in registrations], year=year
        )
    }
    hours = registration_year_hours(registrations=registrations, year=year)
    rule = rules.rule_on(min(date(year, 12, 31), timezone.localdate()))
    target = Decimal(rule.registration_hours_target) if rule else Decimal(0)
    return [
        RosterRow(
            registration=r,
            open_tasks=open_tasks[r.pk],
            confirmed_tasks=getattr(r, "n_confirmed", 0),
            hours=hours[r.pk],
            evaluation=evaluations.get(r.pk),
            below_target=bool(target) and hours[r.pk] < target,
        )
        for r in registrations
    ]


def my_tasks(*, member: Member) -> QuerySet[RegistrationTask]:
    """The member's community tasks: open ones first, then the latest done."""
    return (
        RegistrationTask.objects.filter(registration__member=member)
        .exclude(state=TaskState.CANCELLED)
        .select_related("registration__community")
        .order_by("confirmed_at", "-assigned_at", "-id")
    )


def my_evaluations(*, member: Member) -> QuerySet[RegistrationEvaluation]:
    return (
        RegistrationEvaluation.objects.filter(registration__member=member)
        .select_related("registration__community")
        .order_by("-year", "-id")
    )


@dataclass
class CommunityRegistrations:
    community: PartnerUnit
    registered: int
    evaluated: int


def community_registration_stats(*, actor: Any, year: int) -> list[CommunityRegistrations]:
    """Per community managed in scope: members registered (confirmed) and how many of them
    the community has evaluated for the year. One grouped query."""
    communities = access.scope(
        PartnerUnit.objects.filter(archived_at__isnull=True), actor, perms.VIEW
    )
    rows = (
        communities.annotate(
            n_registered=Count(
                "registrations",
                filter=Q(registrations__state=RegistrationState.CONFIRMED),
                distinct=True,
            ),
            n_evaluated=Count(
                "registrations__evaluations",
                filter=Q(
                    registrations__state=RegistrationState.CONFIRMED,
                    registrations__evaluations__year=year,
                ),
                distinct=True,
            ),
        )
        .filter(n_registered__gt=0)
        .order_by("name")
    )
    return [CommunityRegistrations(c, c.n_registered, c.n_evaluated) for c in rows]


RESIDENCE_KINDS = (PartnerKind.COMMUNITY, PartnerKind.SUBDISTRICT)


def residences() -> QuerySet[PartnerUnit]:
    """The communities a member may register with."""
    return PartnerUnit.objects.filter(archived_at__isnull=True, kind__in=RESIDENCE_KINDS).order_by(
        "name"
    )


def residence_get(*, pk: int) -> PartnerUnit | None:
    """The community a member asks to register with (the service checks what it is)."""
    return PartnerUnit.objects.filter(pk=pk).first()


def is_community_contact(*, user: Any) -> bool:
    return PartnerUnit.objects.filter(contacts__user_id=int(user.pk or 0)).exists()


def contact_communities(*, user: Any) -> list[PartnerUnit]:
    """The communities the user is a contact of, where members register."""
    return list(
        PartnerUnit.objects.filter(
            contacts__user_id=int(user.pk or 0), kind__in=RESIDENCE_KINDS
        ).order_by("name")
    )


def community_get(*, user: Any, pk: int) -> PartnerUnit:
    """A community the user acts for (its contact) or looks after (volunteering in scope);
    404 otherwise."""
    community = (
        PartnerUnit.objects.filter(policies.community_roles_q(user), pk=pk)
        .select_related("org")
        .first()
    )
    if community is None:
        raise Http404
    return community


def registration_for_community(*, user: Any, pk: int) -> CommunityRegistration:
    """A registration with a community the user acts for or looks after (404 otherwise)."""
    registration = (
        CommunityRegistration.objects.filter(
            pk=pk,
            community__in=PartnerUnit.objects.filter(policies.community_roles_q(user)),
        )
        .select_related("community", "community__org")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def registration_to_decide_get(*, user: Any, pk: int) -> CommunityRegistration:
    """A registration the user may decide: its community's contact, or staff who review that
    community's wishes (404 otherwise)."""
    registration = (
        CommunityRegistration.objects.filter(
            pk=pk,
            community__in=PartnerUnit.objects.filter(policies.communities_q(user)),
        )
        .select_related("community", "community__org")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def task_for_member(*, user: Any, pk: int) -> RegistrationTask:
    """A task given to the signed-in member (404 otherwise)."""
    task = (
        RegistrationTask.objects.filter(pk=pk, registration__member__user_id=user.pk)
        .select_related("registration__community__org", "registration__member")
        .first()
    )
    if task is None:
        raise Http404
    return task


def task_for_community(*, user: Any, pk: int) -> RegistrationTask:
    """A task of a community the user acts for or looks after (404 otherwise)."""
    task = (
        RegistrationTask.objects.filter(
            pk=pk,
            registration__community__in=PartnerUnit.objects.filter(
                policies.community_roles_q(user)
            ),
        )
        .select_related("registration__community__org", "registration__member")
        .first()
    )
    if task is None:
        raise Http404
    return task
