"""Second-person decisions on grant and password reset requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts import selectors, services
from mofan.core.views import ScopedView, act


def _decide(
    request: HttpRequest, decide: Callable[..., object], approved: str, queue: str
) -> HttpResponse:
    """A second person's decision on a request: approve or reject (with a reason), the
    service's refusal or its outcome in the message bar, back to the queue."""
    approve = {"approve": True, "reject": False}.get(request.POST.get("decision", ""))
    if approve is None:
        messages.error(request, _("Choose to approve or to reject."))
        return redirect(queue)
    return act(
        request,
        lambda: decide(approve=approve, reason=request.POST.get("reason", "")),
        done=approved if approve else _("The request was rejected."),
        to=queue,
    )


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
