"""Reads of volunteering and micro-wishes, scoped; statistics counted from records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_bounds, subtree_q
from mofan.members.models import Member
from mofan.orgs.models import Organisation, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    ActivityStatus,
    Certificate,
    CommunityRegistration,
    Participation,
    ParticipationState,
    RegistrationEvaluation,
    RegistrationState,
    RegistrationTask,
    TaskState,
    VolunteerActivity,
    Wish,
    WishStatus,
)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
    )


def activity_list(
    *, actor: Any, org: Organisation | None = None, year: int | None = None
) -> QuerySet[VolunteerActivity]:
    qs = access.scope(
        VolunteerActivity.objects.select_related("org", "kind", "partner"), actor, perms.VIEW
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    if year:
        start, end = _year_bounds(year)
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


def wish_list(*, actor: Any, status: str = "") -> QuerySet[Wish]:
    qs = access.scope(
        Wish.objects.select_related("community", "claimed_by", "claimed_for"),
        actor,
        perms.VIEW,
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("deadline", "id")


def wishes_for_member(*, member: Member) -> QuerySet[Wish]:
    """Wishes offered to the member (communities linked to their organisations), open first."""
    ancestors = [
        member.org.path[:i]
        for i in range(member.org.steplen, len(member.org.path) + 1, member.org.steplen)
    ]
    from mofan.cobuild.selectors import partners_linked_to

    linked = partners_linked_to(member.org.path, member.org.steplen)
    registered = CommunityRegistration.objects.filter(
        member=member, state=RegistrationState.CONFIRMED
    ).values("community_id")
    return (
        Wish.objects.filter(
            Q(community__org__path__in=ancestors)
            | Q(community_id__in=linked)
            | Q(community_id__in=registered),
            status=WishStatus.PUBLISHED,
            deadline__gte=timezone.localdate(),
        )
        .select_related("community")
        .order_by("deadline", "id")
    )


def my_claims(*, member: Member) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(claimed_by=member)
        .select_related("community")
        .order_by("-claimed_at", "-id")
    )


def wish_get_for(*, user: Any, pk: int) -> Wish:
    """A wish as the signed-in person may see it: staff in scope, the community's contacts,
    the claimer, or a member it is offered to. 404 otherwise."""
    from django.http import Http404

    from mofan.volunteer.services import can_see_wish

    wish = (
        Wish.objects.select_related("community", "community__org", "claimed_by", "claimed_for")
        .filter(pk=pk)
        .first()
    )
    if wish is None:
        raise Http404
    if access.can(user, perms.VIEW, wish.community.org) or access.is_partner_contact(
        user, wish.community
    ):
        return wish
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )
    if member is not None and (
        wish.claimed_by_id == member.pk
        or (wish.status == WishStatus.PUBLISHED and can_see_wish(member, wish))
    ):
        return wish
    raise Http404


def wish_for_claim(*, user: Any, pk: int) -> tuple[Wish, Member | None]:
    """The wish a member asks to claim: one offered to them (its community looks after their
    organisation) that has been published, whatever became of it since — so that those who
    lose a race for it are told someone else claimed it rather than shown 404 — or else as
    `wish_get_for` shows it. 404 otherwise. With the user's member record, read for the
    check (None if they have none), which the claim then uses rather than read it again."""
    from mofan.volunteer.services import can_see_wish

    wish = (
        Wish.objects.select_related("community", "community__org")
        .filter(pk=pk)
        .exclude(status__in=[WishStatus.SUBMITTED, WishStatus.REJECTED])
        .first()
    )
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )
    if wish is not None and member is not None and can_see_wish(member, wish):
        return wish, member
    return wish_get_for(user=user, pk=pk), member


def wishes_of_contact(*, user: Any) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(community__contacts__user_id=user.pk)
        .select_related("community", "claimed_for")
        .order_by("-posted_at", "-id")
    )


def wall(*, limit: int = 60) -> QuerySet[Wish]:
    """The public wall: fulfilled wishes, newest first (shown anonymised)."""
    return (
        Wish.objects.filter(status=WishStatus.CONFIRMED)
        .select_related("community", "claimed_for")
        .order_by("-confirmed_at", "-id")[:limit]
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


@dataclass
class Statistics:
    wishes_posted: int
    wishes_claimed: int
    wishes_fulfilled: int
    activities: int
    person_times: int
    hours: Decimal


def period_bounds(period: str, today: date | None = None) -> tuple[datetime, datetime, str]:
    """'2025' (a year) or 'last12' (the twelve months up to today): instants and a label."""
    today = today or timezone.localdate()
    if period == "last12":
        zone = timezone.get_current_timezone()
        begin = today.replace(year=today.year - 1) + timedelta(days=1)
        return (
            datetime.combine(begin, time.min, tzinfo=zone),
            datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
            f"{begin.year}年{begin.month}月{begin.day}日至{today.year}年{today.month}月{today.day}日",
        )
    year = int(period) if period.isdigit() and 2000 <= int(period) <= today.year + 1 else today.year
    start, end = _year_bounds(year)
    return start, end, f"{year}年"


# The six figures in one statement over the organisations in scope (`{scope}`,
# `{claim_scope}`: path ranges and single organisations from `core.access.path_scope`, written
# as placeholders; every value is a parameter). The activities held are read once (a
# materialised common table, SQLite ≥ 3.35 and PostgreSQL ≥ 12), counted, and their
# participations summed through `IN`: at a city's scale that is a third faster than joining
# participations with activities, and one read of the activities fewer. The ORM built,
# scoped and compiled four querysets for the same answer, about 1 ms each, which was most of
# the time for one committee's subtree.
STATISTICS_SQL = """
WITH held AS MATERIALIZED (
  SELECT a.id FROM volunteer_volunteeractivity a
    JOIN orgs_organisation o ON o.id = a.org_id
   WHERE ({scope}) AND a.status <> %s AND a.starts_at >= %s AND a.starts_at < %s)
SELECT posted.n, claims.n, claims.fulfilled, (SELECT COUNT(*) FROM held),
       parts.person_times, parts.hours
FROM
  (SELECT COUNT(*) AS n FROM volunteer_wish w
     JOIN orgs_partnerunit c ON c.id = w.community_id
     JOIN orgs_organisation o ON o.id = c.org_id
    WHERE ({scope}) AND w.posted_at >= %s AND w.posted_at < %s) posted,
  (SELECT COUNT(*) AS n, COUNT(CASE WHEN w.status = %s THEN 1 END) AS fulfilled
     FROM volunteer_wish w JOIN orgs_organisation o ON o.id = w.claimed_for_id
    WHERE ({claim_scope}) AND w.claimed_at >= %s AND w.claimed_at < %s) claims,
  (SELECT COUNT(CASE WHEN p.hours > 0 THEN 1 END) AS person_times, SUM(p.hours) AS hours
     FROM volunteer_participation p
    WHERE p.activity_id IN (SELECT id FROM held)) parts
"""


def _scope_sql(found: access.PathScope | None) -> tuple[str, list[Any]]:
    """The condition on the organisation `o` for a scope (None: every organisation), with
    its parameters."""
    if found is None:
        return "1 = 1", []
    return found.sql("o")


# Django keeps 15 significant digits of the float SQLite answers for a decimal SUM.
_SQLITE_DECIMAL = DecimalContext(prec=15)


def _sum_decimal(value: Any) -> Decimal:
    """A SUM of a decimal column as the ORM gave it: PostgreSQL answers a Decimal, SQLite an
    integer or a float; none (no rows) or zero is Decimal(0)."""
    if value is None:
        return Decimal(0)
    if not isinstance(value, Decimal):
        value = _SQLITE_DECIMAL.create_decimal_from_float(value)
    return value or Decimal(0)


def statistics(
    *, actor: Any, under: Organisation | None, start: datetime, end: datetime
) -> Statistics:
    """Counted from records for the actor's scope (or a subtree of it) and a period: wishes
    posted by the communities the organisations look after, wishes claimed and fulfilled by
    their members, activities they organised that have taken place, person-times (人次:
    participants credited with hours) and hours. One query (and the actor's grants).

    The scope is `core.access`'s (`path_scope`): the organisations in the actor's grants for
    VIEW, within `under` if given. Claims count where the claimer's organisation is in scope,
    whoever posted the wish; with no actor (the system) every claim counts, and nothing
    else, as the querysets scoped for nobody did."""
    found = access.path_scope(actor, perms.VIEW)
    claim_found: access.PathScope | None = None if actor is None else found  # None: all
    if under is not None:
        found = found.under(under.path)
        claim_found = (
            access.PathScope((subtree_bounds(under.path),), ())
            if claim_found is None
            else claim_found.under(under.path)
        )
    if found.empty and claim_found is not None and claim_found.empty:
        return Statistics(0, 0, 0, 0, 0, Decimal(0))
    scope, scope_params = _scope_sql(found)
    claim_scope, claim_params = _scope_sql(claim_found)
    adapt = connection.ops.adapt_datetimefield_value
    since, until = adapt(start), adapt(end)
    held_until = adapt(min(end, timezone.now()))
    cancelled = str(ActivityStatus.CANCELLED)
    params = [
        *scope_params, cancelled, since, held_until,
        *scope_params, since, until,
        str(WishStatus.CONFIRMED), *claim_params, since, until,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(STATISTICS_SQL.format(scope=scope, claim_scope=claim_scope), params)
        row = cursor.fetchone()
    posted, claimed, fulfilled, activities, person_times, hours = row
    return Statistics(
        wishes_posted=posted,
        wishes_claimed=claimed,
        wishes_fulfilled=fulfilled,
        activities=activities,
        person_times=person_times,
        hours=_sum_decimal(hours),
    )


def team_list(*, actor: Any) -> QuerySet[Any]:
    from mofan.volunteer.models import VolunteerTeam

    return (
        access.scope(VolunteerTeam.objects.select_related("org"), actor, perms.VIEW)
        .annotate(n_members=Count("members", distinct=True))
        .order_by("org__path", "name")
    )


def team_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Any:
    from mofan.volunteer.models import VolunteerTeam

    return access.get_for_actor(
        VolunteerTeam.objects.select_related("org"), actor, permission, pk=pk
    )


def team_candidates(*, team: Any, q: str = "", limit: int = 100) -> list[Member]:
    """Members of the team's organisation and below who are not in the team, by name or 拼音."""
    from mofan.core.paths import pinyin_prefix_q

    qs = (
        Member.objects.filter(subtree_q(team.org.path, "org"), archived_at__isnull=True)
        .exclude(volunteer_teams=team)
        .select_related("org")
        .order_by("name_pinyin")
    )
    q = (q or "").strip()
    if q:
        text = q.lower()
        qs = qs.filter(
            Q(full_name__startswith=q)
            | pinyin_prefix_q("name_pinyin", text)
            | pinyin_prefix_q("name_initials", text)
        )
    return list(qs[:limit])


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
    start, end = _year_bounds(year)
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
                    tasks__reported_at__gte=_year_bounds(year)[0],
                    tasks__reported_at__lt=_year_bounds(year)[1],
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
