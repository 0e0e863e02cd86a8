"""Who may do what on one campaign, case or review, built from `core.access`: the services,
selectors, workflows and views of campaigns ask these."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mofan.campaigns import permissions as perms
from mofan.core import access


def may_manage(actor: Any, campaign: Any) -> bool:
    """The committee that opened the campaign runs it."""
    return access.can(actor, perms.MANAGE, campaign.org)


def may_submit_for(actor: Any, submission: Any) -> bool:
    """Whoever may submit for the case's organisation writes, submits and withdraws it."""
    return access.can(actor, perms.SUBMIT, submission.org)


def may_review(actor: Any, campaign: Any) -> bool:
    """A reviewer of the committee's campaigns (the code held on the committee)."""
    return access.can(actor, perms.REVIEW, campaign.org)


def scores(actor: Any, review: Any) -> bool:
    """Only the assigned reviewer scores a case, while they still review for the committee."""
    return actor.pk == review.reviewer_id and may_review(actor, review.submission.campaign)


def _reviews_somewhere(user: Any) -> bool:
    return access.has_permission(user, perms.REVIEW)


# A reviewer's blind-review pages: the review must also be the user's own and its committee
# one they still review for (`selectors.review_get_mine`, 404 otherwise).
REVIEWER = access.Policy(
    "campaigns.reviewer",
    _reviews_somewhere,
    _("These pages are for the reviewers of case campaigns."),
)
