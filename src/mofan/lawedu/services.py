"""Writes of 模法师: handout stock, mock trials, legal-counsellor appointments.

Stock is settled in the database: every change is one conditional UPDATE
(`stock = stock - n WHERE stock >= n`), so concurrent issues can never take more than there is,
and a check constraint refuses a negative stock even to code that forgets the condition."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.lawedu import permissions as perms
from mofan.lawedu.models import Material, MaterialMovement, MovementKind
from mofan.orgs.models import Organisation

MAX_QUANTITY = 100_000  # more than any keeper holds; refuses typing slips


def _clean(text: str) -> str:
    return " ".join((text or "").split())


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
    name = _clean(name)
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
            unit=_clean(unit)[:10] or "本",
            low_stock_at=low_stock_at,
            note=_clean(note)[:200],
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


def _move(
    *,
    actor: Any,
    material: Material,
    kind: str,
    delta: int,
    reason: str = "",
    **extra: Any,
) -> MaterialMovement:
    """Change the stock by `delta` in one conditional UPDATE and write the movement and its audit
    event. Taking more than is in stock changes nothing and is refused. Runs inside the caller's
    transaction; the updated row stays locked until it commits."""
    rows = Material.objects.filter(pk=material.pk)
    if delta < 0:
        rows = rows.filter(stock__gte=-delta)
    if not rows.update(stock=F("stock") + delta):
        left = Material.objects.filter(pk=material.pk).values_list("stock", flat=True).first()
        raise DomainError(
            {
                "quantity": _("Only %(n)s %(unit)s of %(name)s are in stock.")
                % {"n": left or 0, "unit": material.unit, "name": material.name}
            }
        )
    stock_after = Material.objects.filter(pk=material.pk).values_list("stock", flat=True).get()
    movement = MaterialMovement.objects.create(
        material=material,
        kind=kind,
        quantity=delta,
        stock_after=stock_after,
        reason=reason[:200],
        created_by=actor,
        **extra,
    )
    audit_record(
        actor=actor,
        action=f"lawedu.material.{kind}",
        target=material,
        org=material.org,
        changes={
            "stock": [stock_after - delta, stock_after],
            **({"reason": [None, reason]} if reason else {}),
        },
    )
    return movement


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
        actor=actor, material=material, kind=MovementKind.RECEIVED, delta=n, reason=_clean(note)
    )


@transaction.atomic
def material_adjust(*, actor: Any, material: Material, delta: Any, reason: str) -> MaterialMovement:
    """盘点调整: correct the stock after a count, damage or loss; the reason is required and the
    stock still cannot go below zero."""
    material = _material_for_change(actor, material)
    reason = _clean(reason)
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
    material.note = _clean(note)[:200]
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
