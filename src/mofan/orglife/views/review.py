"""Oversight by the level above: submitting, acknowledging, approving or returning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core.errors import DomainError
from mofan.core.views import ScopedView, act, paginate, query_without_page
from mofan.orglife import permissions as perms
from mofan.orglife import policies, selectors, services
from mofan.orglife.forms import (
    ReviewForm,
)
from mofan.orglife.models import ReviewState
from mofan.orglife.workflows import MEETING_REVIEW


class MeetingSubmitView(ScopedView):
    """The branch sends a held meeting's record to the level above."""

    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        return act(
            request,
            lambda: services.meeting_submit(actor=request.user, meeting=meeting),
            done=MEETING_REVIEW["submit"].message,
            to=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
        )


# The level above's steps (`workflows.MEETING_REVIEW`), by the button's `decision`.
DECISIONS: dict[str, Callable[..., Any]] = {
    "acknowledge": lambda actor, meeting, comment: services.meeting_acknowledge(
        actor=actor, meeting=meeting, comment=comment
    ),
    "approve": lambda actor, meeting, comment: services.meeting_review(
        actor=actor, meeting=meeting, approve=True, comment=comment
    ),
    "return": lambda actor, meeting, comment: services.meeting_review(
        actor=actor, meeting=meeting, approve=False, comment=comment
    ),
}


class MeetingReviewView(ScopedView):
    """审阅 (acknowledge) or 审核 (approve, or return with a comment) from the level above."""

    permission = perms.REVIEW_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.REVIEW_MEETINGS
        )
        if not policies.reviews_from_above(request.user, meeting):
            raise Http404
        form = ReviewForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        decision = request.POST.get("decision", "")

        def decide() -> Any:
            if decision not in DECISIONS:
                raise DomainError(_("Choose acknowledge, approve or return."))
            return DECISIONS[decision](request.user, meeting, comment)

        return act(
            request,
            decide,
            done=lambda _meeting: str(MEETING_REVIEW[decision].message),
            to=reverse("orglife:reviews"),
            back=reverse("orglife:detail", kwargs={"meeting_id": meeting.pk}),
        )


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
