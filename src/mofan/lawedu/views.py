from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import FormPageView, ScopedView
from mofan.lawedu import permissions as perms
from mofan.lawedu import selectors, services
from mofan.lawedu.forms import AdjustForm, MaterialForm, ReceiveForm, ThresholdForm
from mofan.orgs.selectors import org_get


class MaterialListView(ScopedView):
    """普法资料: every handout in scope with its stock, the low ones first, and the latest
    movements."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        materials = list(selectors.material_list(actor=request.user)[:300])
        materials.sort(key=lambda m: (not m.is_low, m.org.path, m.name))
        return render(
            request,
            "lawedu/materials.html",
            {
                "materials": materials,
                "low": [m for m in materials if m.is_low],
                "movements": selectors.recent_movements(actor=request.user),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class MaterialCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "lawedu/material_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return MaterialForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        material = services.material_create(
            actor=request.user,
            org=org,
            name=data["name"],
            unit=data["unit"],
            stock=data["stock"],
            low_stock_at=data["low_stock_at"],
            note=data["note"],
        )
        return _("The handout is added to the stock."), reverse(
            "lawedu:material", args=[material.pk]
        )


class MaterialView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, material_id: int) -> HttpResponse:
        material = selectors.material_get(actor=request.user, pk=material_id)
        return render(
            request,
            "lawedu/material.html",
            {
                "material": material,
                "movements": selectors.movement_list(material=material)[:200],
                "can_manage": access.can(request.user, perms.MANAGE, material.org),
                "receive_form": ReceiveForm(),
                "adjust_form": AdjustForm(),
                "threshold_form": ThresholdForm(
                    initial={"low_stock_at": material.low_stock_at, "note": material.note}
                ),
            },
        )

    def post(self, request: HttpRequest, material_id: int) -> HttpResponse:
        """The keeper's changes: copies received, a counted correction, the threshold."""
        material = selectors.material_get(
            actor=request.user, pk=material_id, permission=perms.MANAGE
        )
        step = request.POST.get("step", "")
        try:
            if step == "receive":
                services.material_receive(
                    actor=request.user,
                    material=material,
                    quantity=request.POST.get("quantity"),
                    note=request.POST.get("note", ""),
                )
                done = _("The copies are added to the stock.")
            elif step == "adjust":
                services.material_adjust(
                    actor=request.user,
                    material=material,
                    delta=request.POST.get("delta"),
                    reason=request.POST.get("reason", ""),
                )
                done = _("The stock is corrected.")
            elif step == "threshold":
                form = ThresholdForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("Enter the threshold as a whole number."))
                services.material_update(
                    actor=request.user,
                    material=material,
                    low_stock_at=form.cleaned_data["low_stock_at"],
                    note=form.cleaned_data["note"],
                )
                done = _("Saved.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("lawedu:material", material_id=material.pk)
