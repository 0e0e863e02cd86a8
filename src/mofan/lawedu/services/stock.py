"""Handout stock: materials, what is received, adjusted and issued, and what a session holds
in reserve.

Stock is settled in the database: every change is one conditional UPDATE
(`stock = stock - n WHERE stock >= n`), so concurrent issues can never take more than there is,
and a check constraint refuses a negative stock even to code that forgets the condition."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from mofan.cobuild.models import Order, OrderState
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.lawedu import permissions as perms
from mofan.lawedu.models import (
    HandoutReservation,
    Material,
    MaterialMovement,
    MovementKind,
    ReservationKind,
)
from mofan.lawedu.selectors import held_for
from mofan.lawedu.services.common import SESSION_STATES, clean
from mofan.orgs.models import Organisation

MAX_QUANTITY = 100_000  # more than any keeper holds; refuses typing slips


def _quantity(value: Any, field: str = "quantity") -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n <= 0 or n > MAX_QUANTITY:
        raise DomainError({field: _("Enter a whole number from 1 to 100000.")})
    return n


@transaction.atomic
def material_create(
    *,
    actor: Any,
    org: Organisation,
    name: str,
    unit: str = "本",
    low_stock_at: int = 20,
    note: str = "",
    stock: int = 0,
) -> Material:
    """Add a kind of handout to an organisation's stock, with what is on the shelf now."""
    access.require(actor, perms.MANAGE, org)
    if org.archived_at is not None:
        raise DomainError({"org": _("The organisation is archived.")})
    name = clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name.")})
    if low_stock_at < 0:
        raise DomainError({"low_stock_at": _("The threshold cannot be negative.")})
    if stock < 0 or stock > MAX_QUANTITY:
        raise DomainError({"stock": _("Enter a whole number from 0 to 100000.")})
    if Material.objects.filter(org=org, name=name).exists():
        raise DomainError({"name": _("This organisation already keeps a handout of this name.")})
    with refuse_duplicates(_("This organisation already keeps a handout of this name."), "name"):
        material = Material.objects.create(
            org=org,
            name=name,
            unit=clean(unit)[:10] or "本",
            low_stock_at=low_stock_at,
            note=clean(note)[:200],
        )
    audit_record(
        actor=actor,
        action="lawedu.material.create",
        target=material,
        org=org,
        changes=diff({}, {"name": name, "unit": material.unit, "low_stock_at": low_stock_at}),
    )
    if stock:
        _move(
            actor=actor,
            material=material,
            kind=MovementKind.RECEIVED,
            delta=stock,
            reason=_("Opening stock"),
        )
    material.refresh_from_db()
    return material


def _take(material: Material, delta: int) -> int:
    """Change the stock by `delta` in one conditional UPDATE and return the new stock. Taking
    more than is in stock changes nothing and is refused. The updated row stays locked until
    the caller's transaction ends."""
    rows = Material.objects.filter(pk=material.pk)
    if delta < 0:
        # Copies reserved for prepared sessions are not there to be taken.
        rows = rows.filter(stock__gte=F("reserved") - delta)
    if not rows.update(stock=F("stock") + delta):
        stock, reserved = Material.objects.filter(pk=material.pk).values_list(
            "stock", "reserved"
        ).first() or (0, 0)
        if reserved:
            raise DomainError(
                {
                    "quantity": _(
                        "Only %(n)s %(unit)s of %(name)s are available (%(held)s reserved)."
                    )
                    % {
                        "n": stock - reserved,
                        "unit": material.unit,
                        "name": material.name,
                        "held": reserved,
                    }
                }
            )
        raise DomainError(
            {
                "quantity": _("Only %(n)s %(unit)s of %(name)s are in stock.")
                % {"n": stock, "unit": material.unit, "name": material.name}
            }
        )
    return Material.objects.filter(pk=material.pk).values_list("stock", flat=True).get()


def _hold(material: Material, delta: int) -> int:
    """Change what is reserved of a handout by `delta` in one conditional UPDATE (holding more
    needs that many available: in stock and not reserved) and return what is reserved now."""
    rows = Material.objects.filter(pk=material.pk)
    if delta > 0:
        rows = rows.filter(stock__gte=F("reserved") + delta)
    else:
        rows = rows.filter(reserved__gte=-delta)
    if not rows.update(reserved=F("reserved") + delta):
        stock, reserved = Material.objects.filter(pk=material.pk).values_list(
            "stock", "reserved"
        ).first() or (0, 0)
        raise DomainError(
            {
                "handouts": _("Only %(n)s %(unit)s of %(name)s are available (%(held)s reserved).")
                % {
                    "n": stock - reserved,
                    "unit": material.unit,
                    "name": material.name,
                    "held": reserved,
                }
            }
        )
    return Material.objects.filter(pk=material.pk).values_list("reserved", flat=True).get()


def _record(
    *,
    actor: Any,
    material: Material,
    kind: str,
    delta: int,
    stock_after: int,
    reason: str = "",
    order: Order | None = None,
) -> MaterialMovement:
    movement = MaterialMovement.objects.create(
        material=material,
        kind=kind,
        quantity=delta,
        stock_after=stock_after,
        reason=reason[:200],
        order=order,
        created_by=actor,
    )
    changes: dict[str, Any] = {"stock": [stock_after - delta, stock_after]}
    if reason:
        changes["reason"] = [None, reason]
    if order is not None:
        changes["session"] = [None, f"{order.pk} {order}"]
    audit_record(
        actor=actor,
        action=f"lawedu.material.{kind}",
        target=material,
        org=material.org,
        changes=changes,
    )
    return movement


def _move(
    *, actor: Any, material: Material, kind: str, delta: int, reason: str = ""
) -> MaterialMovement:
    stock_after = _take(material, delta)
    return _record(
        actor=actor,
        material=material,
        kind=kind,
        delta=delta,
        stock_after=stock_after,
        reason=reason,
    )


def _material_for_change(actor: Any, material: Material) -> Material:
    material = Material.objects.select_related("org").get(pk=material.pk)
    access.require(actor, perms.MANAGE, material.org)
    if material.archived_at is not None:
        raise DomainError(_("This handout is archived."))
    return material


@transaction.atomic
def material_receive(
    *, actor: Any, material: Material, quantity: Any, note: str = ""
) -> MaterialMovement:
    """入库: copies delivered to the keeper."""
    material = _material_for_change(actor, material)
    n = _quantity(quantity)
    return _move(
        actor=actor, material=material, kind=MovementKind.RECEIVED, delta=n, reason=clean(note)
    )


@transaction.atomic
def material_adjust(*, actor: Any, material: Material, delta: Any, reason: str) -> MaterialMovement:
    """盘点调整: correct the stock after a count, damage or loss; the reason is required and the
    stock still cannot go below zero."""
    material = _material_for_change(actor, material)
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    try:
        n = int(delta)
    except (TypeError, ValueError):
        n = 0
    if n == 0 or abs(n) > MAX_QUANTITY:
        raise DomainError({"delta": _("Enter how many to add (e.g. 5) or to take away (e.g. -5).")})
    return _move(actor=actor, material=material, kind=MovementKind.ADJUSTED, delta=n, reason=reason)


@transaction.atomic
def material_update(
    *, actor: Any, material: Material, low_stock_at: int, note: str = ""
) -> Material:
    material = Material.objects.select_for_update().select_related("org").get(pk=material.pk)
    access.require(actor, perms.MANAGE, material.org)
    if low_stock_at < 0:
        raise DomainError({"low_stock_at": _("The threshold cannot be negative.")})
    before = {"low_stock_at": material.low_stock_at, "note": material.note}
    material.low_stock_at = low_stock_at
    material.note = clean(note)[:200]
    changes = diff(before, {"low_stock_at": material.low_stock_at, "note": material.note})
    if changes:
        material.save(update_fields=["low_stock_at", "note"])
        audit_record(
            actor=actor,
            action="lawedu.material.update",
            target=material,
            org=material.org,
            changes=changes,
        )
    return material


@transaction.atomic
def handouts_issue(
    *, actor: Any, order: Order, quantities: dict[Material, int]
) -> list[MaterialMovement]:
    """发放: handouts given out at an ordered session, several kinds at once, all or none. Each
    kind is taken by a conditional UPDATE (in a fixed order, so two issues never wait for each
    other crosswise); a kind short of copies refuses the whole issue. What the session holds
    in reserve of a kind is consumed first."""
    order = Order.objects.select_related("project__org", "partner", "topic").get(pk=order.pk)
    access.require(actor, perms.VIEW, order.project.org)
    if order.state not in SESSION_STATES:
        raise DomainError(_("Handouts are issued at a session that has a date."))
    wanted = {m.pk: n for m, n in quantities.items() if n}
    if not wanted:
        raise DomainError(_("Enter how many copies of at least one handout were given out."))
    materials = list(Material.objects.select_related("org").filter(pk__in=wanted).order_by("pk"))
    for material in materials:
        access.require(actor, perms.MANAGE, material.org)
    return _issue(actor, order, materials, wanted)


def _issue(
    actor: Any, order: Order, materials: list[Material], wanted: dict[int, int]
) -> list[MaterialMovement]:
    """Take `wanted` copies of each handout for the session, consuming its reservation first
    (a session that gives out more than it held takes the rest from what is available)."""
    for material in materials:
        if material.archived_at is not None:
            raise DomainError(_("This handout is archived."))
        _quantity(wanted[material.pk])
    held = held_for(order)
    consumed: list[tuple[Material, int, int]] = []
    taken: list[tuple[Material, int]] = []
    for material in materials:
        use = min(held.get(material.pk, 0), wanted[material.pk])
        if use:
            consumed.append((material, -use, _hold(material, -use)))
        taken.append((material, _take(material, -wanted[material.pk])))
    # The audit chain's head is locked only after every stock row is taken.
    for material, delta, reserved_after in consumed:
        _reservation_record(actor, material, order, ReservationKind.CONSUMED, delta, reserved_after)
    return [
        _record(
            actor=actor,
            material=material,
            kind=MovementKind.ISSUED,
            delta=-wanted[material.pk],
            stock_after=stock_after,
            order=order,
        )
        for material, stock_after in taken
    ]


# ── Reservations: handouts held for a prepared session ──


def _reservation_record(
    actor: Any, material: Material, order: Order, kind: str, delta: int, reserved_after: int
) -> HandoutReservation:
    record = HandoutReservation.objects.create(
        material=material,
        order=order,
        kind=kind,
        quantity=delta,
        reserved_after=reserved_after,
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action=f"lawedu.material.{kind}",
        target=material,
        org=material.org,
        changes={
            "reserved": [reserved_after - delta, reserved_after],
            "session": [None, f"{order.pk} {order}"],
        },
    )
    return record


@transaction.atomic
def handouts_reserve(
    *, actor: Any, order: Order, quantities: dict[Material, int]
) -> list[HandoutReservation]:
    """预留: the team preparing a session holds handouts of its organisation's stock for it; the
    quantities given replace what the session held (0 releases a kind). Called from the order's
    prepare step, which has locked the order and checked that `actor` is its team. Holding
    more than is available refuses everything."""
    if order.state not in (OrderState.SCHEDULED, OrderState.PREPARED) or order.team_id is None:
        raise DomainError(_("Handouts are reserved when a scheduled session is prepared."))
    held = held_for(order)
    pks = {m.pk for m in quantities} | set(held)
    materials = list(Material.objects.select_related("org").filter(pk__in=pks).order_by("pk"))
    wanted: dict[int, int] = {}
    for material in materials:
        n = next((q for m, q in quantities.items() if m.pk == material.pk), held.get(material.pk))
        try:
            n = int(n or 0)
        except (TypeError, ValueError):
            n = -1
        if n < 0 or n > MAX_QUANTITY:
            raise DomainError({"handouts": _("Enter a whole number from 0 to 100000.")})
        if n != held.get(material.pk, 0):
            if material.org_id != order.team_id:
                raise DomainError(
                    {"handouts": _("Handouts are reserved from the team's own stock.")}
                )
            if n and material.archived_at is not None:
                raise DomainError(_("This handout is archived."))
            wanted[material.pk] = n
    changed = [(m, wanted[m.pk] - held.get(m.pk, 0)) for m in materials if m.pk in wanted]
    # Every stock row first (in id order), then the records and the audit chain.
    settled = [(m, delta, _hold(m, delta)) for m, delta in changed]
    return [
        _reservation_record(
            actor,
            m,
            order,
            ReservationKind.RESERVED if delta > 0 else ReservationKind.RELEASED,
            delta,
            reserved_after,
        )
        for m, delta, reserved_after in settled
    ]


def handouts_release(*, actor: Any, order: Order) -> list[HandoutReservation]:
    """释放: everything the session still holds goes back to what is available (the order was
    cancelled or declined, or the session gave out fewer). Runs inside the order's transition,
    which has locked the order and checked its actor."""
    held = held_for(order)
    materials = list(Material.objects.select_related("org").filter(pk__in=held).order_by("pk"))
    settled = [(m, -held[m.pk], _hold(m, -held[m.pk])) for m in materials]
    return [
        _reservation_record(actor, m, order, ReservationKind.RELEASED, delta, reserved_after)
        for m, delta, reserved_after in settled
    ]


def handouts_deliver(
    *, actor: Any, order: Order, quantities: dict[Material, int]
) -> list[MaterialMovement]:
    """At delivery (inside the order's deliver step, which has checked its team): the copies
    given out are issued from the team's stock, consuming the reservation; what the session
    held beyond that is released."""
    wanted = {m.pk: n for m, n in quantities.items() if n}
    movements: list[MaterialMovement] = []
    if wanted:
        materials = list(
            Material.objects.select_related("org").filter(pk__in=wanted).order_by("pk")
        )
        if any(m.org_id != order.team_id for m in materials):
            raise DomainError({"handouts": _("Handouts are issued from the team's own stock.")})
        movements = _issue(actor, order, materials, wanted)
    handouts_release(actor=actor, order=order)
    return movements
