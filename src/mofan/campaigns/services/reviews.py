"""Blind review: who may review which case (conflicts), assigning reviewers, and scoring."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns import permissions as perms
from mofan.campaigns import policies
from mofan.campaigns.models import (
    MAX_SCORE,
    Campaign,
    CampaignPhase,
    Review,
    Score,
    Submission,
    SubmissionState,
)
from mofan.campaigns.ranking import weighted
from mofan.campaigns.services.phases import clean
from mofan.campaigns.services.submissions import lock_case
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.members.selectors import member_of_user


def own_org_paths(user: Any) -> list[str]:
    """The organisations a person belongs to or acts for: their party membership and the
    organisations where they may submit cases."""
    member = member_of_user(user)
    paths = {member.org.path} if member is not None else set()
    paths |= {path for _user, path in access.grant_paths(perms.SUBMIT, user_ids=[user.pk])}
    return sorted(paths)


def conflicts(campaign: Campaign, own_paths: Sequence[str], org_path: str) -> bool:
    """A reviewer may not score a case of their own organisation, of anything under it, or of
    an organisation above their own inside the campaign (their own organ). Belonging to the
    campaign's committee or above it is no conflict: every case lies under it."""
    for own in own_paths:
        if campaign.org.path.startswith(own):
            continue
        if org_path.startswith(own) or own.startswith(org_path):
            return True
    return False


def _reviewer_eligible(campaign: Campaign, reviewer: Any) -> bool:
    return bool(reviewer.is_active) and policies.may_review(reviewer, campaign)


@transaction.atomic
def review_assign(*, actor: Any, submission: Submission, reviewer: Any) -> Review:
    submission, campaign = lock_case(submission)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("Reviewers are assigned while the campaign is reviewing."))
    if submission.state != SubmissionState.SUBMITTED or not submission.code:
        raise DomainError(_("Only submitted cases are reviewed."))
    if not _reviewer_eligible(campaign, reviewer):
        raise DomainError(
            {"reviewer": _("This person is not a reviewer of the committee's campaigns.")}
        )
    if conflicts(campaign, own_org_paths(reviewer), submission.org.path):
        raise DomainError(
            {
                "reviewer": _(
                    "%(name)s belongs to the organisation that submitted %(code)s and may not "
                    "review it."
                )
                % {"name": reviewer.full_name or reviewer.username, "code": submission.code}
            }
        )
    review, created = Review.objects.get_or_create(
        submission=submission, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="campaigns.review.assign",
            target=campaign,
            org=campaign.org,
            target_label=f"{campaign} · {submission.code}",
            changes={"reviewer": [None, reviewer.full_name or reviewer.username]},
        )
    return review


@transaction.atomic
def review_unassign(*, actor: Any, review: Review) -> None:
    review = (
        Review.objects.select_for_update()
        .select_related("submission__campaign__org", "reviewer")
        .get(pk=review.pk)
    )
    campaign = review.submission.campaign
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("Reviewers are assigned while the campaign is reviewing."))
    if review.scored_at is not None:
        raise DomainError(_("The reviewer has scored this case; the assignment stays."))
    review.delete()
    audit_record(
        actor=actor,
        action="campaigns.review.unassign",
        target=campaign,
        org=campaign.org,
        target_label=f"{campaign} · {review.submission.code}",
        changes={"reviewer": [review.reviewer.full_name or review.reviewer.username, None]},
    )


@transaction.atomic
def review_score(
    *,
    actor: Any,
    review: Review,
    scores: dict[int, tuple[Decimal, str]],
    comment: str = "",
) -> Review:
    """The assigned reviewer scores every criterion (0–100) while the review is open; they may
    change their scores until the committee closes the review."""
    review = (
        Review.objects.select_for_update()
        .select_related("submission__campaign__org")
        .get(pk=review.pk)
    )
    campaign = review.submission.campaign
    if actor is not None and not policies.scores(actor, review):
        raise DomainError(_("Only the assigned reviewer scores this case."))
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("The review is closed; scores can no longer change."))
    categories = list(campaign.score_categories.all())
    pairs: list[tuple[Decimal, Decimal]] = []
    rows = []
    for category in categories:
        if category.pk not in scores:
            raise DomainError(
                _("Score every criterion: %(name)s is missing.") % {"name": category.name}
            )
        value, note = scores[category.pk]
        if value < 0 or value > MAX_SCORE:
            raise DomainError(
                _("%(name)s: a score is between 0 and 100.") % {"name": category.name}
            )
        pairs.append((category.weight, value))
        rows.append(Score(review=review, category=category, value=value, comment=clean(note)[:500]))
    before = {str(s.category_id): s.value for s in review.scores.all()}
    Score.objects.filter(review=review).delete()
    Score.objects.bulk_create(rows)
    review.total = weighted(pairs)
    review.comment = (comment or "").strip()
    review.scored_at = timezone.now()
    review.save(update_fields=["total", "comment", "scored_at"])
    names = {c.pk: c.name for c in categories}
    audit_record(
        actor=actor,
        action="campaigns.review.score",
        target=campaign,
        org=campaign.org,
        target_label=f"{campaign} · {review.submission.code}",
        changes=diff(
            {names.get(int(k), k): v for k, v in before.items()},
            {names[s.category_id]: s.value for s in rows},
        )
        or {"total": [None, review.total]},
    )
    return review
