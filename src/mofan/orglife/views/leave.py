"""Leave requests: asked by a member, decided by the organiser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mofan.core import access
from mofan.core.views import ScopedView, act
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.workflows import ATTENDANCE


class LeaveRequestView(ScopedView):
    """A member asks for leave from a meeting they are expected at (404 for any other)."""

    permission = access.PARTY_MEMBER

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.attendee_meeting_get(user=request.user, pk=meeting_id)
        return act(
            request,
            lambda: services.leave_request(
                user=request.user, meeting=meeting, reason=request.POST.get("reason", "")
            ),
            done=ATTENDANCE["leave_request"].message,
            to=reverse("orglife:mine"),
        )


class LeaveDecideView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, attendance_id: int) -> HttpResponse:
        attendance = selectors.attendance_get(actor=request.user, pk=attendance_id)
        return act(
            request,
            lambda: services.leave_decide(
                actor=request.user,
                attendance=attendance,
                approve=request.POST.get("approve") == "1",
            ),
            done="",  # the attendance list shows the decision
            to=reverse("orglife:detail", kwargs={"meeting_id": attendance.meeting_id}),
        )
