"""Pages of demands (需求清单): the list, posting one, matching and closing it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild import selectors, services
from mofan.cobuild.forms import (
    DemandForm,
)
from mofan.cobuild.models import (
    DemandState,
)
from mofan.cobuild.workflows import DEMAND
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    paginate,
)

# ── Demands ──


class DemandListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        state = state if state in DemandState.values else ""
        page = paginate(request, selectors.demand_list(actor=request.user, state=state))
        return render(
            request,
            "cobuild/demands.html",
            {"page": page, "state": state, "states": DemandState.choices},
        )


class DemandCreateView(FormPageView):
    """A partner's contact posts a demand; staff may post one for a partner they look after."""

    permission = access.AUTHENTICATED
    template_name = "cobuild/demand_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        partners = selectors.partners_for(request.user)
        if not partners.exists():
            raise Http404
        return DemandForm(data, partners=partners)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        demand = services.demand_post(actor=request.user, **data)
        return _("The demand is posted."), reverse("cobuild:demand", args=[demand.pk])


class DemandView(ScopedView):
    """One demand: its coordinators match it to a project; the partner closes it."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, demand_id: int) -> HttpResponse:
        demand = selectors.demand_get(actor=request.user, pk=demand_id)
        projects = selectors.project_list(actor=request.user)
        coordinated = [p for p in projects if access.can(request.user, perms.COORDINATE, p.org)]
        return render(
            request,
            "cobuild/demand.html",
            {
                "demand": demand,
                "projects": coordinated,
                "can_close": DEMAND.can_take(request.user, demand, "close"),
                "is_contact": access.is_partner_contact(request.user, demand.partner),
            },
        )

    def post(self, request: HttpRequest, demand_id: int) -> HttpResponse:
        """A step of `workflows.DEMAND` (match, close), taken by its service."""
        demand = selectors.demand_get(actor=request.user, pk=demand_id)
        back = reverse("cobuild:demand", kwargs={"demand_id": demand.pk})
        name = request.POST.get("step", "")
        step = next((s for s in DEMAND.steps if s.name == name and s.sources), None)
        if step is None:
            messages.error(request, _("Choose what to do."))
            return redirect(back)
        service = getattr(services, f"demand_{step.name}")
        try:
            return act(
                request,
                lambda: service(
                    actor=request.user, demand=demand, **self._arguments(request, step.name)
                ),
                done=step.message,
                to=back,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(back)

    def _arguments(self, request: HttpRequest, step: str) -> dict[str, Any]:
        if step != "match":
            return {}
        raw = request.POST.get("project", "")
        if not raw.isdigit():
            raise DomainError(_("Choose a project."))
        project = selectors.project_get(
            actor=request.user, pk=int(raw), permission=perms.COORDINATE
        )
        return {"project": project}
