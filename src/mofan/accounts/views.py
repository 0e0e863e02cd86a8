from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.accounts.forms import (
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    UserCreateForm,
    UserUpdateForm,
)
from mofan.accounts.middleware import LAST_ACTIVITY
from mofan.accounts.models import GrantRequest, PasswordResetRequest, User
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.middleware import request_ip
from mofan.core.registry import all_permissions
from mofan.core.views import ScopedView, apply_domain_error, paginate, query_without_page
from mofan.orgs.models import Organisation


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


class LoginView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("core:home")
        return render(request, "accounts/login.html", {"form": LoginForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LoginForm(request.POST)
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if getattr(request, "axes_locked_out", False):
                services.login_record_failure(
                    username=form.cleaned_data["username"],
                    ip=request_ip(request),
                    user_agent=_user_agent(request),
                    reason="locked",
                )
                return render(request, "accounts/locked_out.html", status=429)
            if user is None:
                services.login_record_failure(
                    username=form.cleaned_data["username"],
                    ip=request_ip(request),
                    user_agent=_user_agent(request),
                    reason="bad credentials",
                )
                form.add_error(None, _("The username, mobile number or password is wrong."))
            else:
                login(request, user)
                request.session[LAST_ACTIVITY] = None
                request.session.save()
                services.session_open(
                    user=user,
                    session_key=request.session.session_key or "",
                    ip=request_ip(request),
                    user_agent=_user_agent(request),
                )
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = ""
                if user.must_change_password:
                    return redirect("accounts:password_change")
                return redirect(target or "core:home")
        return render(request, "accounts/login.html", {"form": form})


class LogoutView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest) -> HttpResponse:
        key = request.session.session_key or ""
        logout(request)
        services.session_close(session_key=key, reason="signed out")
        messages.info(request, _("You have signed out."))
        return redirect("accounts:login")


class PasswordChangeView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/password_change.html", {"form": PasswordChangeForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                user = services.password_change(
                    actor=cast(User, request.user),
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password has been changed."))
                return redirect("core:home")
        return render(request, "accounts/password_change.html", {"form": form})


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
        form = UserCreateForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request, _("The account %(name)s was created.") % {"name": user.username}
                )
                return redirect("accounts:users")
        return render(request, "accounts/user_form.html", {"form": form})


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
        form = UserUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.user_update(actor=request.user, user=user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The account was saved."))
                return redirect("accounts:users")
        return self._render(request, user, form, PasswordResetForm())


class UserPasswordResetView(ScopedView):
    permission = perms.MANAGE_USERS

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = selectors.user_get(actor=request.user, pk=user_id)
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                done = services.password_reset_submit(
                    actor=request.user, user=user, password=form.cleaned_data["password"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                if isinstance(done, PasswordResetRequest):
                    messages.success(
                        request,
                        _(
                            "The reset was requested; it takes effect when the security "
                            "administrator approves it."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("The password was reset; the user must change it at the next sign-in."),
                    )
                return redirect("accounts:users")
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
        try:
            services.grant_revoke(actor=request.user, grant=grant)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The grant was revoked."))
        return redirect("accounts:grants")


class LoginLogView(ScopedView):
    permission = perms.VIEW_LOGIN_LOG

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        failures = request.GET.get("failures") == "1"
        page = paginate(
            request,
            selectors.login_log(actor=request.user, query=query, failures_only=failures),
            50,
        )
        return render(
            request, "accounts/login_log.html", {"page": page, "q": query, "failures": failures}
        )


class SessionListView(ScopedView):
    permission = perms.MANAGE_SESSIONS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "accounts/sessions.html",
            {
                "sessions": selectors.online_sessions(actor=request.user),
                "locked": selectors.locked_accounts(actor=request.user),
                "own_key": request.session.session_key,
            },
        )


class SessionEndView(ScopedView):
    permission = perms.MANAGE_SESSIONS

    def post(self, request: HttpRequest, session_id: int) -> HttpResponse:
        tracked = selectors.online_session_get(actor=request.user, pk=session_id)
        try:
            services.session_end(actor=request.user, tracked=tracked)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The session of %(name)s was ended.") % {"name": tracked.user.username}
            )
        return redirect("accounts:sessions")


class UnlockView(ScopedView):
    permission = perms.MANAGE_SESSIONS

    def post(self, request: HttpRequest) -> HttpResponse:
        username = request.POST.get("username", "").strip()
        try:
            services.account_unlock(actor=request.user, username=username)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The account %(name)s was unlocked.") % {"name": username})
        return redirect("accounts:sessions")


def _decision(request: HttpRequest) -> tuple[bool | None, str]:
    decision = request.POST.get("decision", "")
    approve = {"approve": True, "reject": False}.get(decision)
    return approve, request.POST.get("reason", "")


class GrantRequestListView(ScopedView):
    """The work committee administrator's queue of business grants to approve."""

    permission = perms.APPROVE_GRANTS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "accounts/grant_requests.html",
            {
                "pending": selectors.grant_request_list(actor=request.user),
                "decided": selectors.grant_request_list(actor=request.user, pending=False)[:20],
            },
        )


class GrantRequestDecideView(ScopedView):
    permission = perms.APPROVE_GRANTS

    def post(self, request: HttpRequest, request_id: int) -> HttpResponse:
        grant_request = selectors.grant_request_get(actor=request.user, pk=request_id)
        approve, reason = _decision(request)
        if approve is None:
            messages.error(request, _("Choose to approve or to reject."))
            return redirect("accounts:grant_requests")
        try:
            services.grant_request_decide(
                actor=request.user, request=grant_request, approve=approve, reason=reason
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Approved; the grant is in effect.")
                if approve
                else _("The request was rejected."),
            )
        return redirect("accounts:grant_requests")


class ResetRequestListView(ScopedView):
    """The security administrator's queue of password resets of other duties' accounts."""

    permission = perms.APPROVE_RESETS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "accounts/reset_requests.html",
            {
                "pending": selectors.reset_request_list(actor=request.user),
                "decided": selectors.reset_request_list(actor=request.user, pending=False)[:20],
            },
        )


class ResetRequestDecideView(ScopedView):
    permission = perms.APPROVE_RESETS

    def post(self, request: HttpRequest, reset_id: int) -> HttpResponse:
        reset = selectors.reset_request_get(actor=request.user, pk=reset_id)
        approve, reason = _decision(request)
        if approve is None:
            messages.error(request, _("Choose to approve or to reject."))
            return redirect("accounts:reset_requests")
        try:
            services.password_reset_request_decide(
                actor=request.user, request=reset, approve=approve, reason=reason
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Approved; the password was reset.")
                if approve
                else _("The request was rejected."),
            )
        return redirect("accounts:reset_requests")
