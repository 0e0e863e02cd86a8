"""The co-building workflows, each declared once: an order's way from 点单 to 评单 and
a demand's from posting to closing. The services take the steps; the pages draw them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mofan.cobuild import permissions as perms
from mofan.cobuild import policies
from mofan.cobuild.models import Demand, DemandState, Order, OrderEvent, OrderState
from mofan.core import access
from mofan.core.workflow import Workflow, step
from mofan.orgs.models import PartnerContact

S = OrderState
# The states an order has reached when its session took place.
TOOK_PLACE = (S.DELIVERED, S.CONFIRMED)


def contact_user_ids(partner_id: int) -> list[int]:
    """The active logins of a partner unit's contact people."""
    return sorted(
        PartnerContact.objects.filter(
            partner_id=partner_id, user__isnull=False, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _coordinators(order: Order) -> list[int]:
    return access.holders(order.project.org, perms.COORDINATE)


def _team(order: Order) -> list[int]:
    return access.holders(order.team, perms.SERVE) if order.team else []


def _contacts(order: Order) -> list[int]:
    return contact_user_ids(order.partner_id)


def _order_event(
    *, record: Order, step: str, before: str, after: str, actor: Any, at: Any, note: str
) -> None:
    OrderEvent.objects.create(
        order=record,
        at=at,
        actor=actor,
        step=step,
        from_state=before,
        to_state=after,
        note=note[:500],
    )


FORMS = "mofan.cobuild.forms"

# Declared in the order a page offers them: the step that takes the order on comes first.
ORDER: Workflow[Order] = Workflow(
    name="cobuild.order",
    model=Order,
    steps=(
        step(
            "place",
            (),
            S.ORDERED,
            "orderer",
            tell="coordinators",
            notice=_("New order to dispatch: {record}"),
        ),
        step(
            "dispatch",
            (S.ORDERED, S.DECLINED),
            S.DISPATCHED,
            "coordinator",
            label=_("Dispatch"),
            form=f"{FORMS}.DispatchForm",
            message=_("Dispatched; the team is told."),
            tell="team",
            notice=_("An order was dispatched to your team: {record}"),
        ),
        step(
            "accept",
            (S.DISPATCHED,),
            S.ACCEPTED,
            "team",
            label=_("Accept"),
            message=_("Accepted. Schedule the session next."),
            tell="contacts",
            notice=_("Your order was accepted: {record}"),
        ),
        step(
            "schedule",
            (S.ACCEPTED, S.SCHEDULED),
            S.SCHEDULED,
            "team",
            label=_("Schedule"),
            form=f"{FORMS}.ScheduleForm",
            message=_("Scheduled; the partner is told."),
            tell="contacts",
            notice=_("Your session is scheduled: {record}"),
        ),
        step(
            "deliver",
            (S.PREPARED,),
            S.DELIVERED,
            "team",
            label=_("Record the session"),
            form=f"{FORMS}.DeliverForm",
            message=_("The session is recorded; the partner is asked to confirm it."),
            tell="contacts",
            notice=_("Please confirm and rate the session: {record}"),
        ),
        step(
            "prepare",
            (S.SCHEDULED, S.PREPARED),
            S.PREPARED,
            "team",
            label=_("Upload the preparation"),
            form=f"{FORMS}.PrepareForm",
            message=_("The lesson plan is uploaded."),
            tell="contacts",
            notice=_("The team has prepared your session: {record}"),
        ),
        step(
            "confirm",
            (S.DELIVERED,),
            S.CONFIRMED,
            "partner",
            label=_("Confirm and rate"),
            form=f"{FORMS}.ConfirmForm",
            message=_("Thank you for your rating."),
            tell="coordinators_and_team",
            notice=_("The partner rated the session: {record}"),
        ),
        step(
            "decline",
            (S.DISPATCHED,),
            S.DECLINED,
            "team",
            label=_("Decline"),
            form=f"{FORMS}.DeclineForm",
            message=_("Declined; the coordinator is told."),
            tell="coordinators",
            notice=_("The team declined an order; dispatch it again: {record}"),
        ),
        step(
            "cancel",
            (S.ORDERED, S.DISPATCHED, S.DECLINED, S.ACCEPTED, S.SCHEDULED, S.PREPARED),
            S.CANCELLED,
            "either",
            label=_("Cancel the order"),
            form=f"{FORMS}.CancelForm",
            message=_("The order is cancelled."),
            tell="everyone",
            notice=_("The order was cancelled: {record}"),
        ),
    ),
    actors={
        "orderer": policies.orders_for,
        "coordinator": policies.coordinates,
        "team": policies.serves,
        "partner": policies.ordered,
        "either": policies.either_side,
    },
    org=lambda order: order.project.org,
    sees=policies.sees_order,
    related=("project__org", "partner__org", "team", "topic"),
    event=_order_event,
    audiences={
        "coordinators": _coordinators,
        "team": _team,
        "contacts": _contacts,
        "coordinators_and_team": lambda o: [*_coordinators(o), *_team(o)],
        "everyone": lambda o: [*_coordinators(o), *_team(o), *_contacts(o)],
    },
    link=lambda order: reverse("cobuild:order", kwargs={"order_id": order.pk}),
    dedupe=lambda order, name: f"order:{order.pk}:{name}:{order.events.count()}",
    describe=lambda order: f"{order.partner} · {order.topic}",
    stale=_("This step is not possible: the order is now “{state}”."),
)


def _sees_demand(actor: Any, demand: Demand) -> bool:
    """The partner's contacts and the holders of `cobuild.view` over its managing organisation
    (as `selectors.demand_list`)."""
    return access.is_partner_contact(actor, demand.partner) or access.can(
        actor, perms.VIEW, demand.partner.org
    )


D = DemandState
# 需求清单: the partner posts, a coordinator answers it with a project, the partner closes it.
DEMAND: Workflow[Demand] = Workflow(
    name="cobuild.demand",
    model=Demand,
    steps=(
        step("post", (), D.OPEN, "partner_side"),
        step(
            "match",
            (D.OPEN,),
            D.MATCHED,
            "coordinator",
            message=_("The demand is matched; the partner is told."),
            stale=_("Only an open demand can be matched."),
            tell="contacts",
            notice=_("Your demand “{demand}” is answered by {project}"),
        ),
        step(
            "close",
            (D.OPEN, D.MATCHED),
            D.CLOSED,
            "partner_side",
            label=_("Close the demand"),
            message=_("The demand is closed."),
            stale=_("The demand is already closed."),
        ),
    ),
    actors={
        "partner_side": lambda actor, demand: policies.acts_for_partner(actor, demand.partner),
        # Coordinates some project; the service checks the project it is matched to.
        "coordinator": lambda actor, demand: access.has_permission(actor, perms.COORDINATE),
    },
    org=lambda demand: demand.partner.org,
    sees=_sees_demand,
    related=("partner__org",),
    audiences={"contacts": lambda demand: contact_user_ids(demand.partner_id)},
    link=lambda demand: reverse("cobuild:demand", kwargs={"demand_id": demand.pk}),
    dedupe=lambda demand, name: f"demand-matched:{demand.pk}",  # only matching tells anyone
    describe=lambda demand: demand.title,
    details=lambda demand: {
        "demand": demand.title,
        "project": demand.project.name if demand.project else "",
    },
)

WORKFLOWS = (ORDER, DEMAND)
