"""A member's own meetings and calendar address."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.views import (
    ScopedView,
)
from mofan.orglife import selectors, services
from mofan.orglife.calendar import ics


class MyMeetingsView(ScopedView):
    """我的待办: a member's meetings, with leave requests and how to check in."""

    permission = access.PARTY_MEMBER

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.my_meetings(user=request.user)
        feed = selectors.calendar_feed_of(user=request.user)
        feed_url = (
            request.build_absolute_uri(reverse("orglife:calendar_feed", args=[feed.token]))
            if feed
            else ""
        )
        return render(
            request,
            "orglife/mine.html",
            {
                "rows": rows,
                "now": timezone.now(),
                "feed_url": feed_url,
                "appraisals": selectors.my_appraisals(user=request.user),
            },
        )


class CalendarResetView(ScopedView):
    """The member's calendar address, renewed (the feed holds their own meetings)."""

    permission = access.PARTY_MEMBER

    def post(self, request: HttpRequest) -> HttpResponse:
        services.calendar_feed_reset(user=request.user)
        messages.success(
            request, _("Your calendar address was renewed; the old one no longer works.")
        )
        return redirect("orglife:mine")


class CalendarFeedView(ScopedView):
    """The secret address a calendar app subscribes to: no sign-in, the token is the key."""

    permission = access.PUBLIC

    def get(self, request: HttpRequest, feed_token: str) -> HttpResponse:
        feed = selectors.calendar_feed_by_token(token=feed_token)
        if feed is None:
            raise Http404
        meetings = [row.meeting for row in selectors.my_meetings(user=feed.user)]
        return HttpResponse(
            ics(meetings, host=request.get_host()), content_type="text/calendar; charset=utf-8"
        )
