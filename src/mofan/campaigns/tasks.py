"""Periodic work of case campaigns: one reminder before the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.campaigns import permissions as perms
from mofan.campaigns.models import Campaign, CampaignPhase, Submission, SubmissionState
from mofan.core import access
from mofan.core.services import message_send
from mofan.core.templatetags.mofan import cn_datetime

REMIND_BEFORE = timedelta(days=3)  # how long before the deadline the reminder goes out


def remind_deadlines(now: datetime | None = None) -> int:
    """Tell whoever may submit for an organisation in scope that has not submitted yet that
    the deadline is near. Once per campaign: the `reminded_at` mark is set by a conditional
    update, so two runs at once send one reminder."""
    now = now or timezone.now()
    due = Campaign.objects.filter(
        phase=CampaignPhase.OPEN,
        reminded_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + REMIND_BEFORE,
    ).select_related("org")
    sent = 0
    for campaign in due:
        if not Campaign.objects.filter(pk=campaign.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        done = set(
            Submission.objects.filter(
                campaign=campaign, state=SubmissionState.SUBMITTED
            ).values_list("org__path", flat=True)
        )
        users = {
            user_id
            for user_id, path in access.grant_paths(perms.SUBMIT, below=campaign.org.path)
            if not any(d.startswith(path) for d in done)
        }
        for user_id in sorted(users):
            message = message_send(
                user_id=user_id,
                title=_("Cases are due by %(deadline)s: %(title)s")
                % {"deadline": cn_datetime(campaign.deadline), "title": campaign.title},
                body=_("Your organisation has not submitted a case yet."),
                link=reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk}),
                dedupe_key=f"campaign-deadline:{campaign.pk}",
            )
            sent += message is not None
    return sent


@db_periodic_task(crontab(minute="15"))
def remind_deadlines_hourly() -> None:
    remind_deadlines()
