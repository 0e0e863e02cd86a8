"""Signing in and out: the password and the second factor, one's own password change."""

from __future__ import annotations

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
    LoginForm,
    PasswordChangeForm,
    TwoFactorForm,
)
from mofan.accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from mofan.accounts.models import User
from mofan.core import access
from mofan.core.checkin import qr_svg
from mofan.core.errors import DomainError
from mofan.core.middleware import request_ip
from mofan.core.views import ScopedView, act, apply_domain_error


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
        return act(
            request,
            lambda: two_factor.two_factor_reset(
                actor=request.user, username=request.POST.get("username", "")
            ),
            done=lambda user: (
                _("The second factor of %(name)s was reset; they set up a new one at sign-in.")
                % {"name": user.username}
            ),
            to="accounts:sessions",
        )


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
