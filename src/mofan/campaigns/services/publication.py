"""Publication: the cases selected by the committee become one draft article of the portal."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    Campaign,
    CampaignPhase,
    Submission,
)
from mofan.core import access
from mofan.core.audit import audit_record_many
from mofan.core.errors import DomainError
from mofan.portal import services as portal

# Publication -----------------------------------------------------------------------------------


def article_body(cases: Sequence[Submission], intro: str = "") -> str:
    """One article whose sections are the cases: each case's title as a heading, its sections
    under sub-headings, and the organisation that wrote it at the end (as 选登 pages do)."""
    parts = [f"<p>{html.escape(line)}</p>" for line in (intro or "").splitlines() if line.strip()]
    for case in cases:
        parts.append(f"<h2>{html.escape(case.title)}</h2>")
        for section in case.sections:
            parts.append(f"<h3>{html.escape(section['heading'])}</h3>")
            parts.append(section["html"])
        parts.append(f"<p>（{html.escape(case.org.name)}）</p>")
    return "\n".join(parts)


@transaction.atomic
def campaign_article_create(
    *,
    actor: Any,
    campaign: Campaign,
    cases: Sequence[Submission],
    title: str,
    subtitle: str = "",
    source: str = "",
    topic_path: Sequence[str] = (),
    intro: str = "",
) -> Any:
    """Turn cases selected for publication into ONE draft portal article (选登) whose sections
    are the cases; each case keeps a link to the article."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.DECIDED:
        raise DomainError(_("Cases are published after the committee's decision."))
    wanted = [c.pk for c in cases]
    rows = {
        c.pk: c
        for c in Submission.objects.select_for_update()
        .select_related("org")
        .filter(campaign=campaign, pk__in=wanted)
    }
    if not wanted:
        raise DomainError({"cases": _("Choose at least one case.")})
    if len(rows) != len(set(wanted)) or not all(rows[pk].for_publication for pk in wanted):
        raise DomainError({"cases": _("Only cases selected for publication can be published.")})
    taken = [rows[pk].code for pk in wanted if rows[pk].article_id is not None]
    if taken:
        raise DomainError(
            {"cases": _("Already in an article: %(codes)s.") % {"codes": "、".join(taken)}}
        )
    ordered = [rows[pk] for pk in dict.fromkeys(wanted)]
    topic = (
        portal.topic_ensure(actor, [p for p in topic_path if p.strip()])
        if any(p.strip() for p in topic_path)
        else None
    )
    article = portal.article_create(
        actor,
        title=title,
        body=article_body(ordered, intro),
        subtitle=subtitle,
        source=source,
        topic=topic,
    )
    for case in ordered:
        case.article = article
    Submission.objects.bulk_update(ordered, ["article"])
    audit_record_many(
        actor=actor,
        action="campaigns.submission.to_article",
        targets=ordered,
        org=campaign.org,
        changes=[{"article": [None, article.title], "code": [None, c.code]} for c in ordered],
    )
    return article
