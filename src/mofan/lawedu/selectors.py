"""Reads of 模法师, scoped to the actor."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from mofan.cobuild.models import Order, OrderState, ProjectMember
from mofan.core import access
from mofan.lawedu import permissions as perms
from mofan.lawedu import rules
from mofan.lawedu.models import (
    Appointment,
    HandoutReservation,
    Material,
    MaterialMovement,
    MockTrial,
    MovementKind,
    TrialAttachment,
    TrialRole,
)
from mofan.orgs.models import PartnerKind


def material_list(
    *, actor: Any, permission: str = perms.VIEW, low_only: bool = False
) -> QuerySet[Material]:
    qs = access.scope(
        Material.objects.filter(archived_at__isnull=True).select_related("org"), actor, permission
    )
    if low_only:  # what `Material.is_low` says, in SQL
        qs = qs.filter(low_stock_at__gte=F("stock") - F("reserved"))
    return qs.order_by("org__path", "name")


def material_ledger(*, actor: Any, low_only: bool, year: int) -> QuerySet[Material]:
    """The handouts for the 台账: each with the copies received and given out in `year`."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=zone)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone)
    in_year = Q(movements__created_at__gte=start, movements__created_at__lt=end)
    return material_list(actor=actor, low_only=low_only).annotate(
        received_in_year=Coalesce(
            Sum("movements__quantity", filter=in_year & Q(movements__kind=MovementKind.RECEIVED)),
            0,
        ),
        issued_in_year=Coalesce(
            -Sum("movements__quantity", filter=in_year & Q(movements__kind=MovementKind.ISSUED)),
            0,
        ),
    )


def material_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Material:
    return access.get_for_actor(Material.objects.select_related("org"), actor, permission, pk=pk)


def movement_list(*, material: Material) -> QuerySet[MaterialMovement]:
    """A handout's movements, newest first (the caller has fetched the handout in scope)."""
    return MaterialMovement.objects.filter(material=material).select_related("created_by")


def reservation_list(*, material: Material) -> QuerySet[HandoutReservation]:
    """A handout's reservation records, newest first, with their sessions."""
    return HandoutReservation.objects.filter(material=material).select_related(
        "created_by", "order__partner", "order__topic"
    )


def recent_movements(*, actor: Any, limit: int = 30) -> list[MaterialMovement]:
    return list(
        access.scope(
            MaterialMovement.objects.select_related("material", "created_by"), actor, perms.VIEW
        ).order_by("-created_at", "-id")[:limit]
    )


# ── Sessions (cobuild orders) seen from legal education ──


def order_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Order:
    """An ordered session, if its project lies in the actor's legal-education scope."""
    return access.get_for_actor(
        Order.objects.select_related("project__org", "partner", "topic"),
        actor,
        permission,
        pk=pk,
    )


def order_issues(*, order: Order) -> list[MaterialMovement]:
    return list(
        MaterialMovement.objects.filter(order=order)
        .select_related("material", "created_by")
        .order_by("created_at", "id")
    )


def issue_choices(*, actor: Any) -> list[Material]:
    """Handouts the actor may give out: kept by organisations they manage, and available (or
    held for sessions, which an issue at that session consumes)."""
    return list(material_list(actor=actor, permission=perms.MANAGE).filter(stock__gt=0))


def held_for(order: Order) -> dict[int, int]:
    """What the session holds now, by handout id (the sum of its reservation records)."""
    rows = (
        HandoutReservation.objects.filter(order=order)
        .values("material_id")
        .annotate(n=Sum("quantity"))
    )
    return {r["material_id"]: r["n"] for r in rows if r["n"]}


def team_stock(order: Order) -> list[Material]:
    """The handouts a session's team can reserve: kept by the team's organisation."""
    if order.team_id is None:
        return []
    return list(
        Material.objects.filter(org_id=order.team_id, archived_at__isnull=True)
        .select_related("org")
        .order_by("name", "id")
    )


# ── Mock trials ──


def mock_trial_of(*, order: Order) -> MockTrial | None:
    return MockTrial.objects.filter(order=order).prefetch_related("seats").first()


def trial_attachment_get(*, actor: Any, pk: int) -> TrialAttachment:
    return access.get_for_actor(
        TrialAttachment.objects.filter(removed_at__isnull=True).select_related("trial__order"),
        actor,
        perms.VIEW,
        pk=pk,
    )


def missing_roles(trial: MockTrial | None) -> list[str]:
    """The roles of the nine not yet filled, in the court's order (labels)."""
    filled = {seat.role for seat in trial.seats.all()} if trial is not None else set()
    return [str(label) for value, label in TrialRole.choices if value not in filled]


def seat_table(trial: MockTrial | None) -> list[dict[str, Any]]:
    """One row per role, with who plays it (for the page and its form)."""
    seats = {seat.role: seat for seat in trial.seats.all()} if trial is not None else {}
    return [
        {"role": value, "label": label, "seat": seats.get(value)}
        for value, label in TrialRole.choices
    ]


# ── Appointments and the counsellors' class hours ──

COUNTED_STATES = (OrderState.DELIVERED, OrderState.CONFIRMED)


def class_hours(pairs: set[tuple[int, int]], year: int) -> dict[tuple[int, int], int]:
    """Class hours per (person, partner) in a calendar year: delivered or confirmed sessions at
    that partner taught by that person, one query whatever the number of pairs."""
    if not pairs:
        return {}
    tz = timezone.get_current_timezone()
    first, last = rules.year_bounds(year)
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    taught = Order.taught_by.through.objects.filter(
        projectmember_id__in={p for p, _s in pairs},
        order__partner_id__in={s for _p, s in pairs},
        order__state__in=COUNTED_STATES,
        order__delivered_at__gte=start,
        order__delivered_at__lt=end,
    )
    rows = taught.values("projectmember_id", "order__partner_id").annotate(n=Count("order_id"))
    return {
        (r["projectmember_id"], r["order__partner_id"]): r["n"] * rules.HOURS_PER_SESSION
        for r in rows
    }


def _person_key(person_id: int, member_id: int | None) -> tuple[str, int]:
    """One human may sit in several teams: a party member is known by the member record."""
    return ("m", member_id) if member_id else ("p", person_id)


def _serving_q(day: date) -> Q:
    return Q(starts_on__lte=day) & (
        Q(ended_on__isnull=True, ends_on__gte=day) | Q(ended_on__gte=day)
    )


def schools_at_once(
    *, person_ids: set[int], member_ids: set[int], day: date
) -> dict[tuple[str, int], set[int]]:
    """The schools each person serves on `day`, across every team they belong to (one query;
    counted whoever keeps the other appointments, since the limit is on the person). Only
    schools count: the 2022 办法 limits the schools one person serves, not the communities'
    classes or other partners."""
    rows = (
        Appointment.objects.filter(_serving_q(day), partner__kind=PartnerKind.SCHOOL)
        .filter(Q(person_id__in=person_ids) | Q(person__member_id__in=member_ids))
        .values_list("person_id", "person__member_id", "partner_id")
    )
    serving: dict[tuple[str, int], set[int]] = defaultdict(set)
    for person_id, member_id, partner_id in rows:
        serving[_person_key(person_id, member_id)].add(partner_id)
    return serving


def appointment_list(*, actor: Any, today: date | None = None) -> list[Appointment]:
    """Appointments in scope, serving ones first, each with `hours` (this calendar year),
    `hours_met`, `schools_now` and `serving`: three queries whatever the number of rows."""
    today = today or timezone.localdate()
    rows = list(
        access.scope(
            Appointment.objects.select_related("person", "partner"),
            actor,
            perms.VIEW,
        ).order_by("partner__name", "-starts_on", "id")[:500]
    )
    _annotate(rows, today)
    rows.sort(key=lambda a: (not a.serving, a.partner.name))  # type: ignore[attr-defined]
    return rows


def appointment_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Appointment:
    appointment = access.get_for_actor(
        Appointment.objects.select_related("person__project__org", "person__member", "partner"),
        actor,
        permission,
        pk=pk,
    )
    _annotate([appointment], timezone.localdate())
    return appointment


def _annotate(rows: list[Appointment], today: date) -> None:
    hours = class_hours({(a.person_id, a.partner_id) for a in rows}, today.year)
    serving = schools_at_once(
        person_ids={a.person_id for a in rows},
        member_ids={a.person.member_id for a in rows if a.person.member_id},
        day=today,
    )
    for a in rows:
        n = hours.get((a.person_id, a.partner_id), 0)
        schools = serving.get(_person_key(a.person_id, a.person.member_id), set())
        a.hours = n  # type: ignore[attr-defined]
        a.hours_met = rules.hours_met(n)  # type: ignore[attr-defined]
        a.serving = rules.serving_on(today, a.starts_on, a.last_day)  # type: ignore[attr-defined]
        a.schools_now = len(schools)  # type: ignore[attr-defined]
        a.too_many = rules.too_many_schools(len(schools))  # type: ignore[attr-defined]


def person_choices(*, actor: Any) -> QuerySet[ProjectMember]:
    """Team members the actor may appoint: of projects they manage, still in the team."""
    return access.scope(
        ProjectMember.objects.filter(left_at__isnull=True).select_related("project"),
        actor,
        perms.MANAGE,
    ).order_by("project__name", "name")
