"""What 法治教育 adds to the co-building order's steps (registered with
`mofan.cobuild.extensions` when the app is ready): the team holds handouts of its stock for a
session when preparing it, gives them out when it is delivered, and a declined or cancelled
session releases what it held."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from mofan.cobuild.extensions import OrderStepExtension, register, register_panel
from mofan.cobuild.models import Order, OrderFormat
from mofan.core import access
from mofan.lawedu import permissions as perms
from mofan.lawedu.selectors import held_for, team_stock
from mofan.lawedu.services import stock as services

RESERVE, ISSUE = "hold", "issue"  # the field prefixes of the prepare and deliver forms


def _add_fields(form: forms.Form, order: Order, prefix: str) -> None:
    """One whole-number field per handout of the team's stock, showing what is available and
    what the session holds; `_quantities` reads them back."""
    materials = team_stock(order)
    held = held_for(order) if materials else {}
    form.handout_materials = materials  # type: ignore[attr-defined]
    for m in materials:
        form.fields[f"{prefix}_{m.pk}"] = forms.IntegerField(
            label=_("{name} (available {available} {unit}, held for this session {held})").format(
                name=m.name, available=m.available, unit=m.unit, held=held.get(m.pk, 0)
            ),
            required=False,
            min_value=0,
            max_value=100000,
            initial=held.get(m.pk) or None,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )


def _quantities(form: forms.Form, prefix: str) -> dict[Any, int]:
    data = getattr(form, "cleaned_data", {})
    materials = getattr(form, "handout_materials", [])
    return {m: data.get(f"{prefix}_{m.pk}") or 0 for m in materials}


def _reserve(*, actor: Any, order: Order, handouts: Any = None, **given: Any) -> dict[str, Any]:
    if handouts is None:
        return {}
    reserved = services.handouts_reserve(actor=actor, order=order, quantities=handouts)
    if not reserved:
        return {}
    return {"handouts": [None, "、".join(f"{r.material.name} {r.quantity:+d}" for r in reserved)]}


def _deliver(*, actor: Any, order: Order, handouts: Any = None, **given: Any) -> dict[str, Any]:
    issued = services.handouts_deliver(actor=actor, order=order, quantities=handouts or {})
    if not issued:
        return {}
    return {"handouts": [None, "、".join(f"{m.material.name} {-m.quantity}" for m in issued)]}


def _release(*, actor: Any, order: Order, **given: Any) -> dict[str, Any]:
    services.handouts_release(actor=actor, order=order)
    return {}


def _read_reserve(form: forms.Form, order: Order) -> dict[str, Any]:
    # No stock kept by the team: the session's holding is left as it is.
    if not getattr(form, "handout_materials", []):
        return {}
    return {"handouts": _quantities(form, RESERVE)}


EXTENSIONS = (
    OrderStepExtension(
        "prepare",
        _reserve,
        fields=lambda form, order: _add_fields(form, order, RESERVE),
        read=_read_reserve,
    ),
    OrderStepExtension(
        "deliver",
        _deliver,
        fields=lambda form, order: _add_fields(form, order, ISSUE),
        read=lambda form, order: {"handouts": _quantities(form, ISSUE)},
    ),
    OrderStepExtension("decline", _release),
    OrderStepExtension("cancel", _release),
)

register(*EXTENSIONS)


def order_links(request: Any, order: Order) -> str:
    """The order's handouts and, for a 模拟法庭 session, its mock trial: for those who hold
    legal education over the order's project."""
    if not access.can(request.user, perms.VIEW, order.project.org):
        return ""
    return render_to_string(
        "lawedu/_order_links.html",
        {"order": order, "is_mock_trial": order.format == OrderFormat.MOCK_TRIAL},
        request=request,
    )


register_panel(order_links)
