"""Leave requests: asked by a member, decided by the organiser."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    ScopedView,
)
from mofan.orglife import permissions as perms
from mofan.orglife import services


class LeaveRequestView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        from mofan.orglife.models import Meeting

        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            raise Http404
        try:
            services.leave_request(
                user=request.user, meeting=meeting, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your leave request was sent to the organiser."))
        return redirect("orglife:mine")


class LeaveDecideView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, attendance_id: int) -> HttpResponse:
        from mofan.orglife.models import Attendance

        attendance = access.get_for_actor(
            Attendance.objects.select_related("meeting"),
            request.user,
            perms.MANAGE_MEETINGS,
            pk=attendance_id,
        )
        try:
            services.leave_decide(
                actor=request.user,
                attendance=attendance,
                approve=request.POST.get("approve") == "1",
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("orglife:detail", meeting_id=attendance.meeting_id)
