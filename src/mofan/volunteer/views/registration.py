"""The pages of 在职党员进社区报到: registering, the community's roster, tasks, evaluations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    ScopedView,
    act,
)
from mofan.volunteer import permissions as perms
from mofan.volunteer import policies, selectors, services
from mofan.volunteer.forms import (
    EvaluationForm,
    TaskAssignForm,
    TaskReportForm,
)
from mofan.volunteer.models import (
    EvaluationGrade,
    RegistrationTask,
)
from mofan.volunteer.views.common import year_of
from mofan.volunteer.workflows import TASK


class RegisterView(ScopedView):
    """在职党员进社区报到: the member registers with their community (self-service)."""

    # A login without a member record is told why on the page it came from (the service's
    # refusal), not shown a 403: the button is on a page every login sees.
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("community", "")
        community = selectors.residence_get(pk=int(raw)) if raw.isdigit() else None

        def call() -> Any:
            if community is None:
                raise DomainError(_("Choose your community."))
            return services.registration_submit(user=request.user, community=community)

        return act(
            request,
            call,
            done=_("Registered; the community will confirm."),
            to=reverse("volunteer:mine"),
        )


class RegistrationDecideView(ScopedView):
    """The community's contact (or staff) confirms or declines a registration."""

    # Community contacts hold no grants: the selector finds the registrations they decide.
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = selectors.registration_to_decide_get(user=request.user, pk=registration_id)
        approve = request.POST.get("approve") == "1"
        note = request.POST.get("note", "")
        return act(
            request,
            lambda: services.registration_decide(
                actor=request.user, registration=registration, approve=approve, note=note
            ),
            done=_("Recorded."),
            to=reverse("volunteer:mine"),
        )


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


class CommunityView(ScopedView):
    """The members registered with a community: their open tasks, the year's hours against
    the target, and the yearly evaluation."""

    # Community contacts hold no grants: the selector finds the communities they act for.
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, community_id: int) -> HttpResponse:
        community = selectors.community_get(user=request.user, pk=community_id)
        year = year_of(request)
        this_year = timezone.localdate().year
        return render(
            request,
            "volunteer/community.html",
            {
                "community": community,
                "year": year,
                "years": list(range(this_year, this_year - 4, -1)),
                "rows": selectors.community_roster(community=community, year=year),
                "can_act": policies.acts_for_community(request.user, community),
                "grades": EvaluationGrade.choices,
                "assign_form": TaskAssignForm(),
            },
        )


def _valid(form: Any) -> dict[str, Any]:
    # The form sits in a row of the roster: its errors are said at the top of the page.
    if not form.is_valid():
        raise DomainError(form.errors)
    return dict(form.cleaned_data)


class TaskAssignView(ScopedView):
    permission = access.AUTHENTICATED  # community contacts hold no grants (see CommunityView)

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = selectors.registration_for_community(user=request.user, pk=registration_id)
        form = TaskAssignForm(request.POST)
        return act(
            request,
            lambda: services.registration_task_assign(
                actor=request.user, registration=registration, **_valid(form)
            ),
            done=_("The task is given; the member is told."),
            to=reverse("volunteer:community", args=[registration.community_id]),
        )


class EvaluateView(ScopedView):
    permission = access.AUTHENTICATED  # community contacts hold no grants (see CommunityView)

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = selectors.registration_for_community(user=request.user, pk=registration_id)
        form = EvaluationForm(request.POST)
        year = request.POST.get("year", "")
        url = reverse("volunteer:community", args=[registration.community_id])
        return act(
            request,
            lambda: services.registration_evaluate(
                actor=request.user, registration=registration, **_valid(form)
            ),
            done=_("The evaluation is recorded."),
            to=f"{url}?year={year}" if year.isdigit() else url,
        )


def _report(request: HttpRequest, task: RegistrationTask) -> Any:
    return services.registration_task_report(
        user=request.user, task=task, **_valid(TaskReportForm(request.POST))
    )


# The steps of `workflows.TASK` taken from a page; the member reports, the community the rest.
_TASK_STEPS: dict[str, Callable[[HttpRequest, RegistrationTask], Any]] = {
    "report": _report,
    "cancel": lambda request, task: services.registration_task_cancel(
        actor=request.user, task=task, note=request.POST.get("note", "")
    ),
    "confirm": lambda request, task: services.registration_task_decide(
        actor=request.user, task=task, confirm=True, note=request.POST.get("note", "")
    ),
    "return": lambda request, task: services.registration_task_decide(
        actor=request.user, task=task, confirm=False, note=request.POST.get("note", "")
    ),
}


class TaskStepView(ScopedView):
    """One step of a community task: the member reports it done; the community confirms,
    returns or cancels it."""

    permission = access.AUTHENTICATED  # the member or the community's contacts (no grants)

    def post(self, request: HttpRequest, task_id: int, step: str) -> HttpResponse:
        take = _TASK_STEPS.get(step)
        if take is None:
            raise Http404
        if TASK[step].actor == "member":
            task = selectors.task_for_member(user=request.user, pk=task_id)
            back = reverse("volunteer:mine")
        else:
            task = selectors.task_for_community(user=request.user, pk=task_id)
            back = reverse("volunteer:community", args=[task.registration.community_id])
        return act(request, lambda: take(request, task), done=_("Recorded."), to=back)
