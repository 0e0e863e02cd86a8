"""Who may do what in co-building, written once from `core.access`: the workflows, services,
selectors and views ask these."""

from __future__ import annotations

from typing import Any

from mofan.cobuild import permissions as perms
from mofan.core import access


def coordinates(actor: Any, order: Any) -> bool:
    """Holds `cobuild.coordinate` on the project's organisation (dispatches, cancels)."""
    return access.can(actor, perms.COORDINATE, order.project.org)


def serves(actor: Any, order: Any) -> bool:
    """Holds `cobuild.serve` on the team the order was dispatched to."""
    return order.team is not None and access.can(actor, perms.SERVE, order.team)


def ordered(actor: Any, order: Any) -> bool:
    """A contact person of the partner unit that ordered."""
    return access.is_partner_contact(actor, order.partner)


def either_side(actor: Any, order: Any) -> bool:
    """The partner's contact or the coordinator (cancelling)."""
    return ordered(actor, order) or coordinates(actor, order)


def acts_for_partner(actor: Any, partner: Any) -> bool:
    """The partner's contact, or staff who manage co-building for its managing organisation:
    who orders for it, posts and closes its demands."""
    return access.is_partner_contact(actor, partner) or access.can(actor, perms.MANAGE, partner.org)


def orders_for(actor: Any, order: Any) -> bool:
    return acts_for_partner(actor, order.partner)


def sees_order(actor: Any, order: Any) -> bool:
    """The partner's contacts, the team and the coordinating organisation (and above)."""
    return (
        actor is None
        or access.is_partner_contact(actor, order.partner)
        or access.can(actor, perms.VIEW, order.project.org)
        or (order.team is not None and access.can(actor, perms.VIEW, order.team))
    )
