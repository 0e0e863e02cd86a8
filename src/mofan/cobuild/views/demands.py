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
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    FormPageView,
    ScopedView,
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
                "can_close": demand.state != DemandState.CLOSED
                and (
                    access.is_partner_contact(request.user, demand.partner)
                    or access.can(request.user, perms.MANAGE, demand.partner.org)
                ),
                "is_contact": access.is_partner_contact(request.user, demand.partner),
            },
        )

    def post(self, request: HttpRequest, demand_id: int) -> HttpResponse:
        demand = selectors.demand_get(actor=request.user, pk=demand_id)
        step = request.POST.get("step", "")
        try:
            if step == "match":
                raw = request.POST.get("project", "")
                if not raw.isdigit():
                    raise DomainError(_("Choose a project."))
                project = selectors.project_get(
                    actor=request.user, pk=int(raw), permission=perms.COORDINATE
                )
                services.demand_match(actor=request.user, demand=demand, project=project)
                done = _("The demand is matched; the partner is told.")
            elif step == "close":
                services.demand_close(actor=request.user, demand=demand)
                done = _("The demand is closed.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("cobuild:demand", demand_id=demand.pk)
