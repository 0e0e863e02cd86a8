"""Login security for the security administrator: the login log, open sessions, lockouts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.core.views import ScopedView, act, paginate


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
        return act(
            request,
            lambda: services.session_end(actor=request.user, tracked=tracked),
            done=_("The session of %(name)s was ended.") % {"name": tracked.user.username},
            to="accounts:sessions",
        )


class UnlockView(ScopedView):
    permission = perms.MANAGE_SESSIONS

    def post(self, request: HttpRequest) -> HttpResponse:
        username = request.POST.get("username", "").strip()
        return act(
            request,
            lambda: services.account_unlock(actor=request.user, username=username),
            done=_("The account %(name)s was unlocked.") % {"name": username},
            to="accounts:sessions",
        )
