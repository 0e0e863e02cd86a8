"""Attendance: the organiser's record and the check-in by QR code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access, checkin
from mofan.core.errors import DomainError
from mofan.core.views import ScopedView, act
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.forms import (
    AttendanceForm,
)


class AttendanceView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose present, on leave or absent."))
            return redirect("orglife:detail", meeting_id=meeting.pk)
        data: dict[str, Any] = form.cleaned_data
        row = meeting.attendances.select_related("member").filter(member_id=data["member"]).first()
        if row is None:
            raise Http404

        def recorded(result: tuple[Any, bool]) -> str:
            # A new record needs no words (the row shows it); a repeat is said, as a note.
            if not result[1]:
                messages.info(
                    request, _("%(name)s: already recorded.") % {"name": row.member.full_name}
                )
            return ""

        return act(
            request,
            lambda: services.attendance_record(
                actor=request.user,
                meeting=meeting,
                member=row.member,
                status=data["status"],
                leave_reason=data["leave_reason"],
            ),
            done=recorded,
            to=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
        )


CHECKIN_KIND = "orglife.meeting"


def _checkin_url(request: HttpRequest, meeting_id: int) -> str:
    token = checkin.make_token(CHECKIN_KIND, meeting_id)
    return request.build_absolute_uri(reverse("orglife:checkin", args=[token]))


class CheckInScreenView(ScopedView):
    """The organiser's screen: a QR code that changes every 30 seconds."""

    permission = perms.MANAGE_MEETINGS

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        url = _checkin_url(request, meeting.pk)
        context = {
            "meeting": meeting,
            "qr": checkin.qr_svg(url),
            "url": url,
            "seconds": checkin.SLOT_SECONDS,
            "present": meeting.attendances.filter(status="present").count(),
            "expected": meeting.attendances.count(),
        }
        template = (
            "orglife/_checkin_qr.html"
            if request.headers.get("HX-Request")
            else "orglife/checkin_screen.html"
        )
        return render(request, template, context)


class CheckInView(ScopedView):
    """Where a member's phone lands after scanning: confirm, and the check-in is recorded."""

    permission = access.PARTY_MEMBER

    def _meeting(self, token: str) -> Any:
        meeting = selectors.checkin_meeting(pk=checkin.read_token(token, kind=CHECKIN_KIND))
        if meeting is None:
            raise DomainError(_("This check-in code is not valid."))
        return meeting

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            meeting = self._meeting(token)
        except DomainError as exc:
            return render(request, "orglife/checkin.html", {"error": " ".join(exc.messages)})
        return render(request, "orglife/checkin.html", {"meeting": meeting, "token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            meeting = self._meeting(token)
            _attendance, counted = services.attendance_self_check_in(
                user=request.user, meeting=meeting
            )
        except DomainError as exc:
            return render(request, "orglife/checkin.html", {"error": " ".join(exc.messages)})
        return render(
            request, "orglife/checkin.html", {"meeting": meeting, "done": True, "counted": counted}
        )
