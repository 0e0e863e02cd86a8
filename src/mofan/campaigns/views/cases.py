"""Pages of the submitting organisations: the campaigns that call them, their cases, versions
and files."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns import permissions as perms
from mofan.campaigns import selectors, services
from mofan.campaigns.forms import FileForm, SubmissionForm
from mofan.campaigns.models import CampaignPhase, SubmissionState
from mofan.campaigns.workflows import CASE
from mofan.core.errors import DomainError
from mofan.core.uploads import stored_file_response
from mofan.core.views import FormPageView, ScopedView, act
from mofan.orgs.selectors import org_get


def no_step() -> None:
    """A posted step the page does not offer: said like any refusal."""
    raise DomainError(_("Choose what to do."))


# Submitting organisations ---------------------------------------------------------------------


class CalledListView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "campaigns/called.html",
            {
                "campaigns": selectors.campaign_list_called(actor=request.user)[:100],
                "now": timezone.now(),
            },
        )


class CampaignView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_called(actor=request.user, pk=campaign_id)
        return render(
            request,
            "campaigns/campaign.html",
            {
                "campaign": campaign,
                "cases": selectors.submission_list_own(actor=request.user, campaign=campaign),
                "collecting": campaign.phase == CampaignPhase.OPEN
                and timezone.now() <= campaign.deadline,
            },
        )


class SubmissionCreateView(FormPageView):
    permission = perms.SUBMIT
    template_name = "campaigns/case_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        campaign = selectors.campaign_get_called(actor=request.user, pk=self.kwargs["campaign_id"])
        orgs = selectors.submitting_orgs(actor=request.user, campaign=campaign)
        return SubmissionForm(data, campaign=campaign, orgs=orgs)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"campaign": form.campaign}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.SUBMIT)
        case = services.submission_create(
            actor=request.user,
            campaign=form.campaign,
            org=org,
            category=data["category"],
            title=data["title"],
            sections=form.section_texts(),
        )
        return (
            _("The draft is saved (version 1). Submit it when it is ready."),
            reverse("campaigns:case", args=[case.pk]),
        )


class SubmissionEditView(FormPageView):
    permission = perms.SUBMIT
    template_name = "campaigns/case_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        case = selectors.submission_get_own(actor=request.user, pk=self.kwargs["submission_id"])
        initial = {"category": case.category, "title": case.title}
        by_heading = {s["heading"]: s["html"] for s in case.sections}
        for i, heading in enumerate(case.campaign.sections):
            initial[f"section_{i}"] = by_heading.get(heading, "")
        form = SubmissionForm(data, campaign=case.campaign, initial=initial)
        form.case = case  # type: ignore[attr-defined]
        return form

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"campaign": form.campaign, "case": form.case}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        case = services.submission_save(
            actor=request.user,
            submission=form.case,
            category=form.cleaned_data["category"],
            title=form.cleaned_data["title"],
            sections=form.section_texts(),
        )
        return _("A new version is saved."), reverse("campaigns:case", args=[case.pk])


class SubmissionView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        case = selectors.submission_get_own(actor=request.user, pk=submission_id)
        return self._render(request, case, FileForm())

    def _render(self, request: HttpRequest, case: Any, file_form: FileForm) -> HttpResponse:
        campaign = case.campaign
        collecting = campaign.phase == CampaignPhase.OPEN and timezone.now() <= campaign.deadline
        return render(
            request,
            "campaigns/case.html",
            {
                "case": case,
                "campaign": campaign,
                "files": case.files.filter(removed_at__isnull=True).select_related("uploaded_by"),
                "file_form": file_form,
                "collecting": collecting,
                "editable": collecting and case.state != SubmissionState.SUBMITTED,
                "versions": case.versions.count(),
            },
        )

    # The case's workflow steps (`CASE`), each a button without fields.
    steps = {"submit": services.submission_submit, "withdraw": services.submission_withdraw}

    def post(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        case = selectors.submission_get_own(actor=request.user, pk=submission_id)
        step = request.POST.get("step", "")
        back = reverse("campaigns:case", args=[case.pk])
        files = {"file": self._add_file, "remove_file": self._remove_file}
        if step in files:
            return files[step](request, case, back)
        if step not in self.steps:
            return act(request, no_step, done="", to=back)
        service = self.steps[step]
        return act(
            request,
            lambda: service(actor=request.user, submission=case),
            done=CASE[step].message,
            to=back,
        )

    def _add_file(self, request: HttpRequest, case: Any, back: str) -> HttpResponse:
        form = FileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, case, form)
        return act(
            request,
            lambda: services.submission_file_add(
                actor=request.user,
                submission=case,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            ),
            done=_("The file is added."),
            to=back,
        )

    def _remove_file(self, request: HttpRequest, case: Any, back: str) -> HttpResponse:
        raw = request.POST.get("file", "")
        if not raw.isdigit():
            raise Http404
        row = selectors.file_of_case(submission=case, pk=int(raw))
        return act(
            request,
            lambda: services.submission_file_remove(actor=request.user, file=row),
            done=_("The file is removed."),
            to=back,
        )


class VersionListView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        case = selectors.submission_get_own(actor=request.user, pk=submission_id)
        return render(
            request,
            "campaigns/versions.html",
            {"case": case, "versions": selectors.version_list(submission=case)},
        )


class VersionView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest, version_id: int) -> HttpResponse:
        version = selectors.version_get_own(actor=request.user, pk=version_id)
        return render(
            request,
            "campaigns/version.html",
            {"version": version, "case": version.submission},
        )


class FileView(ScopedView):
    permission = perms.SUBMIT

    def get(self, request: HttpRequest, file_id: int) -> HttpResponseBase:
        row = selectors.file_get_own(actor=request.user, pk=file_id)
        return stored_file_response(row.file, row.content_type, row.name)
