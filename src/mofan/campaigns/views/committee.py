"""Pages of the committee that runs a campaign: its settings and phases, the cases, the
reviewer grid, the ranking and its decision, and the article of the selected cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mofan.campaigns import permissions as perms
from mofan.campaigns import selectors, services
from mofan.campaigns.forms import ArticleForm, CampaignForm
from mofan.campaigns.models import CampaignPhase
from mofan.campaigns.views.cases import no_step
from mofan.campaigns.workflows import CAMPAIGN
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import FormPageView, ScopedView, act
from mofan.orgs.selectors import org_get

# The committee --------------------------------------------------------------------------------


class ManagedListView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "campaigns/managed.html",
            {"campaigns": selectors.campaign_list_managed(actor=request.user)[:100]},
        )


class CampaignCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "campaigns/campaign_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return CampaignForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = org_get(actor=request.user, pk=form.cleaned_data["org"], permission=perms.MANAGE)
        campaign = services.campaign_open(actor=request.user, org=org, **form.service_kwargs())
        return (
            _("The campaign is open; the organisations below see it now."),
            reverse("campaigns:campaign_manage", args=[campaign.pk]),
        )


class CampaignEditView(FormPageView):
    permission = perms.MANAGE
    template_name = "campaigns/campaign_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=self.kwargs["campaign_id"])
        form = CampaignForm(data, actor=request.user, campaign=campaign)
        form.campaign = campaign  # type: ignore[attr-defined]
        return form

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"campaign": form.campaign}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        campaign = services.campaign_update(
            actor=request.user, campaign=form.campaign, **form.service_kwargs()
        )
        return _("The campaign is saved."), reverse("campaigns:campaign_manage", args=[campaign.pk])


class CampaignManageView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        return render(
            request,
            "campaigns/campaign_manage.html",
            {
                "campaign": campaign,
                "cases": selectors.submissions_of_campaign(campaign=campaign),
                "criteria": campaign.score_categories.all(),
                "deadline_passed": timezone.now() > campaign.deadline,
            },
        )

    # The campaign's phase steps taken from this page (`CAMPAIGN`), buttons without fields.
    steps = {
        "start_review": services.campaign_start_review,
        "close_review": services.campaign_close_review,
        "reopen_review": services.campaign_reopen_review,
    }

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        step = request.POST.get("step", "")
        back = reverse("campaigns:campaign_manage", args=[campaign.pk])
        if step not in self.steps:
            return act(request, no_step, done="", to=back)
        service = self.steps[step]
        return act(
            request,
            lambda: service(actor=request.user, campaign=campaign),
            done=CAMPAIGN[step].message,
            to=back,
        )


class ManagedCaseView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        case = selectors.submission_get_managed(actor=request.user, pk=submission_id)
        return render(
            request,
            "campaigns/managed_case.html",
            {
                "case": case,
                "campaign": case.campaign,
                "files": case.files.filter(removed_at__isnull=True),
                "reviews": case.reviews.select_related("reviewer").prefetch_related(
                    "scores__category"
                ),
            },
        )


class ManagedFileView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, file_id: int) -> HttpResponseBase:
        row = selectors.file_get_managed(actor=request.user, pk=file_id)
        return stored_file_response(row.file, row.content_type, row.name)


class AssignView(ScopedView):
    """The reviewer grid: one row per case, one column per reviewer; a conflicted cell offers
    no checkbox at all."""

    permission = perms.MANAGE

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        reviewers = selectors.eligible_reviewers(campaign=campaign)
        own = selectors.reviewer_own_paths(reviewers)
        cases = list(selectors.submissions_of_campaign(campaign=campaign).exclude(code=""))
        assigned = selectors.assignments(campaign=campaign)
        grid = [
            (
                case,
                [
                    {
                        "reviewer": reviewer,
                        "conflict": services.conflicts(campaign, own[reviewer.pk], case.org.path),
                        "review": assigned.get((case.pk, reviewer.pk)),
                    }
                    for reviewer in reviewers
                ],
            )
            for case in cases
        ]
        return render(
            request,
            "campaigns/assign.html",
            {
                "campaign": campaign,
                "reviewers": reviewers,
                "grid": grid,
                "reviewing": campaign.phase == CampaignPhase.REVIEWING,
            },
        )

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        wanted: set[tuple[int, int]] = set()
        for pair in request.POST.getlist("assign"):
            left, _sep, right = pair.partition("-")
            if left.isdigit() and right.isdigit():
                wanted.add((int(left), int(right)))
        cases = {c.pk: c for c in selectors.submissions_of_campaign(campaign=campaign)}
        users = selectors.users_by_pk({u for _c, u in wanted})
        current = selectors.assignments(campaign=campaign)
        errors: list[str] = []
        added = removed = 0
        for case_id, user_id in sorted(wanted - set(current)):
            if case_id not in cases or user_id not in users:
                raise Http404
            try:
                services.review_assign(
                    actor=request.user, submission=cases[case_id], reviewer=users[user_id]
                )
                added += 1
            except DomainError as exc:
                errors.append(" ".join(exc.messages))
        for key in sorted(set(current) - wanted):
            if current[key].scored_at is None:
                try:
                    services.review_unassign(actor=request.user, review=current[key])
                    removed += 1
                except DomainError as exc:
                    errors.append(" ".join(exc.messages))
        for error in errors:
            messages.error(request, error)
        if added or removed or not errors:
            messages.success(
                request,
                _("Assignments saved: %(added)d added, %(removed)d removed.")
                % {"added": added, "removed": removed},
            )
        return redirect("campaigns:assign", campaign_id=campaign.pk)


class RankingView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        return render(
            request,
            "campaigns/ranking.html",
            {
                "campaign": campaign,
                "ranking": selectors.ranking(campaign=campaign),
                "tier_names": [t["name"] for t in campaign.tiers],
                "deciding": campaign.phase == CampaignPhase.DECIDING,
                "decided": campaign.phase == CampaignPhase.DECIDED,
            },
        )

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        tiers: dict[int, str] = {}
        for key in request.POST:
            if key.startswith("tier_") and key[5:].isdigit():
                tiers[int(key[5:])] = request.POST.get(key, "")
        publish = {int(v) for v in request.POST.getlist("publish") if v.isdigit()}
        return act(
            request,
            lambda: services.campaign_decide(
                actor=request.user,
                campaign=campaign,
                tiers=tiers,
                publish=publish,
                note=request.POST.get("note", ""),
            ),
            done=CAMPAIGN["decide"].message,
            to=reverse("campaigns:ranking", args=[campaign.pk]),
        )


class RankingExportView(ScopedView):
    """The ranking as a spreadsheet: `named` for the committee; otherwise blind (codes only),
    fit to hand to the reviewers."""

    permission = perms.MANAGE
    named = False

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=campaign_id)
        result = selectors.ranking(campaign=campaign)
        header = [_("Rank"), _("Code")]
        if self.named:
            header += [_("Organisation"), _("Author")]
        header += [_("Category"), _("Title")]
        header += [c.name for c in result.categories]
        header += [
            _("Weighted mean"),
            _("Lowest"),
            _("Highest"),
            _("Standard deviation"),
            pgettext("case ranking", "Reviews"),
            _("Proposed award"),
        ]
        if self.named:
            header += [_("Decided award"), _("For publication")]
        rows = []
        for row in result.rows:
            case = row.submission
            line: list[Any] = [row.ranked.rank or "", case.code]
            if self.named:
                line += [case.org.name, case.author.full_name if case.author else ""]
            hide = [] if self.named else selectors.names_to_hide(case)
            line += [case.category, selectors.mask(case.title, hide)]
            line += [float(m) if m is not None else "" for m in row.category_means]
            line += [
                float(x) if x is not None else ""
                for x in (row.ranked.mean, row.ranked.low, row.ranked.high, row.ranked.spread)
            ]
            line += [row.scored, row.ranked.tier]
            if self.named:
                line += [case.tier, _("yes") if case.for_publication else ""]
            rows.append(line)
        kind = "named" if self.named else "blind"
        return xlsx_response(
            _("Ranking"), header, rows, filename=f"campaign-{campaign.pk}-ranking-{kind}.xlsx"
        )


class ArticleCreateView(FormPageView):
    """One click from the selection to a draft article of the portal that keeps a link from
    each case to it."""

    permission = perms.MANAGE
    template_name = "campaigns/article_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        campaign = selectors.campaign_get_managed(actor=request.user, pk=self.kwargs["campaign_id"])
        form = ArticleForm(data, cases=selectors.cases_to_publish(campaign=campaign))
        form.campaign = campaign  # type: ignore[attr-defined]
        return form

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"campaign": form.campaign}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        chosen = {c.pk: c for c in selectors.cases_to_publish(campaign=form.campaign)}
        article = services.campaign_article_create(
            actor=request.user,
            campaign=form.campaign,
            cases=[chosen[pk] for pk in data["cases"] if pk in chosen],
            title=data["title"],
            subtitle=data["subtitle"],
            source=data["source"],
            topic_path=form.topic_path(),
            intro=data["intro"],
        )
        return (
            _("The draft article is ready; each case links to it."),
            reverse("portal:article_edit", args=[article.pk]),
        )
