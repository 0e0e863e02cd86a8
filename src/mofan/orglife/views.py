from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, checkin
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    apply_domain_error,
    paginate,
    query_without_page,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.documents import minutes_docx
from mofan.orglife.forms import (
    AppraisalOpenForm,
    AttachmentForm,
    AttendanceForm,
    HeartTalkForm,
    MeetingForm,
    MinutesForm,
    ResolutionForm,
    ReviewForm,
    SelfAssessmentForm,
    TalkFilterForm,
)
from mofan.orglife.models import AppraisalGrade, MeetingKind, MeetingStatus, ReviewState
from mofan.orgs.models import OrgKind
from mofan.orgs.selectors import org_get


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def _org(request: HttpRequest) -> Any:
    """The `org` filter, within the actor's scope (404 otherwise), or None."""
    if request.GET.get("org", "").isdigit():
        return org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
    return None


def _meeting_filters(request: HttpRequest) -> tuple[int, str, Any]:
    kind = request.GET.get("kind", "")
    return _year(request), kind if kind in MeetingKind.values else "", _org(request)


def _local(moment: Any) -> Any:
    """An instant as the local wall-clock time a spreadsheet cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None)


class MeetingListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, kind, org = _meeting_filters(request)
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
        year, kind, org = _meeting_filters(request)
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
                _local(m.starts_at),
                _local(m.ends_at),
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
                "can_manage": access.can(request.user, perms.MANAGE_MEETINGS, meeting.org),
                "editable": meeting.review_state not in services.LOCKED_STATES,
                "is_over": meeting.ends_at < timezone.now(),
                "can_review": access.can_from_above(
                    request.user, perms.REVIEW_MEETINGS, meeting.org
                ),
                "review_steps": selectors.review_steps(meeting=meeting),
                "review_form": ReviewForm(),
                "attachments": selectors.attachment_list(meeting=meeting),
                "attachment_form": AttachmentForm(),
            },
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
        try:
            _attendance, changed = services.attendance_record(
                actor=request.user,
                meeting=meeting,
                member=row.member,
                status=data["status"],
                leave_reason=data["leave_reason"],
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if not changed:
                messages.info(
                    request, _("%(name)s: already recorded.") % {"name": row.member.full_name}
                )
        return redirect("orglife:detail", meeting_id=meeting.pk)


class MeetingStatusView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        status = request.POST.get("status", "")
        try:
            if status not in MeetingStatus.values:
                raise DomainError(_("Choose held or cancelled."))
            services.meeting_set_status(actor=request.user, meeting=meeting, status=status)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("orglife:detail", meeting_id=meeting.pk)


class ComplianceView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, org = _year(request), _org(request)
        today = timezone.localdate()
        rows = selectors.compliance(actor=request.user, under=org, year=year, today=today)
        totals = {
            status: sum(r.count(status, today) for r in rows)
            for status in ("met", "due", "overdue")
        }
        context: dict[str, Any] = {
            "year": year,
            "org": org,
            "totals": totals,
            "query": query_without_page(request),
        }
        if request.GET.get("view") == "months":
            table = [
                (row.org, [(m, selectors.month_status(row, m, year, today)) for m in range(1, 13)])
                for row in rows
            ]
            context |= {"page": paginate(request, table, 50), "months": range(1, 13)}
            return render(request, "orglife/compliance_months.html", context)
        kinds = [k for k in MeetingKind.values if any(k in r.cells for r in rows)]
        by_kind = [
            (
                row.org,
                [(kind, row.summary(kind, today) if kind in row.cells else None) for kind in kinds],
            )
            for row in rows
        ]
        context |= {
            "page": paginate(request, by_kind, 50),
            "kinds": [(k, MeetingKind(k).label) for k in kinds],
        }
        return render(request, "orglife/compliance.html", context)


class ComplianceExportView(ScopedView):
    """达标情况 as an Excel sheet: one row per organisation and kind of meeting, with the
    periods met, required so far and overdue (the year and organisation filters applied)."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, org = _year(request), _org(request)
        today = timezone.localdate()
        rows = selectors.compliance(actor=request.user, under=org, year=year, today=today)
        header = [
            _("Organisation"),
            _("Kind"),
            _("Periods met"),
            _("Periods so far"),
            _("Periods overdue"),
        ]
        body = [
            [row.org.name, str(MeetingKind(kind).label), *row.summary(kind, today)]
            for row in rows
            for kind in MeetingKind.values
            if kind in row.cells
        ]
        name = f"达标情况-{year}" + (f"-{org.name}" if org else "") + ".xlsx"
        return xlsx_response(_("Compliance"), header, body, filename=name)


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

    permission = access.AUTHENTICATED

    def _meeting(self, token: str) -> Any:
        meeting_id = checkin.read_token(token, kind=CHECKIN_KIND)
        from mofan.orglife.models import Meeting

        meeting = Meeting.objects.select_related("org").filter(pk=meeting_id).first()
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


class MyMeetingsView(ScopedView):
    """我的待办: a member's meetings, with leave requests and how to check in."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        from mofan.orglife.models import CalendarFeed

        access.require_party_member(request.user)
        rows = selectors.my_meetings(user=request.user)
        feed = CalendarFeed.objects.filter(user_id=int(request.user.pk or 0)).first()
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
        from mofan.members.models import Member

        meeting, data = self.subject(request), form.cleaned_data
        chosen = Member.objects.select_related("org").in_bulk(
            [pk for pk in (data["host"], data["recorder"]) if pk]
        )
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
        try:
            resolution = services.resolution_record(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The resolution was passed.")
                if resolution.passed
                else _("The resolution was not passed."),
            )
        return redirect("orglife:detail", meeting_id=meeting.pk)


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


class CalendarResetView(ScopedView):
    permission = access.AUTHENTICATED

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
        from mofan.orglife.calendar import ics
        from mofan.orglife.models import CalendarFeed

        feed = CalendarFeed.objects.select_related("user").filter(token=feed_token).first()
        if feed is None or not feed.user.is_active:
            raise Http404
        meetings = [row.meeting for row in selectors.my_meetings(user=feed.user)]
        return HttpResponse(
            ics(meetings, host=request.get_host()), content_type="text/calendar; charset=utf-8"
        )


class MeetingSubmitView(ScopedView):
    """The branch sends a held meeting's record to the level above."""

    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        try:
            services.meeting_submit(actor=request.user, meeting=meeting)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Submitted to the level above."))
        return redirect("orglife:detail", meeting_id=meeting.pk)


class MeetingReviewView(ScopedView):
    """审阅 (acknowledge) or 审核 (approve, or return with a comment) from the level above."""

    permission = perms.REVIEW_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.REVIEW_MEETINGS
        )
        if not access.can_from_above(request.user, perms.REVIEW_MEETINGS, meeting.org):
            raise Http404
        form = ReviewForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        decision = request.POST.get("decision", "")
        try:
            if decision == "acknowledge":
                services.meeting_acknowledge(actor=request.user, meeting=meeting, comment=comment)
            elif decision in {"approve", "return"}:
                services.meeting_review(
                    actor=request.user,
                    meeting=meeting,
                    approve=decision == "approve",
                    comment=comment,
                )
            else:
                raise DomainError(_("Choose acknowledge, approve or return."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded."))
            return redirect(f"{reverse('orglife:reviews')}")
        return redirect("orglife:detail", meeting_id=meeting.pk)


class ReviewQueueView(ScopedView):
    permission = perms.REVIEW_MEETINGS

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", ReviewState.SUBMITTED)
        state = state if state in ReviewState.values else ReviewState.SUBMITTED
        page = paginate(request, selectors.review_queue(actor=request.user, state=state))
        return render(
            request,
            "orglife/reviews.html",
            {
                "page": page,
                "state": state,
                "states": [(s, label) for s, label in ReviewState.choices],
                "query": query_without_page(request),
            },
        )


class AttachmentUploadView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        form = AttachmentForm(request.POST, request.FILES)
        try:
            services.attachment_add(
                actor=request.user,
                meeting=meeting,
                upload=request.FILES.get("file"),
                caption=form.data.get("caption", ""),
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attachment kept."))
        return redirect(f"{reverse('orglife:detail', args=[meeting.pk])}#attachments")


class AttachmentFileView(ScopedView):
    """The file itself, for whoever may see the meeting. Images and PDFs open in the browser;
    the stored type (checked at upload) is the one sent."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, attachment_id: int) -> HttpResponseBase:
        attachment = selectors.attachment_get(actor=request.user, pk=attachment_id)
        return stored_file_response(attachment.file, attachment.content_type, attachment.name)


class AttachmentRemoveView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, attachment_id: int) -> HttpResponse:
        attachment = selectors.attachment_get(
            actor=request.user, pk=attachment_id, permission=perms.MANAGE_MEETINGS
        )
        try:
            services.attachment_remove(actor=request.user, attachment=attachment)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('orglife:detail', args=[attachment.meeting_id])}#attachments")


# ---- Yearly processes -----------------------------------------------------------------------


class AppraisalListView(ScopedView):
    """民主评议党员: the year's appraisals in scope, and opening one for a branch."""

    permission = perms.VIEW

    def _render(self, request: HttpRequest, year: int, form: AppraisalOpenForm) -> HttpResponse:
        return render(
            request,
            "orglife/appraisals.html",
            {
                "year": year,
                "rows": selectors.appraisal_list(actor=request.user, year=year),
                "form": form,
                "can_manage": access.has_permission(request.user, perms.MANAGE_MEETINGS),
                "tab": "appraisals",
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        form = AppraisalOpenForm(actor=request.user, initial={"year": year})
        return self._render(request, year, form)


class AppraisalOpenView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppraisalOpenForm(request.POST, actor=request.user)
        year = _year(request)
        if form.is_valid():
            data = form.cleaned_data
            org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE_MEETINGS)
            try:
                appraisal = services.appraisal_open(actor=request.user, org=org, year=data["year"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The appraisal is open; members have been told."))
                return redirect("orglife:appraisal", appraisal_id=appraisal.pk)
        return AppraisalListView()._render(request, year, form)


class AppraisalDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, appraisal_id: int) -> HttpResponse:
        appraisal = selectors.appraisal_get(actor=request.user, pk=appraisal_id)
        entries = list(selectors.appraisal_entries(appraisal=appraisal))
        graded = [e for e in entries if not e.probationary]
        return render(
            request,
            "orglife/appraisal.html",
            {
                "appraisal": appraisal,
                "entries": entries,
                "grades": AppraisalGrade.choices,
                "excellent_limit": services.excellent_limit(len(graded)),
                "graded": len(graded),
                "can_manage": access.can(request.user, perms.MANAGE_MEETINGS, appraisal.org),
                "tab": "appraisals",
            },
        )


class AppraisalGradesView(ScopedView):
    """The committee's proposals saved, or the grades decided and the appraisal concluded."""

    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, appraisal_id: int) -> HttpResponse:
        appraisal = selectors.appraisal_get(
            actor=request.user, pk=appraisal_id, permission=perms.MANAGE_MEETINGS
        )
        entries = list(appraisal.entries.select_related("member"))
        chosen = {
            e.pk: request.POST.get(f"grade-{e.pk}", "")
            for e in entries
            if request.POST.get(f"grade-{e.pk}", "") in {"", *AppraisalGrade.values}
        }
        try:
            if request.POST.get("action") == "conclude":
                services.appraisal_conclude(
                    actor=request.user,
                    appraisal=appraisal,
                    grades={pk: grade for pk, grade in chosen.items() if grade},
                )
                messages.success(request, _("The grades are decided and the appraisal concluded."))
            else:
                changed = 0
                for entry in entries:
                    if entry.probationary or entry.pk not in chosen:
                        continue
                    if chosen[entry.pk] != entry.proposed_grade:
                        services.appraisal_propose(
                            actor=request.user, entry=entry, grade=chosen[entry.pk]
                        )
                        changed += 1
                messages.success(
                    request, _("%(n)d proposals of the committee saved.") % {"n": changed}
                )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("orglife:appraisal", appraisal_id=appraisal.pk)


class MyAppraisalView(ScopedView):
    """The member's side: self-assessment and assessing the others (self-service)."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        access.require_party_member(request.user)
        mine = selectors.my_appraisals(user=request.user)
        forms_ = [
            (item, SelfAssessmentForm(initial={"text": item.entry.self_assessment}))
            for item in mine
        ]
        return render(
            request,
            "orglife/my_appraisal.html",
            {"items": forms_, "grades": AppraisalGrade.choices},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        mine = {item.entry.pk: item for item in selectors.my_appraisals(user=request.user)}
        raw = request.POST.get("entry", "")
        item = mine.get(int(raw)) if raw.isdigit() else None
        if item is None:
            raise Http404
        try:
            if request.POST.get("action") == "self":
                form = SelfAssessmentForm(request.POST)
                services.self_assessment_save(
                    user=request.user,
                    entry=item.entry,
                    text=form.data.get("text", ""),
                )
                messages.success(request, _("Your self-assessment is saved."))
            else:
                saved = 0
                for peer, given in item.peers:
                    grade = request.POST.get(f"peer-{peer.pk}", "")
                    if grade and grade != given:
                        services.peer_rate(user=request.user, entry=peer, grade=grade)
                        saved += 1
                messages.success(request, _("%(n)d assessments saved.") % {"n": saved})
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("orglife:my_appraisal")


class HeartTalkListView(ScopedView):
    """谈心谈话: the talks in scope for a year; for a branch, how far they reach."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        org = None
        if request.GET.get("org", "").isdigit():
            org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
        coverage = (
            selectors.talk_coverage(org=org, year=year)
            if org is not None and org.kind == OrgKind.BRANCH
            else None
        )
        page = paginate(request, selectors.talk_list(actor=request.user, org=org, year=year))
        form = TalkFilterForm(
            {"org": org.pk if org else "", "year": year}, actor=request.user, chosen=org
        )
        return render(
            request,
            "orglife/talks.html",
            {
                "year": year,
                "org": org,
                "page": page,
                "coverage": coverage,
                "form": form,
                "query": query_without_page(request),
                "can_record": org is not None
                and org.kind == OrgKind.BRANCH
                and access.can(request.user, perms.MANAGE_MEETINGS, org),
                "tab": "talks",
            },
        )


class HeartTalkCreateView(FormPageView):
    permission = perms.MANAGE_MEETINGS
    template_name = "orglife/talk_form.html"

    def load_subject(self, request: HttpRequest) -> Any:
        return org_get(
            actor=request.user, pk=self.kwargs["org_id"], permission=perms.MANAGE_MEETINGS
        )

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        from mofan.members.models import Member

        people = list(
            Member.objects.filter(org=self.subject(request), archived_at__isnull=True)
            .order_by("name_pinyin")
            .values_list("pk", "full_name")
        )
        return HeartTalkForm(data, people=people, initial={"talked_on": timezone.localdate()})

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"org": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        from mofan.members.models import Member

        org, data = self.subject(request), form.cleaned_data
        people = Member.objects.in_bulk([data["initiator"], data["counterpart"]])
        services.heart_talk_record(
            actor=request.user,
            org=org,
            initiator=people[data["initiator"]],
            counterpart=people[data["counterpart"]],
            talked_on=data["talked_on"],
            summary=data["summary"],
        )
        return (
            _("The talk is recorded."),
            f"{reverse('orglife:talks')}?org={org.pk}&year={data['talked_on'].year}",
        )


class DualLifeView(ScopedView):
    """双重组织生活: leading cadres' attendance at their own branch and group."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        rows = selectors.dual_life(actor=request.user, under=None, year=year)
        return render(
            request,
            "orglife/dual_life.html",
            {"year": year, "rows": rows, "tab": "dual_life"},
        )
