"""The minutes of a meeting, its resolutions and the minutes as a Word file."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core.errors import DomainError
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.documents import minutes_docx
from mofan.orglife.forms import (
    MinutesForm,
    ResolutionForm,
)


class MinutesView(FormPageView):
    permission = perms.MANAGE_MEETINGS
    template_name = "orglife/minutes.html"

    def load_subject(self, request: HttpRequest) -> Any:
        return selectors.meeting_get(
            actor=request.user, pk=self.kwargs["meeting_id"], permission=perms.MANAGE_MEETINGS
        )

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        meeting = self.subject(request)
        return MinutesForm(
            data,
            people=selectors.host_choices(meeting=meeting),
            initial={
                "minutes": meeting.minutes,
                "host": meeting.host_id,
                "recorder": meeting.recorder_id,
            },
        )

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"meeting": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        meeting, data = self.subject(request), form.cleaned_data
        chosen = selectors.members_by_pk([data["host"], data["recorder"]])
        for field in ("host", "recorder"):
            if data[field] and data[field] not in chosen:
                raise DomainError({field: _("Choose someone from the list.")})
        services.minutes_save(
            actor=request.user,
            meeting=meeting,
            minutes=data["minutes"],
            host=chosen.get(data["host"]) if data["host"] else None,
            recorder=chosen.get(data["recorder"]) if data["recorder"] else None,
        )
        return _("The minutes were saved."), reverse(
            "orglife:detail", kwargs={"meeting_id": meeting.pk}
        )


class ResolutionView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        form = ResolutionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the resolution and the votes."))
            return redirect("orglife:detail", meeting_id=meeting.pk)
        return act(
            request,
            lambda: services.resolution_record(
                actor=request.user, meeting=meeting, **form.cleaned_data
            ),
            done=lambda resolution: (
                _("The resolution was passed.")
                if resolution.passed
                else _("The resolution was not passed.")
            ),
            to=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
        )


class MinutesDocxView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(actor=request.user, pk=meeting_id)
        response = HttpResponse(
            minutes_docx(meeting),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = quote(f"{meeting.topic}-会议记录.docx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
