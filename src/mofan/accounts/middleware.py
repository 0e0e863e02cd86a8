from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import two_factor
from mofan.accounts.services import session_close, session_touch

LAST_ACTIVITY = "mofan_last_activity"
LAST_TOUCH = "mofan_last_touch"
SIGNED_IN_AT = "mofan_signed_in_at"
TOUCH_EVERY_SECONDS = 60


def password_expired(user: Any, now: datetime) -> bool:
    if not settings.PASSWORD_MAX_AGE:
        return False
    changed = getattr(user, "password_changed_at", None) or getattr(user, "date_joined", None)
    return changed is not None and now - changed > settings.PASSWORD_MAX_AGE


class SessionSecurityMiddleware:
    """Idle timeout, absolute session lifetime, the second factor, forced password change,
    and the online-users record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            last_raw = request.session.get(LAST_ACTIVITY)
            last = datetime.fromisoformat(last_raw) if last_raw else now
            key = request.session.session_key or ""
            signed_in_raw = request.session.get(SIGNED_IN_AT)
            if not signed_in_raw:
                # A session opened without the sign-in form counts from its first request.
                request.session[SIGNED_IN_AT] = now.isoformat()
            elif now - datetime.fromisoformat(signed_in_raw) > settings.MOFAN_SESSION_MAX_AGE:
                logout(request)
                session_close(session_key=key, reason="session lifetime")
                messages.info(
                    request,
                    _("You were signed out: a session lasts at most %(hours)s hours.")
                    % {"hours": int(settings.MOFAN_SESSION_MAX_AGE.total_seconds() // 3600)},
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - last > settings.IDLE_TIMEOUT:
                logout(request)
                session_close(session_key=key, reason="idle timeout")
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            # Activity is written at most once a minute, so that most requests leave the
            # session unchanged and do not save it (SESSION_SAVE_EVERY_REQUEST is off): one
            # write fewer per request, and on SQLite one fewer wait for the write lock. A user
            # may be signed out up to a minute early, never late.
            if not last_raw or (now - last).total_seconds() >= TOUCH_EVERY_SECONDS:
                request.session[LAST_ACTIVITY] = now.isoformat()
            touched_raw = request.session.get(LAST_TOUCH)
            touched = datetime.fromisoformat(touched_raw) if touched_raw else None
            if touched is None or (now - touched).total_seconds() >= TOUCH_EVERY_SECONDS:
                session_touch(session_key=key)
                request.session[LAST_TOUCH] = now.isoformat()
            static = request.path.startswith(settings.STATIC_URL)
            if settings.MOFAN_ADMIN_2FA and not static:
                state = request.session.get(two_factor.SESSION_KEY)
                if state is None:
                    # A session that did not come through the sign-in form (force_login in a
                    # test, or one older than the rule) is asked for the second factor too.
                    state = two_factor.two_factor_state(user=user)
                    request.session[two_factor.SESSION_KEY] = state
                on_the_way = {reverse("accounts:two_factor"), reverse("accounts:logout")}
                if state == two_factor.PENDING and request.path not in on_the_way:
                    return redirect("accounts:two_factor")
            allowed = {
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                reverse("accounts:two_factor"),
            }
            if request.path not in allowed and not static:
                if getattr(user, "must_change_password", False):
                    return redirect("accounts:password_change")
                if password_expired(user, now):
                    messages.warning(
                        request, _("Your password is older than the rules allow; choose a new one.")
                    )
                    return redirect("accounts:password_change")
        return self.get_response(request)
