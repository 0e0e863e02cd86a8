"""The committee's decision: each case's award and whether it is published."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns.models import (
    Campaign,
    Submission,
    SubmissionState,
)
from mofan.campaigns.services.phases import phase_change
from mofan.campaigns.workflows import CAMPAIGN
from mofan.core.audit import audit_record_many, diff
from mofan.core.errors import DomainError


@transaction.atomic
def campaign_decide(
    *,
    actor: Any,
    campaign: Campaign,
    tiers: dict[int, str],
    publish: set[int],
    note: str = "",
) -> Campaign:
    """Record the committee's decision: each case's award (or none) and which are published.
    The proposal from the ranking is only a proposal; what is recorded here is the decision."""
    campaign = CAMPAIGN.begin(actor, campaign, "decide")
    names = {str(t["name"]) for t in campaign.tiers}
    cases = list(
        Submission.objects.select_for_update()
        .filter(campaign=campaign, state=SubmissionState.SUBMITTED)
        .order_by("code")
    )
    known = {c.pk for c in cases}
    if set(tiers) - known or publish - known:
        raise DomainError(_("Decide only on the cases of this campaign."))
    for tier in tiers.values():
        if tier and tier not in names:
            raise DomainError(_("Choose one of the campaign's awards."))
    changed: list[Submission] = []
    changes: list[dict[str, Any]] = []
    for case in cases:
        tier = tiers.get(case.pk, "")
        chosen = case.pk in publish
        change = diff(
            {"award": case.tier, "publication": case.for_publication},
            {"award": tier, "publication": chosen},
        )
        case.tier, case.for_publication = tier, chosen
        changed.append(case)
        changes.append({"code": [None, case.code], **change})
    Submission.objects.bulk_update(changed, ["tier", "for_publication"])
    campaign.decided_at = timezone.now()
    campaign.decision_note = (note or "").strip()
    CAMPAIGN.finish(
        actor,
        campaign,
        "decide",
        fields=["decided_at", "decision_note"],
        changes={
            "phase": phase_change(campaign, "decide"),
            "awards": [None, sum(1 for c in changed if c.tier)],
            "publication": [None, sum(1 for c in changed if c.for_publication)],
            "note": [None, campaign.decision_note],
        },
    )
    audit_record_many(
        actor=actor,
        action="campaigns.submission.decide",
        targets=changed,
        org=campaign.org,
        changes=changes,
    )
    return campaign
