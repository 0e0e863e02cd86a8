"""The pages of volunteer activities: list, form, sign-up, check-in, times and hours."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mofan.core import access, checkin
from mofan.core.errors import DomainError
from mofan.core.exports import local_minutes, wants_xlsx, xlsx_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    paginate,
    query_without_page,
)
from mofan.members.selectors import member_of_user
from mofan.orgs.selectors import org_get
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.forms import (
    ActivityForm,
    HoursCorrectForm,
    TimesForm,
)
from mofan.volunteer.models import (
    Participation,
    ParticipationState,
)
from mofan.volunteer.views.common import EXPORT_MAX_ROWS, year_of
from mofan.volunteer.workflows import ACTIVITY

CHECKIN_KIND = "volunteer.activity"


class ActivityListView(ScopedView):
    """The activities of a year; `?export=xlsx` gives the same list as the 台账 in Excel."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = year_of(request)
        activities = selectors.activity_list(actor=request.user, year=year)
        if wants_xlsx(request):
            return _activities_xlsx(activities[:EXPORT_MAX_ROWS], year)
        page = paginate(request, activities)
        return render(
            request,
            "volunteer/activities.html",
            {
                "page": page,
                "year": year,
                "query": query_without_page(request),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


def _activities_xlsx(activities: Any, year: int) -> HttpResponse:
    now = timezone.now()
    header = [
        _("Starts at"),
        _("Ends at"),
        _("Title"),
        _("Kind"),
        _("Organised by"),
        _("Community or partner served"),
        _("Place"),
        _("Places"),
        _("Signed up"),
        _("On the waiting list"),
        _("Status"),
    ]
    rows = (
        [
            local_minutes(a.starts_at),
            local_minutes(a.ends_at),
            a.title,
            a.kind.name,
            a.org.name,
            a.partner.name if a.partner else "",
            a.place,
            a.capacity,
            a.n_signed,
            a.n_waiting,
            str(a.phase_at(now).label),
        ]
        for a in activities
    )
    return xlsx_response(
        _("Volunteer activities"), header, rows, filename=f"志愿活动台账-{year}.xlsx"
    )


class ActivityCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "volunteer/activity_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ActivityForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        activity = services.activity_create(
            actor=request.user,
            org=org,
            kind=data["kind"],
            title=data["title"],
            place=data["place"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            description=data["description"],
            partner=data["partner"],
            team=data["team"],
            signup_deadline=data["signup_deadline"],
            cancel_deadline=data["cancel_deadline"],
        )
        return _("The activity is published."), reverse("volunteer:activity", args=[activity.pk])


class ActivityView(ScopedView):
    """An activity as a member sees it (sign up, cancel); its organisers also see the roster,
    the check-in code, the times and the hours."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_public(pk=activity_id)
        if activity is None:
            raise Http404
        member = member_of_user(request.user)
        mine = selectors.my_participation(activity=activity, member=member)
        can_manage = access.can(request.user, perms.MANAGE, activity.org)
        can_view = can_manage or access.can(request.user, perms.VIEW, activity.org)
        return render(
            request,
            "volunteer/activity.html",
            {
                "activity": activity,
                "mine": mine,
                "party_member": member is not None,
                "now": timezone.now(),
                "can_manage": can_manage,
                "roster": list(selectors.roster(activity=activity)) if can_view else [],
                "is_over": activity.ends_at < timezone.now(),
            },
        )


class SignupView(ScopedView):
    # A login without a member record is told why on the activity's page (the service's
    # refusal), not shown a 403.
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_public(pk=activity_id)
        if activity is None:
            raise Http404
        # Not `act`: the outcome is said at three levels (a place, the waiting list, already in).
        try:
            participation, changed = services.signup(user=request.user, activity=activity)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if not changed:
                messages.info(request, _("You have already signed up."))
            elif participation.state == ParticipationState.WAITLISTED:
                messages.warning(request, _("The places are taken; you are on the waiting list."))
            else:
                messages.success(request, _("You have a place."))
        return redirect("volunteer:activity", activity_id=activity_id)


class SignupCancelView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        participation = selectors.participation_of_user(user=request.user, activity_id=activity_id)
        return act(
            request,
            lambda: services.signup_cancel(user=request.user, participation=participation),
            done=_("Your sign-up is cancelled."),
            to=reverse("volunteer:activity", args=[activity_id]),
        )


class ActivityCancelView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        reason = request.POST.get("reason", "")
        return act(
            request,
            lambda: services.activity_cancel(actor=request.user, activity=activity, reason=reason),
            done=ACTIVITY["cancel"].message,
            to=reverse("volunteer:activity", args=[activity.pk]),
        )


def _scan_url(request: HttpRequest, activity_id: int) -> str:
    token = checkin.make_token(CHECKIN_KIND, activity_id)
    return request.build_absolute_uri(reverse("volunteer:scan", args=[token]))


class CheckInScreenView(ScopedView):
    """The organiser's screen: one code for checking in and, later, out (it changes every 30
    seconds, as for meetings)."""

    permission = perms.MANAGE

    def get(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        url = _scan_url(request, activity.pk)
        counts = selectors.check_in_counts(activity=activity)
        context = {
            "activity": activity,
            "qr": checkin.qr_svg(url),
            "url": url,
            "seconds": checkin.SLOT_SECONDS,
            "checked_in": counts.checked_in,
            "checked_out": counts.checked_out,
            "expected": counts.expected,
        }
        template = (
            "volunteer/_checkin_qr.html"
            if request.headers.get("HX-Request")
            else "volunteer/checkin_screen.html"
        )
        return render(request, template, context)


class ScanView(ScopedView):
    """Where a member's phone lands after scanning: the first scan checks in, the next out."""

    permission = access.AUTHENTICATED

    def _activity(self, token: str) -> Any:
        activity = selectors.activity_public(pk=checkin.read_token(token, kind=CHECKIN_KIND))
        if activity is None:
            raise DomainError(_("This check-in code is not valid."))
        return activity

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            activity = self._activity(token)
        except DomainError as exc:
            return render(request, "volunteer/scan.html", {"error": " ".join(exc.messages)})
        mine = selectors.my_participation(
            activity=activity, member=member_of_user(request.user), with_cancelled=True
        )
        return render(
            request, "volunteer/scan.html", {"activity": activity, "token": token, "mine": mine}
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            activity = self._activity(token)
            result = services.scan(user=request.user, activity=activity)
        except DomainError as exc:
            return render(request, "volunteer/scan.html", {"error": " ".join(exc.messages)})
        return render(
            request,
            "volunteer/scan.html",
            {"activity": activity, "result": result, "mine": result.participation},
        )


class _ParticipationFormView(ScopedView):
    """An organiser's form about one participant (times, hours): the form, the service, the
    message, back to the roster."""

    permission = perms.MANAGE
    form_class: type[Any]
    invalid: str
    done: str

    def apply(
        self, request: HttpRequest, participation: Participation, data: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, participation_id: int) -> HttpResponse:
        participation = selectors.participation_get(actor=request.user, pk=participation_id)
        form = self.form_class(request.POST)

        def call() -> None:
            # The form sits in a row of the roster: its refusal is said at the top.
            if not form.is_valid():
                raise DomainError(_(self.invalid))
            self.apply(request, participation, form.cleaned_data)

        return act(
            request,
            call,
            done=_(self.done),
            to=f"{reverse('volunteer:activity', args=[participation.activity_id])}#roster",
        )


class TimesView(_ParticipationFormView):
    form_class = TimesForm
    invalid = gettext_noop("Enter the times as date and time.")
    done = gettext_noop("The times are recorded.")

    def apply(
        self, request: HttpRequest, participation: Participation, data: dict[str, Any]
    ) -> None:
        services.times_record(
            actor=request.user,
            participation=participation,
            checked_in_at=data["checked_in_at"],
            checked_out_at=data["checked_out_at"],
            reason=data["reason"],
        )


class HoursCorrectView(_ParticipationFormView):
    form_class = HoursCorrectForm
    invalid = gettext_noop("Enter the hours and the reason.")
    done = gettext_noop("The hours are corrected.")

    def apply(
        self, request: HttpRequest, participation: Participation, data: dict[str, Any]
    ) -> None:
        services.hours_correct(
            actor=request.user,
            participation=participation,
            hours=data["hours"],
            reason=data["reason"],
        )


class HoursConfirmView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        return act(
            request,
            lambda: services.hours_confirm(actor=request.user, activity=activity),
            done=ACTIVITY["close"].message,
            to=f"{reverse('volunteer:activity', args=[activity.pk])}#roster",
        )
