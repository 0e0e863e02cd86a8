from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from mofan.accounts import captcha, selectors, services, two_factor
from mofan.accounts import permissions as perms
from mofan.accounts.forms import (
    CaptchaForm,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    TwoFactorForm,
    UserCreateForm,
    UserUpdateForm,
)
from mofan.accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from mofan.accounts.models import GrantRequest, PasswordResetRequest, User
from mofan.core import access
from mofan.core.checkin import qr_svg
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
        guard = selectors.login_guard(username="", ip=request_ip(request))
        return self._render(request, LoginForm(), captcha_shown=guard.captcha_required)

    def _render(
        self,
        request: HttpRequest,
        form: LoginForm,
        *,
        captcha_shown: bool,
        captcha_error: str = "",
    ) -> HttpResponse:
        context: dict[str, Any] = {"form": form}
        if captcha_shown:
            context["captcha_field"] = CaptchaForm()["captcha"]
            context["captcha_error"] = captcha_error
            context["captcha_svg"] = captcha.issue(request.session)
        return render(request, "accounts/login.html", context)

    def _fail(self, request: HttpRequest, username: str, reason: str) -> None:
        services.login_record_failure(
            username=username,
            ip=request_ip(request),
            user_agent=_user_agent(request),
            reason=reason,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        ip = request_ip(request)
        if "refresh_captcha" in request.POST:
            # A new picture; what was typed stays, and nothing is checked or counted.
            form = LoginForm(initial={"username": request.POST.get("username", "")})
            return self._render(request, form, captcha_shown=True)
        form = LoginForm(request.POST)
        if not form.is_valid():
            guard = selectors.login_guard(username="", ip=ip)
            return self._render(request, form, captcha_shown=guard.captcha_required)
        username = form.cleaned_data["username"]
        guard = selectors.login_guard(username=username, ip=ip)
        if guard.address_blocked:
            self._fail(request, username, "address blocked")
            return render(request, "accounts/locked_out.html", {"address": True}, status=429)
        if guard.account_locked:
            self._fail(request, username, "locked")
            return render(request, "accounts/locked_out.html", status=429)
        given = str(request.POST.get("captcha", ""))
        if guard.captcha_required and not captcha.check(request.session, given):
            self._fail(request, username, "wrong captcha")
            return self._render(
                request,
                LoginForm(initial={"username": username}),
                captcha_shown=True,
                captcha_error=_("The code does not match the picture; try the new one."),
            )
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            self._fail(request, username, "locked")
            return render(request, "accounts/locked_out.html", status=429)
        if user is None:
            self._fail(request, username, "bad credentials")
            form.add_error(None, _("The username, mobile number or password is wrong."))
            guard = selectors.login_guard(username=username, ip=ip)
            return self._render(request, form, captcha_shown=guard.captcha_required)
        login(request, user)
        request.session[LAST_ACTIVITY] = None
        request.session[SIGNED_IN_AT] = timezone.now().isoformat()
        request.session[two_factor.SESSION_KEY] = two_factor.two_factor_state(user=user)
        request.session.save()
        services.session_open(
            user=user,
            session_key=request.session.session_key or "",
            ip=ip,
            user_agent=_user_agent(request),
        )
        if request.session.get(two_factor.SESSION_KEY) == two_factor.PENDING:
            return redirect("accounts:two_factor")
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = ""
        if user.must_change_password:
            return redirect("accounts:password_change")
        return redirect(target or "core:home")


class TwoFactorView(ScopedView):
    """The second step of signing in: set up the authenticator the first time, then a code."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(two_factor.SESSION_KEY) != two_factor.PENDING:
            return redirect("core:home")
        return self._render(request, TwoFactorForm())

    def _render(self, request: HttpRequest, form: TwoFactorForm) -> HttpResponse:
        user = cast(User, request.user)
        if two_factor.two_factor_enrolled(user=user):
            return render(request, "accounts/two_factor_verify.html", {"form": form})
        secret = request.session.get(two_factor.PENDING_SECRET) or two_factor.new_secret()
        request.session[two_factor.PENDING_SECRET] = secret
        context = {
            "form": form,
            "qr": qr_svg(two_factor.provisioning_url(user=user, secret=secret)),
            "secret": two_factor.secret_for_typing(secret),
        }
        return render(request, "accounts/two_factor_enrol.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(two_factor.SESSION_KEY) != two_factor.PENDING:
            return redirect("core:home")
        user = cast(User, request.user)
        form = TwoFactorForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        token = form.cleaned_data["token"]
        if not two_factor.two_factor_enrolled(user=user):
            secret = str(request.session.get(two_factor.PENDING_SECRET, ""))
            try:
                codes = two_factor.two_factor_enrol(user=user, secret=secret, token=token)
            except DomainError as exc:
                apply_domain_error(form, exc)
                return self._render(request, form)
            request.session.pop(two_factor.PENDING_SECRET, None)
            request.session[two_factor.SESSION_KEY] = two_factor.VERIFIED
            # Shown this once: no page offers them again.
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
        accepted, left = two_factor.two_factor_verify(
            user=user, token=token, ip=request_ip(request), user_agent=_user_agent(request)
        )
        if not accepted:
            form.add_error("token", _("The code is wrong or has expired."))
            return self._render(request, form)
        request.session[two_factor.SESSION_KEY] = two_factor.VERIFIED
        if left is not None:
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)s are left. "
                    "A security administrator can reset your second factor."
                )
                % {"left": left},
            )
        return redirect("core:home")


class TwoFactorResetView(ScopedView):
    permission = perms.MANAGE_SESSIONS

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            user = two_factor.two_factor_reset(
                actor=request.user, username=request.POST.get("username", "")
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The second factor of %(name)s was reset; they set up a new one at sign-in.")
                % {"name": user.username},
            )
        return redirect("accounts:sessions")


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
                old_key = request.session.session_key or ""
                update_session_auth_hash(request, user)  # a new session key, the same session
                services.session_rekey(old_key=old_key, new_key=request.session.session_key or "")
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


def _decide(
    request: HttpRequest, decide: Callable[..., object], approved: str, queue: str
) -> HttpResponse:
    """A second person's decision on a request: approve or reject (with a reason), the
    service's refusal or its outcome in the message bar, back to the queue."""
    approve = {"approve": True, "reject": False}.get(request.POST.get("decision", ""))
    if approve is None:
        messages.error(request, _("Choose to approve or to reject."))
        return redirect(queue)
    try:
        decide(approve=approve, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, approved if approve else _("The request was rejected."))
    return redirect(queue)


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
        return _decide(
            request,
            partial(services.grant_request_decide, actor=request.user, request=grant_request),
            _("Approved; the grant is in effect."),
            "accounts:grant_requests",
        )


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
        return _decide(
            request,
            partial(services.password_reset_request_decide, actor=request.user, request=reset),
            _("Approved; the password was reset."),
            "accounts:reset_requests",
        )
