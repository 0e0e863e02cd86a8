"""Roles and grants."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.accounts.forms import (
    GrantForm,
    RoleForm,
)
from mofan.accounts.models import GrantRequest
from mofan.core.registry import all_permissions
from mofan.core.views import ScopedView, act, paginate, query_without_page, submit
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
        return submit(
            request,
            RoleForm(request.POST),
            lambda form: services.role_create(actor=request.user, **form.cleaned_data),
            done=_("The role was created."),
            to="accounts:roles",
            page=lambda form: render(request, "accounts/role_form.html", {"form": form}),
        )


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
        return submit(
            request,
            RoleForm(request.POST, initial={"code": role.code}, editing=True),
            lambda form: services.role_update(
                actor=request.user,
                role=role,
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"],
            ),
            done=_("The role was saved."),
            to="accounts:roles",
            page=lambda form: render(
                request, "accounts/role_form.html", {"form": form, "role": role}
            ),
        )


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
        return submit(
            request,
            GrantForm(request.POST, actor=request.user),
            lambda form: self._submit(request, form.cleaned_data),
            done=_granted_message,
            to="accounts:grants",
            page=lambda form: render(request, "accounts/grant_form.html", {"form": form}),
        )

    @staticmethod
    def _submit(request: HttpRequest, data: dict[str, Any]) -> Any:
        return services.grant_submit(
            actor=request.user,
            user=data["user"],
            role=data["role"],
            org=Organisation.objects.get(pk=data["org"]),
            include_subtree=data["include_subtree"],
        )


def _granted_message(done: Any) -> str:
    if isinstance(done, GrantRequest):
        return _(
            "The grant was requested; it takes effect when a work committee administrator "
            "approves it."
        )
    return _("The grant was created.")


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
