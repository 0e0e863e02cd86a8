"""Opening a call for cases, changing it, and moving it through its phases (collecting,
reviewing, the committee's decision)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    DEFAULT_CATEGORIES,
    DEFAULT_SCORE_CATEGORIES,
    DEFAULT_SECTIONS,
    DEFAULT_TIERS,
    Campaign,
    CampaignPhase,
    Review,
    Score,
    ScoreCategory,
    Submission,
    SubmissionState,
)
from mofan.campaigns.workflows import CAMPAIGN
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.core.templatetags.mofan import cn_datetime
from mofan.orgs.models import Organisation


def clean(text: str) -> str:
    return " ".join((text or "").split())


def _names(items: Sequence[str]) -> list[str]:
    """An editable list (categories, sections): trimmed, without blanks or repeats."""
    seen: list[str] = []
    for item in items:
        item = clean(item)[:50]
        if item and item not in seen:
            seen.append(item)
    return seen


def _tiers(tiers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    total = Decimal(0)
    for tier in tiers:
        name = clean(str(tier.get("name", "")))[:50]
        try:
            share = Decimal(str(tier.get("share", "")))
        except InvalidOperation:
            share = Decimal(-1)
        if not name or share <= 0 or share > 100:
            raise DomainError({"tiers": _("Give each award a name and a share above zero.")})
        if any(t["name"] == name for t in cleaned):
            raise DomainError({"tiers": _("Each award needs its own name.")})
        total += share
        cleaned.append({"name": name, "share": float(share)})
    if total > 100:
        raise DomainError({"tiers": _("The award shares add up to more than the whole.")})
    return cleaned


def _weights(rows: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    cleaned: list[tuple[str, Decimal]] = []
    for name, weight in rows:
        name = clean(name)[:50]
        if not name or weight <= 0 or weight > 1000:
            raise DomainError(
                {"score_categories": _("Give each criterion a name and a weight above 0.")}
            )
        if any(n == name for n, _w in cleaned):
            raise DomainError({"score_categories": _("Each criterion needs its own name.")})
        cleaned.append((name, weight))
    if not cleaned:
        raise DomainError({"score_categories": _("Give at least one criterion.")})
    return cleaned


def _settings(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "categories": "、".join(campaign.categories),
        "sections": "、".join(campaign.sections),
        "quota": campaign.quota,
        "max_chars": campaign.max_chars,
        "attachments_allowed": campaign.attachments_allowed,
        "deadline": campaign.deadline,
        "tiers": "、".join(f"{t['name']} {t['share']:g}%" for t in campaign.tiers),
    }


@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    org: Organisation,
    title: str,
    deadline: datetime,
    description: str = "",
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    sections: Sequence[str] = DEFAULT_SECTIONS,
    quota: int = 1,
    max_chars: int = 3000,
    attachments_allowed: bool = True,
    score_categories: Sequence[tuple[str, Decimal]] | None = None,
    tiers: Sequence[dict[str, Any]] = DEFAULT_TIERS,
) -> Campaign:
    """Open a call for cases to the organisations of `org`'s subtree."""
    access.require(actor, perms.MANAGE, org)
    campaign = Campaign(org=org, created_by=actor)
    weights = _weights(
        score_categories
        if score_categories is not None
        else [(n, Decimal(w)) for n, w in DEFAULT_SCORE_CATEGORIES]
    )
    _apply_settings(
        campaign,
        title=title,
        description=description,
        categories=categories,
        sections=sections,
        quota=quota,
        max_chars=max_chars,
        attachments_allowed=attachments_allowed,
        deadline=deadline,
        tiers=tiers,
        check_deadline=actor is not None,
    )
    campaign.save()
    ScoreCategory.objects.bulk_create(
        [
            ScoreCategory(campaign=campaign, name=name, weight=weight, position=i)
            for i, (name, weight) in enumerate(weights)
        ]
    )
    return CAMPAIGN.started(
        actor,
        campaign,
        "open",
        changes={
            **diff({}, _settings(campaign)),
            "criteria": [None, "、".join(f"{n} {w}" for n, w in weights)],
        },
    )


def _apply_settings(
    campaign: Campaign,
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    sections: Sequence[str],
    quota: int,
    max_chars: int,
    attachments_allowed: bool,
    deadline: datetime,
    tiers: Sequence[dict[str, Any]],
    check_deadline: bool,
) -> None:
    title = clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    cats, secs = _names(categories), _names(sections)
    if not cats:
        raise DomainError({"categories": _("Give at least one category.")})
    if not secs:
        raise DomainError({"sections": _("Give at least one section.")})
    if quota < 1:
        raise DomainError({"quota": _("Each organisation may submit at least one case.")})
    if max_chars < 100:
        raise DomainError({"max_chars": _("The length limit is at least 100 characters.")})
    if check_deadline and deadline <= timezone.now():
        raise DomainError({"deadline": _("The deadline must be in the future.")})
    campaign.title = title[:200]
    campaign.description = (description or "").strip()
    campaign.categories, campaign.sections = cats, secs
    campaign.quota, campaign.max_chars = quota, max_chars
    campaign.attachments_allowed = attachments_allowed
    campaign.deadline = deadline
    campaign.tiers = _tiers(tiers)


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    deadline: datetime,
    description: str,
    categories: Sequence[str],
    sections: Sequence[str],
    quota: int,
    max_chars: int,
    attachments_allowed: bool,
    score_categories: Sequence[tuple[str, Decimal]],
    tiers: Sequence[dict[str, Any]],
) -> Campaign:
    """Change the call while it is collecting cases. Criteria can change until the first
    score is given; award shares until the decision."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase == CampaignPhase.DECIDED:
        raise DomainError(_("The campaign is decided; its settings are closed."))
    before = _settings(campaign)
    weights = _weights(score_categories)
    old_weights = [(c.name, c.weight) for c in campaign.score_categories.all()]
    if campaign.phase != CampaignPhase.OPEN:
        # After the deadline only the award shares and the criteria may still move.
        _apply_settings(
            campaign,
            title=title,
            description=description,
            categories=campaign.categories,
            sections=campaign.sections,
            quota=campaign.quota,
            max_chars=campaign.max_chars,
            attachments_allowed=campaign.attachments_allowed,
            deadline=campaign.deadline,
            tiers=tiers,
            check_deadline=False,
        )
    else:
        _apply_settings(
            campaign,
            title=title,
            description=description,
            categories=categories,
            sections=sections,
            quota=quota,
            max_chars=max_chars,
            attachments_allowed=attachments_allowed,
            deadline=deadline,
            tiers=tiers,
            check_deadline=deadline != campaign.deadline,
        )
    campaign.save()
    changes = diff(before, _settings(campaign))
    if [(n, Decimal(w)) for n, w in weights] != old_weights:
        if Score.objects.filter(review__submission__campaign=campaign).exists():
            raise DomainError(
                {
                    "score_categories": _(
                        "Scores have been given; the criteria can no longer change."
                    )
                }
            )
        ScoreCategory.objects.filter(campaign=campaign).delete()
        ScoreCategory.objects.bulk_create(
            [
                ScoreCategory(campaign=campaign, name=n, weight=w, position=i)
                for i, (n, w) in enumerate(weights)
            ]
        )
        changes["criteria"] = [
            "、".join(f"{n} {w}" for n, w in old_weights),
            "、".join(f"{n} {w}" for n, w in weights),
        ]
    if changes:
        audit_record(
            actor=actor,
            action="campaigns.campaign.update",
            target=campaign,
            org=campaign.org,
            changes=changes,
        )
    return campaign


# Phases ---------------------------------------------------------------------------------------


def phase_change(campaign: Campaign, name: str) -> list[Any]:
    """The audit entry's phase change of step `name`, in words (as the log has always shown)."""
    return [CampaignPhase(campaign.phase).label, CampaignPhase(CAMPAIGN[name].target).label]


@transaction.atomic
def campaign_start_review(
    *, actor: Any, campaign: Campaign, rng: random.Random | None = None
) -> Campaign:
    """After the deadline: give every submitted case a random anonymous code (A-01 …) and open
    the scoring."""
    campaign = CAMPAIGN.begin(actor, campaign, "start_review")
    if timezone.now() <= campaign.deadline:
        raise DomainError(
            _("Cases may be submitted until %(deadline)s; start the review after that.")
            % {"deadline": cn_datetime(campaign.deadline)}
        )
    cases = list(
        Submission.objects.filter(campaign=campaign, state=SubmissionState.SUBMITTED).order_by("pk")
    )
    if not cases:
        raise DomainError(_("No case was submitted; there is nothing to review."))
    (rng or random.SystemRandom()).shuffle(cases)
    width = max(2, len(str(len(cases))))
    for number, case in enumerate(cases, start=1):
        case.code = f"A-{number:0{width}d}"
    Submission.objects.bulk_update(cases, ["code"])
    changes = {"phase": phase_change(campaign, "start_review"), "cases": [None, len(cases)]}
    return CAMPAIGN.finish(actor, campaign, "start_review", changes=changes)


@transaction.atomic
def campaign_close_review(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close the scoring and hand the ranking to the committee."""
    campaign = CAMPAIGN.begin(actor, campaign, "close_review")
    if not Review.objects.filter(submission__campaign=campaign, scored_at__isnull=False).exists():
        raise DomainError(_("No case has been scored yet."))
    changes = {"phase": phase_change(campaign, "close_review")}
    return CAMPAIGN.finish(actor, campaign, "close_review", changes=changes)


@transaction.atomic
def campaign_reopen_review(*, actor: Any, campaign: Campaign) -> Campaign:
    campaign = CAMPAIGN.begin(actor, campaign, "reopen_review")
    changes = {"phase": phase_change(campaign, "reopen_review")}
    return CAMPAIGN.finish(actor, campaign, "reopen_review", changes=changes)
