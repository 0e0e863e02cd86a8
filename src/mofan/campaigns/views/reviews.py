"""A reviewer's pages: their assignments and the blind case they score."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.campaigns import permissions as perms
from mofan.campaigns import policies, selectors, services
from mofan.campaigns.forms import ScoreForm
from mofan.campaigns.models import CampaignPhase
from mofan.core.uploads import stored_file_response
from mofan.core.views import FormPageView, ScopedView

# Reviewers ------------------------------------------------------------------------------------


class ReviewListView(ScopedView):
    permission = perms.REVIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "campaigns/reviews.html",
            {"reviews": selectors.review_list_mine(actor=request.user)[:200]},
        )


class ReviewView(FormPageView):
    """The reviewer's own assignment (self-service: only the assigned reviewer finds it)."""

    permission = policies.REVIEWER
    template_name = "campaigns/review.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        review = selectors.review_get_mine(actor=request.user, pk=self.kwargs["review_id"])
        categories = list(review.submission.campaign.score_categories.all())
        initial: dict[str, Any] = {"comment": review.comment}
        for score in review.scores.all():
            initial[f"score_{score.category_id}"] = score.value
            initial[f"note_{score.category_id}"] = score.comment
        form = ScoreForm(data, categories=categories, initial=initial)
        form.review = review  # type: ignore[attr-defined]
        return form

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        review = form.review
        return {
            "review": review,
            "case": selectors.blind_case(submission=review.submission),
            "campaign": review.submission.campaign,
            "open": review.submission.campaign.phase == CampaignPhase.REVIEWING,
        }

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        review = services.review_score(
            actor=request.user,
            review=form.review,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
        return (
            _("Your scores are saved: weighted %(total)s.") % {"total": review.total},
            reverse("campaigns:reviews"),
        )


class ReviewFileView(ScopedView):
    permission = policies.REVIEWER

    def get(self, request: HttpRequest, review_id: int, file_id: int) -> HttpResponseBase:
        review = selectors.review_get_mine(actor=request.user, pk=review_id)
        row, label = selectors.blind_file_get(review=review, pk=file_id)
        return stored_file_response(row.file, row.content_type, label)
