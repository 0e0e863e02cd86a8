"""Meeting pages: the list and its export, scheduling, one meeting, held or cancelled."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_response
from mofan.core.views import FormPageView, ScopedView, act, paginate, query_without_page
from mofan.orglife import permissions as perms
from mofan.orglife import policies, selectors, services
from mofan.orglife.forms import (
    AttachmentForm,
    MeetingForm,
    ResolutionForm,
    ReviewForm,
)
from mofan.orglife.models import MeetingKind, MeetingStatus
from mofan.orglife.views.filters import meeting_filters, wall_clock
from mofan.orglife.workflows import LOCKED_STATES
from mofan.orgs.selectors import org_get


class MeetingListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, kind, org = meeting_filters(request)
        meetings = selectors.meeting_list(actor=request.user, org=org, kind=kind, year=year)
        return render(
            request,
            "orglife/list.html",
            {
                "page": paginate(request, meetings),
                "year": year,
                "kind": kind,
                "org": org,
                "kinds": MeetingKind.choices,
                "query": query_without_page(request),
                "can_manage": access.has_permission(request.user, perms.MANAGE_MEETINGS),
            },
        )


class MeetingExportView(ScopedView):
    """The 三会一课 ledger: exactly the filtered meeting list, as an Excel sheet."""

    permission = perms.VIEW
    max_rows = 100_000

    def get(self, request: HttpRequest) -> HttpResponse:
        year, kind, org = meeting_filters(request)
        meetings = selectors.meeting_list(actor=request.user, org=org, kind=kind, year=year)
        header = [
            _("Starts at"),
            _("Ends at"),
            _("Organisation"),
            _("Kind"),
            _("Topic"),
            _("Place"),
            _("Host"),
            _("Recorder"),
            _("Expected"),
            _("Attended"),
            _("On leave"),
            _("Absent"),
            _("Meeting status"),
            _("Late entry"),
            _("Review state"),
        ]
        yes = _("Yes")

        def row(m: Any) -> list[Any]:  # a meeting of the list, with its attendance counts
            return [
                wall_clock(m.starts_at),
                wall_clock(m.ends_at),
                m.org.name,
                m.get_kind_display(),
                m.topic,
                m.place,
                m.host.full_name if m.host else "",
                m.recorder.full_name if m.recorder else "",
                m.n_expected,
                m.n_present,
                m.n_leave,
                m.n_absent,
                m.get_status_display(),
                yes if m.is_late_entry else "",
                m.get_review_state_display(),
            ]

        body = (row(m) for m in meetings[: self.max_rows].iterator(chunk_size=2000))
        name = f"三会一课-{year}" + (f"-{org.name}" if org else "") + ".xlsx"
        return xlsx_response(_("Meetings"), header, body, filename=name)


class MeetingCreateView(FormPageView):
    permission = perms.MANAGE_MEETINGS
    template_name = "orglife/form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return MeetingForm(data, actor=request.user, initial={"org": request.GET.get("org")})

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE_MEETINGS)
        meeting = services.meeting_schedule(
            actor=request.user,
            org=org,
            kind=data["kind"],
            topic=data["topic"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            agenda=data["agenda"],
        )
        message = scheduled_message(meeting, _("The meeting was scheduled for %(n)d attendees."))
        return message, reverse("orglife:detail", kwargs={"meeting_id": meeting.pk})


def scheduled_message(meeting: Any, text: str) -> str:
    """`text` (with %(n)d for the attendees), noting a meeting dated in the past as 补录."""
    note = (
        _(" It is dated in the past and is marked as a late entry (补录).")
        if meeting.is_late_entry
        else ""
    )
    return text % {"n": meeting.attendances.count()} + note


class MeetingDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(actor=request.user, pk=meeting_id)
        attendances = list(selectors.attendance_list(meeting=meeting))
        counts: dict[str, int] = {}
        for row in attendances:
            counts[row.status] = counts.get(row.status, 0) + 1
        return render(
            request,
            "orglife/detail.html",
            {
                "quorum": services.quorum(meeting=meeting)
                if meeting.kind == MeetingKind.GENERAL_ASSEMBLY
                else None,
                "resolutions": meeting.resolutions.all(),
                "resolution_form": ResolutionForm(),
                "meeting": meeting,
                "attendances": attendances,
                "counts": counts,
                "can_manage": policies.manages(request.user, meeting),
                "editable": meeting.review_state not in LOCKED_STATES,
                "is_over": meeting.ends_at < timezone.now(),
                "can_review": policies.reviews_from_above(request.user, meeting),
                "review_steps": selectors.review_steps(meeting=meeting),
                "review_form": ReviewForm(),
                "attachments": selectors.attachment_list(meeting=meeting),
                "attachment_form": AttachmentForm(),
            },
        )


class MeetingStatusView(ScopedView):
    """The organiser's buttons: held or cancelled (the steps of `workflows.MEETING`)."""

    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        status = request.POST.get("status", "")

        def change() -> Any:
            if status not in MeetingStatus.values:
                raise DomainError(_("Choose held or cancelled."))
            return services.meeting_set_status(actor=request.user, meeting=meeting, status=status)

        return act(
            request,
            change,
            done="",  # the page shows the new status
            to=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
        )
