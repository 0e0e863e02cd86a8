"""The pages of volunteer teams, kinds of activity and hours rules."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    ScopedView,
    act,
    apply_domain_error,
)
from mofan.orgs.selectors import org_get
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.forms import (
    HoursRuleForm,
    TeamForm,
)


class TeamListView(ScopedView):
    permission = perms.VIEW

    def _render(self, request: HttpRequest, form: TeamForm) -> HttpResponse:
        return render(
            request,
            "volunteer/teams.html",
            {
                "teams": selectors.team_list(actor=request.user),
                "form": form,
                "can_manage": access.has_permission(request.user, perms.MANAGE),
                "kinds": selectors.kinds_in_use(),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, TeamForm(actor=request.user))


class TeamCreateView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TeamForm(request.POST, actor=request.user)
        if form.is_valid():
            org = org_get(actor=request.user, pk=form.cleaned_data["org"], permission=perms.MANAGE)
            try:
                team = services.team_create(
                    actor=request.user, org=org, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The team is set up; add its members."))
                return redirect("volunteer:team", team_id=team.pk)
        return TeamListView()._render(request, form)


class TeamView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = selectors.team_get(actor=request.user, pk=team_id)
        can_manage = access.can(request.user, perms.MANAGE, team.org)
        q = request.GET.get("q", "")
        return render(
            request,
            "volunteer/team.html",
            {
                "team": team,
                "members": selectors.team_members(team=team),
                "candidates": selectors.team_candidates(team=team, q=q) if can_manage else [],
                "q": q,
                "can_manage": can_manage,
            },
        )

    def post(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = selectors.team_get(actor=request.user, pk=team_id, permission=perms.MANAGE)
        add_ids = [int(v) for v in request.POST.getlist("add") if v.isdigit()]
        remove_ids = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        add = selectors.members_by_ids(ids=add_ids)
        remove = selectors.team_members_by_ids(team=team, ids=remove_ids)
        return act(
            request,
            lambda: services.team_members_set(
                actor=request.user, team=team, add=add, remove=remove
            ),
            done=_("The team's members are saved."),
            to=reverse("volunteer:team", args=[team.pk]),
        )


class KindView(ScopedView):
    """The editable list of kinds of activity (add, take off)."""

    permission = perms.MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("archive", "")
        kind = selectors.kind_get(pk=int(raw)) if raw.isdigit() else None
        name = request.POST.get("name", "")

        def call() -> object:
            if kind is not None:
                return services.kind_archive(actor=request.user, kind=kind)
            return services.kind_add(actor=request.user, name=name)

        return act(
            request, call, done=_("The list of kinds is saved."), to=reverse("volunteer:teams")
        )


class HoursRuleView(ScopedView):
    """The dated rules for crediting hours, star levels and the wish-claim limit."""

    permission = perms.MANAGE

    def _render(self, request: HttpRequest, form: HoursRuleForm) -> HttpResponse:
        return render(
            request,
            "volunteer/rules.html",
            {"rules": selectors.hours_rules(), "form": form},
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(
            request, HoursRuleForm(initial={"effective_from": timezone.localdate()})
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = HoursRuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hours_rule_add(
                    actor=request.user,
                    effective_from=data["effective_from"],
                    presence_threshold=Decimal(data["presence_threshold"]) / 100,
                    star_hours=data["star_hours"],
                    open_claims_per_member=data["open_claims_per_member"],
                    registration_hours_target=data["registration_hours_target"] or 0,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("volunteer:rules")
        return self._render(request, form)
