"""民主评议党员: the branch's side and the member's side."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.views import (
    ScopedView,
    act,
    submit,
)
from mofan.orglife import permissions as perms
from mofan.orglife import policies, selectors, services
from mofan.orglife.forms import (
    AppraisalOpenForm,
    SelfAssessmentForm,
)
from mofan.orglife.models import AppraisalGrade
from mofan.orglife.views.filters import year_filter
from mofan.orgs.selectors import org_get

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
        year = year_filter(request)
        form = AppraisalOpenForm(actor=request.user, initial={"year": year})
        return self._render(request, year, form)


class AppraisalOpenView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppraisalOpenForm(request.POST, actor=request.user)
        year = year_filter(request)

        def open_(valid: AppraisalOpenForm) -> Any:
            data = valid.cleaned_data
            org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE_MEETINGS)
            return services.appraisal_open(actor=request.user, org=org, year=data["year"])

        return submit(
            request,
            form,
            open_,
            done=_("The appraisal is open; members have been told."),
            to=lambda appraisal: reverse(
                "orglife:appraisal", kwargs={"appraisal_id": appraisal.pk}
            ),
            page=lambda invalid: AppraisalListView()._render(request, year, invalid),
        )


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
                "can_manage": policies.manages(request.user, appraisal),
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

        def conclude() -> Any:
            return services.appraisal_conclude(
                actor=request.user,
                appraisal=appraisal,
                grades={pk: grade for pk, grade in chosen.items() if grade},
            )

        def propose() -> int:
            changed = 0
            for entry in entries:
                if entry.probationary or entry.pk not in chosen:
                    continue
                if chosen[entry.pk] != entry.proposed_grade:
                    services.appraisal_propose(
                        actor=request.user, entry=entry, grade=chosen[entry.pk]
                    )
                    changed += 1
            return changed

        to = reverse("orglife:appraisal", kwargs={"appraisal_id": appraisal.pk})
        if request.POST.get("action") == "conclude":
            return act(
                request,
                conclude,
                done=_("The grades are decided and the appraisal concluded."),
                to=to,
            )
        return act(
            request,
            propose,
            done=lambda changed: _("%(n)d proposals of the committee saved.") % {"n": changed},
            to=to,
        )


class MyAppraisalView(ScopedView):
    """The member's side: self-assessment and assessing the others (self-service)."""

    permission = access.PARTY_MEMBER

    def get(self, request: HttpRequest) -> HttpResponse:
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

        def write_self() -> Any:
            form = SelfAssessmentForm(request.POST)
            return services.self_assessment_save(
                user=request.user, entry=item.entry, text=form.data.get("text", "")
            )

        def rate_peers() -> int:
            saved = 0
            for peer, given in item.peers:
                grade = request.POST.get(f"peer-{peer.pk}", "")
                if grade and grade != given:
                    services.peer_rate(user=request.user, entry=peer, grade=grade)
                    saved += 1
            return saved

        to = reverse("orglife:my_appraisal")
        if request.POST.get("action") == "self":
            return act(request, write_self, done=_("Your self-assessment is saved."), to=to)
        return act(
            request,
            rate_peers,
            done=lambda saved: _("%(n)d assessments saved.") % {"n": saved},
            to=to,
        )
