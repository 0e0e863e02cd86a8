"""The system administrator's pages of accounts: list, create, edit, reset a password."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.accounts.forms import (
    PasswordResetForm,
    UserCreateForm,
    UserUpdateForm,
)
from mofan.accounts.models import PasswordResetRequest
from mofan.core.views import ScopedView, paginate, query_without_page, submit


class UserListView(ScopedView):
    permission = perms.MANAGE_USERS

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        page = paginate(request, selectors.user_list(actor=request.user, query=query))
        return render(
            request,
            "accounts/user_list.html",
            {"page": page, "q": query, "query": query_without_page(request)},
        )


class UserCreateView(ScopedView):
    permission = perms.MANAGE_USERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/user_form.html", {"form": UserCreateForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        return submit(
            request,
            UserCreateForm(request.POST),
            lambda form: services.user_create(actor=request.user, **form.cleaned_data),
            done=lambda user: _("The account %(name)s was created.") % {"name": user.username},
            to="accounts:users",
            page=lambda form: render(request, "accounts/user_form.html", {"form": form}),
        )


class UserUpdateView(ScopedView):
    permission = perms.MANAGE_USERS

    def _render(self, request: HttpRequest, user: Any, form: Any, reset: Any) -> HttpResponse:
        return render(
            request, "accounts/user_edit.html", {"account": user, "form": form, "reset_form": reset}
        )

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = selectors.user_get(actor=request.user, pk=user_id)
        form = UserUpdateForm(
            initial={
                "full_name": user.full_name,
                "mobile": user.mobile or "",
                "email": user.email,
                "is_active": user.is_active,
            }
        )
        return self._render(request, user, form, PasswordResetForm())

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = selectors.user_get(actor=request.user, pk=user_id)
        return submit(
            request,
            UserUpdateForm(request.POST),
            lambda form: services.user_update(actor=request.user, user=user, **form.cleaned_data),
            done=_("The account was saved."),
            to="accounts:users",
            page=lambda form: self._render(request, user, form, PasswordResetForm()),
        )


class UserPasswordResetView(ScopedView):
    permission = perms.MANAGE_USERS

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = selectors.user_get(actor=request.user, pk=user_id)
        return submit(
            request,
            PasswordResetForm(request.POST),
            lambda form: services.password_reset_submit(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            ),
            done=_reset_message,
            to="accounts:users",
            page=lambda form: self._render(request, user, form),
        )

    def _render(self, request: HttpRequest, user: Any, form: Any) -> HttpResponse:
        update = UserUpdateForm(
            initial={
                "full_name": user.full_name,
                "mobile": user.mobile or "",
                "email": user.email,
                "is_active": user.is_active,
            }
        )
        return render(
            request,
            "accounts/user_edit.html",
            {"account": user, "form": update, "reset_form": form},
        )


def _reset_message(done: Any) -> str:
    if isinstance(done, PasswordResetRequest):
        return _(
            "The reset was requested; it takes effect when the security administrator approves it."
        )
    return _("The password was reset; the user must change it at the next sign-in.")
