"""Reads of co-building."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    Agreement,
    AgreementParty,
    Demand,
    MenuTopic,
    Order,
    OrderEvent,
    OrderPhoto,
    OrderState,
    ProjectMember,
    ServiceProject,
)
from mofan.cobuild.workflows import TOOK_PLACE
from mofan.core import access
from mofan.orgs.models import Organisation, PartnerContact, PartnerUnit

AGREEMENT_STATES = ("active", "ended")


def agreement_list(*, actor: Any, state: str = "") -> QuerySet[Agreement]:
    """The agreements in scope, newest first; `state` "active" keeps those in force, "ended"
    those ended early or past their end date."""
    qs = access.scope(Agreement.objects.select_related("org"), actor, perms.VIEW)
    if state == "active":
        qs = qs.filter(active_q())
    elif state == "ended":
        qs = qs.exclude(active_q())
    return qs.prefetch_related("parties__org", "parties__partner").order_by("-signed_on", "-id")


def agreement_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Agreement:
    return access.get_for_actor(
        Agreement.objects.select_related("org", "created_by"), actor, permission, pk=pk
    )


def organisations(pks: Any) -> list[Organisation]:
    """The organisations a form chose as parties or teams: the form offered them, and they may
    lie outside the actor's own scope (a partner's other party, a lawyers' committee)."""
    return list(Organisation.objects.filter(pk__in=pks))


def agreement_party(agreement: Agreement, raw: str) -> AgreementParty:
    """A party of this agreement, by the id a form sent (404 for anything else)."""
    party = (
        AgreementParty.objects.filter(agreement=agreement, pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if party is None:
        raise Http404
    return party


def active_q(today: date | None = None, prefix: str = "") -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}ended_at__isnull": True, f"{prefix}ends_on__gte": today})


def partners_linked_to(org_path: str, steplen: int, today: date | None = None) -> QuerySet[Any]:
    """Partner units under an active agreement to which the organisation at `org_path`, or one
    above it, is a party: the communities its members serve (and see the wishes of)."""
    ancestors = [org_path[:i] for i in range(steplen, len(org_path) + 1, steplen)]
    agreements = AgreementParty.objects.filter(
        active_q(today, "agreement__"), org__path__in=ancestors
    ).values("agreement_id")
    return AgreementParty.objects.filter(agreement_id__in=agreements, partner__isnull=False).values(
        "partner_id"
    )


# ── Service projects, demands and orders ──


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def contact_partner_ids(actor: Any) -> QuerySet[Any]:
    """The partner units the actor is a contact person of (a subquery)."""
    user_id: int = actor.pk if getattr(actor, "is_authenticated", False) else 0
    return PartnerContact.objects.filter(user_id=user_id).values("partner_id")


def is_contact(actor: Any) -> bool:
    return contact_partner_ids(actor).exists()


def order_visible_q(actor: Any) -> Q:
    """An order is seen by the ordering partner's contacts, the team it was dispatched to and
    the coordinating organisation (the project's and everything above it) — nobody else."""
    return (
        Q(partner_id__in=contact_partner_ids(actor))
        | access.scope_q(actor, perms.VIEW, "project__org")
        | access.scope_q(actor, perms.VIEW, "team")
    )


# What a row of the board shows (and its waiting times), nothing more.
BOARD_FIELDS = (
    "project__name",
    "topic__title",
    "partner__name",
    "team__name",
    "format",
    "state",
    "ordered_at",
    "dispatched_at",
    "scheduled_at",
    "delivered_at",
    "rating",
)


def board_filter_choices(*, actor: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The projects and the partner units the board can be filtered by: those in the actor's
    scope (two small queries, however many orders there are)."""
    projects = list(
        access.scope(ServiceProject.objects.all(), actor, perms.VIEW)
        .order_by("name", "id")
        .values_list("pk", "name")
    )
    partners = list(
        PartnerUnit.objects.filter(access.scope_q(actor, perms.VIEW, "org"))
        .order_by("name")
        .values_list("pk", "name")
    )
    return projects, partners


def order_board(
    *,
    actor: Any,
    state: str = "",
    project_id: int | None = None,
    partner_id: int | None = None,
    month: date | None = None,
) -> QuerySet[Order]:
    """The order board: visible orders, newest first, with what each row shows in one query."""
    qs = (
        Order.objects.filter(order_visible_q(actor))
        .select_related("project", "topic", "partner", "team")
        .only(*BOARD_FIELDS)
    )
    if state:
        qs = qs.filter(state=state)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if month is not None:
        start = _start_of(date(month.year, month.month, 1))
        end = _start_of(date(month.year + month.month // 12, month.month % 12 + 1, 1))
        qs = qs.filter(ordered_at__gte=start, ordered_at__lt=end)
    return qs.order_by("-ordered_at", "-id")


def order_get(*, actor: Any, pk: int) -> Order:
    order = (
        Order.objects.filter(order_visible_q(actor), pk=pk)
        .select_related("project__org", "topic", "partner__org", "team", "ordered_by")
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_photo_get(*, actor: Any, pk: int) -> OrderPhoto:
    """A photo of an order the actor sees (404 for any other)."""
    photo = OrderPhoto.objects.filter(order__in=Order.objects.filter(order_visible_q(actor)), pk=pk)
    found = photo.first()
    if found is None:
        raise Http404
    return found


def order_events(order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("at", "id")


PROJECT_SHOWS = ("current", "archived", "all")


def project_list(*, actor: Any, show: str = "current") -> QuerySet[ServiceProject]:
    """The projects in scope: on offer (`current`, the default), archived, or all; with the
    topics on the menu and the people in the team now."""
    qs = access.scope(ServiceProject.objects.select_related("org"), actor, perms.VIEW)
    if show == "archived":
        qs = qs.filter(archived_at__isnull=False)
    elif show != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs.annotate(
        n_topics=Count("topics", filter=Q(topics__archived_at__isnull=True), distinct=True),
        n_team=Count("team", filter=Q(team__left_at__isnull=True), distinct=True),
    ).order_by("name", "id")


def current_lecturers() -> Prefetch[Any]:
    """A topic's lecturers who are still in the team (for `prefetch_related`)."""
    return Prefetch("lecturers", queryset=ProjectMember.objects.filter(left_at__isnull=True))


def project_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> ServiceProject:
    return access.get_for_actor(
        ServiceProject.objects.select_related("org"), actor, permission, pk=pk
    )


def menu_topics() -> QuerySet[MenuTopic]:
    """What partners can order: the topics of every project on offer."""
    return (
        MenuTopic.objects.filter(archived_at__isnull=True, project__archived_at__isnull=True)
        .select_related("project", "project__org")
        .prefetch_related(current_lecturers())
        .order_by("project__name", "project_id", "id")
    )


def partners_for(actor: Any) -> QuerySet[PartnerUnit]:
    """The partner units the actor may act for: its own as a contact, and those whose
    managing organisation it manages co-building for."""
    return (
        PartnerUnit.objects.filter(
            Q(pk__in=contact_partner_ids(actor)) | access.scope_q(actor, perms.MANAGE, "org"),
            archived_at__isnull=True,
        )
        .select_related("org")
        .order_by("name")
    )


def demand_list(*, actor: Any, state: str = "") -> QuerySet[Demand]:
    qs = Demand.objects.filter(
        Q(partner_id__in=contact_partner_ids(actor))
        | access.scope_q(actor, perms.VIEW, "partner__org")
    ).select_related("partner", "project")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-posted_at", "-id")


def demand_get(*, actor: Any, pk: int) -> Demand:
    demand = demand_list(actor=actor).filter(pk=pk).first()
    if demand is None:
        raise Http404
    return demand


def partner_agreements(*, actor: Any) -> QuerySet[Agreement]:
    """The agreements the actor's partner units are party to (the partner's side)."""
    return (
        Agreement.objects.filter(parties__partner_id__in=contact_partner_ids(actor))
        .distinct()
        .prefetch_related("parties__org", "parties__partner")
        .order_by("-signed_on", "-id")
    )


# ── Statistics ──


@dataclass
class OrderStatistics:
    total: int
    by_state: list[tuple[str, int]]
    by_topic: list[tuple[str, int, int]]  # title, orders, took place
    by_partner: list[tuple[str, int, int]]
    by_team: list[tuple[str, int, int]]
    by_month: list[tuple[str, int, int]]
    average_rating: float | None
    ratings: int
    wait_dispatch_hours: float | None  # ordered → dispatched, on average
    wait_deliver_days: float | None  # ordered → delivered, on average
    lecturers: list[tuple[str, str, int, int]]  # name, unit, sessions, attendance


def _grouped(qs: QuerySet[Order], field: str) -> list[tuple[str, int, int]]:
    rows = (
        qs.values(field)
        .annotate(n=Count("id"), done=Count("id", filter=Q(state__in=TOOK_PLACE)))
        .order_by("-n", field)
    )
    return [(str(r[field] or "—"), r["n"], r["done"]) for r in rows]


def order_statistics(*, actor: Any, year: int) -> OrderStatistics:
    """Orders placed in `year` that the actor sees: by topic, partner, team and month; average
    rating; waiting times; each lecturer's sessions that took place."""
    start, end = _start_of(date(year, 1, 1)), _start_of(date(year + 1, 1, 1))
    qs = Order.objects.filter(order_visible_q(actor), ordered_at__gte=start, ordered_at__lt=end)
    labels = dict(OrderState.choices)
    by_state = [
        (str(labels[r["state"]]), r["n"])
        for r in qs.values("state").annotate(n=Count("id")).order_by("state")
    ]
    months = (
        qs.annotate(month=TruncMonth("ordered_at"))
        .values("month")
        .annotate(n=Count("id"), done=Count("id", filter=Q(state__in=TOOK_PLACE)))
        .order_by("month")
    )
    rating = qs.filter(rating__isnull=False).aggregate(avg=Avg("rating"), n=Count("id"))
    dispatch_waits, deliver_waits = [], []
    for ordered, dispatched, delivered in qs.values_list(
        "ordered_at", "dispatched_at", "delivered_at"
    ):
        if dispatched is not None:
            dispatch_waits.append((dispatched - ordered).total_seconds() / 3600)
        if delivered is not None:
            deliver_waits.append((delivered - ordered).total_seconds() / 86400)
    lecturers = (
        ProjectMember.objects.filter(orders_taught__in=qs.filter(state__in=TOOK_PLACE).values("pk"))
        .values("pk", "name", "unit")
        .annotate(n=Count("orders_taught"), people=Sum("orders_taught__attendance"))
        .order_by("-n", "name")
    )
    return OrderStatistics(
        total=sum(n for _, n in by_state),
        by_state=by_state,
        by_topic=_grouped(qs, "topic__title"),
        by_partner=_grouped(qs, "partner__name"),
        by_team=_grouped(qs, "team__name"),
        by_month=[
            (f"{timezone.localtime(r['month']).month}月" if r["month"] else "—", r["n"], r["done"])
            for r in months
        ],
        average_rating=round(rating["avg"], 2) if rating["avg"] is not None else None,
        ratings=rating["n"],
        wait_dispatch_hours=round(sum(dispatch_waits) / len(dispatch_waits), 1)
        if dispatch_waits
        else None,
        wait_deliver_days=round(sum(deliver_waits) / len(deliver_waits), 1)
        if deliver_waits
        else None,
        lecturers=[(r["name"], r["unit"], r["n"], r["people"] or 0) for r in lecturers],
    )
