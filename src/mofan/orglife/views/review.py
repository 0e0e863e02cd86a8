"""Oversight by the level above: submitting, acknowledging, approving or returning."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    ScopedView,
    paginate,
    query_without_page,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.forms import (
    ReviewForm,
)
from mofan.orglife.models import ReviewState


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
