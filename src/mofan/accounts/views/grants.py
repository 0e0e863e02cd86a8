"""Roles and grants."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.accounts.forms import (
    GrantForm,
    RoleForm,
)
from mofan.accounts.models import GrantRequest
from mofan.core.errors import DomainError
from mofan.core.registry import all_permissions
from mofan.core.views import ScopedView, act, apply_domain_error, paginate, query_without_page
from mofan.orgs.models import Organisation


class RoleListView(ScopedView):
    permission = perms.MANAGE_ROLES

    def get(self, request: HttpRequest) -> HttpResponse:
        labels = all_permissions()
        roles = list(selectors.role_list(actor=request.user))
        for role in roles:
            role.permission_labels = [  # type: ignore[attr-defined]
                (code, labels.get(code, code)) for code in role.permissions
            ]
        return render(request, "accounts/role_list.html", {"roles": roles})


class RoleCreateView(ScopedView):
    permission = perms.MANAGE_ROLES

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/role_form.html", {"form": RoleForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                services.role_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The role was created."))
                return redirect("accounts:roles")
        return render(request, "accounts/role_form.html", {"form": form})


class RoleUpdateView(ScopedView):
    permission = perms.MANAGE_ROLES

    def get(self, request: HttpRequest, role_id: int) -> HttpResponse:
        role = selectors.role_get(actor=request.user, pk=role_id)
        form = RoleForm(
            initial={"code": role.code, "name": role.name, "permissions": role.permissions},
            editing=True,
        )
        return render(request, "accounts/role_form.html", {"form": form, "role": role})

    def post(self, request: HttpRequest, role_id: int) -> HttpResponse:
        role = selectors.role_get(actor=request.user, pk=role_id)
        form = RoleForm(request.POST, initial={"code": role.code}, editing=True)
        if form.is_valid():
            try:
                services.role_update(
                    actor=request.user,
                    role=role,
                    name=form.cleaned_data["name"],
                    permissions=form.cleaned_data["permissions"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The role was saved."))
                return redirect("accounts:roles")
        return render(request, "accounts/role_form.html", {"form": form, "role": role})


class GrantListView(ScopedView):
    permission = perms.MANAGE_GRANTS

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        role_raw = request.GET.get("role", "")
        role_id = int(role_raw) if role_raw.isdigit() else None
        grants = selectors.grant_list(actor=request.user, query=query, role_id=role_id)
        return render(
            request,
            "accounts/grant_list.html",
            {
                "page": paginate(request, grants),
                "q": query,
                "role_id": role_id,
                "roles": selectors.role_list(actor=request.user),
                "query": query_without_page(request),
                "requests": selectors.grant_request_list(
                    actor=request.user, permission=perms.MANAGE_GRANTS
                ),
            },
        )


class GrantCreateView(ScopedView):
    permission = perms.MANAGE_GRANTS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/grant_form.html", {"form": GrantForm(actor=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = GrantForm(request.POST, actor=request.user)
        if form.is_valid():
            data = form.cleaned_data
            org = Organisation.objects.get(pk=data["org"])
            try:
                done = services.grant_submit(
                    actor=request.user,
                    user=data["user"],
                    role=data["role"],
                    org=org,
                    include_subtree=data["include_subtree"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                if isinstance(done, GrantRequest):
                    messages.success(
                        request,
                        _(
                            "The grant was requested; it takes effect when a work committee "
                            "administrator approves it."
                        ),
                    )
                else:
                    messages.success(request, _("The grant was created."))
                return redirect("accounts:grants")
        return render(request, "accounts/grant_form.html", {"form": form})


class GrantRevokeView(ScopedView):
    permission = perms.MANAGE_GRANTS

    def post(self, request: HttpRequest, grant_id: int) -> HttpResponse:
        grant = selectors.grant_get(actor=request.user, pk=grant_id)
        return act(
            request,
            lambda: services.grant_revoke(actor=request.user, grant=grant),
            done=_("The grant was revoked."),
            to="accounts:grants",
        )
