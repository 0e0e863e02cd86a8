"""The pages of 在职党员进社区报到: registering, the community's roster, tasks, evaluations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    ScopedView,
)
from mofan.orgs.models import PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.forms import (
    EvaluationForm,
    TaskAssignForm,
    TaskReportForm,
)
from mofan.volunteer.models import (
    CommunityRegistration,
    EvaluationGrade,
    RegistrationTask,
)
from mofan.volunteer.views.common import year_of


class RegisterView(ScopedView):
    """在职党员进社区报到: the member registers with their community (self-service)."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("community", "")
        community = PartnerUnit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        try:
            if community is None:
                raise DomainError(_("Choose your community."))
            services.registration_submit(user=request.user, community=community)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Registered; the community will confirm."))
        return redirect("volunteer:mine")


class RegistrationDecideView(ScopedView):
    """The community's contact (or staff) confirms or declines a registration."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = (
            CommunityRegistration.objects.filter(pk=registration_id)
            .select_related("community", "community__org")
            .first()
        )
        if registration is None or not (
            access.is_partner_contact(request.user, registration.community)
            or access.can(request.user, perms.REVIEW_WISHES, registration.community.org)
        ):
            raise Http404
        try:
            services.registration_decide(
                actor=request.user,
                registration=registration,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded."))
        return redirect("volunteer:mine")


class RegistrationStatsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.registration_stats(actor=request.user)
        year = year_of(request)
        return render(
            request,
            "volunteer/registrations.html",
            {
                "rows": rows,
                "year": year,
                "communities": selectors.community_registration_stats(
                    actor=request.user, year=year
                ),
                "members": sum(r.members for r in rows),
                "registered": sum(r.registered for r in rows),
            },
        )


# ---- The community's side of registration: tasks and the yearly evaluation ---------------------


def _community_or_404(request: HttpRequest, community: PartnerUnit | None) -> PartnerUnit:
    """A community the user acts for (its contact) or looks after (volunteering in scope)."""
    if community is None or not (
        access.is_partner_contact(request.user, community)
        or access.can(request.user, perms.VIEW, community.org)
    ):
        raise Http404
    return community


class CommunityView(ScopedView):
    """The members registered with a community: their open tasks, the year's hours against
    the target, and the yearly evaluation."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, community_id: int) -> HttpResponse:
        community = _community_or_404(
            request,
            PartnerUnit.objects.filter(pk=community_id).select_related("org").first(),
        )
        year = year_of(request)
        can_act = access.is_partner_contact(request.user, community) or access.can(
            request.user, perms.REVIEW_WISHES, community.org
        )
        this_year = timezone.localdate().year
        return render(
            request,
            "volunteer/community.html",
            {
                "community": community,
                "year": year,
                "years": list(range(this_year, this_year - 4, -1)),
                "rows": selectors.community_roster(community=community, year=year),
                "can_act": can_act,
                "grades": EvaluationGrade.choices,
                "assign_form": TaskAssignForm(),
            },
        )


def _registration_for_community(request: HttpRequest, registration_id: int) -> Any:
    registration = (
        CommunityRegistration.objects.filter(pk=registration_id)
        .select_related("community", "community__org")
        .first()
    )
    if registration is None:
        raise Http404
    _community_or_404(request, registration.community)
    return registration


class TaskAssignView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = _registration_for_community(request, registration_id)
        form = TaskAssignForm(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(form.errors)
            services.registration_task_assign(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The task is given; the member is told."))
        return redirect("volunteer:community", registration.community_id)


class EvaluateView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = _registration_for_community(request, registration_id)
        form = EvaluationForm(request.POST)
        year = request.POST.get("year", "")
        try:
            if not form.is_valid():
                raise DomainError(form.errors)
            services.registration_evaluate(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The evaluation is recorded."))
        url = reverse("volunteer:community", args=[registration.community_id])
        return redirect(f"{url}?year={year}" if year.isdigit() else url)


class TaskStepView(ScopedView):
    """One step of a community task: the member reports it done; the community confirms,
    returns or cancels it."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, task_id: int, step: str) -> HttpResponse:
        task = (
            RegistrationTask.objects.filter(pk=task_id)
            .select_related("registration__community__org", "registration__member")
            .first()
        )
        if task is None or step not in {"report", "confirm", "return", "cancel"}:
            raise Http404
        community = task.registration.community
        if step == "report":
            if task.registration.member.user_id != request.user.pk:
                raise Http404
            back = reverse("volunteer:mine")
        else:
            _community_or_404(request, community)
            back = reverse("volunteer:community", args=[community.pk])
        try:
            if step == "report":
                form = TaskReportForm(request.POST)
                if not form.is_valid():
                    raise DomainError(form.errors)
                services.registration_task_report(user=request.user, task=task, **form.cleaned_data)
            elif step == "cancel":
                services.registration_task_cancel(
                    actor=request.user, task=task, note=request.POST.get("note", "")
                )
            else:
                services.registration_task_decide(
                    actor=request.user,
                    task=task,
                    confirm=step == "confirm",
                    note=request.POST.get("note", ""),
                )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded."))
        return redirect(back)
