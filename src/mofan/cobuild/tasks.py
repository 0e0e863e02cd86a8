"""Background work of co-building: reminding keepers that an agreement is about to end;
the steps of orders and demands tell people through their declarations (`workflows`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import Agreement
from mofan.cobuild.services import RENEWAL_NOTICE_DAYS
from mofan.core import access
from mofan.core.services import message_send
from mofan.core.templatetags.mofan import cn_date


def remind_renewals(today: date | None = None) -> int:
    """Message the keepers of each agreement ending within the notice period (once each)."""
    today = today or timezone.localdate()
    due = list(
        Agreement.objects.filter(
            ended_at__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS),
        ).select_related("org")
    )
    if not due:
        return 0
    keepers = access.holders_by_org({a.org_id: a.org for a in due}.values(), perms.MANAGE)
    sent = 0
    for agreement in due:
        for user_id in keepers[agreement.org_id]:
            message = message_send(
                user_id=user_id,
                title=_("Agreement ends on %(day)s: %(title)s")
                % {
                    "day": cn_date(agreement.ends_on),
                    "title": agreement.title,
                },
                body=_("Renew it with the parties, or let it end."),
                link=reverse("cobuild:agreement", kwargs={"agreement_id": agreement.pk}),
                dedupe_key=f"agreement-renewal:{agreement.pk}:{agreement.ends_on}",
            )
            sent += message is not None
    return sent


@db_periodic_task(crontab(hour="8", minute="30"))
def remind_renewals_daily() -> None:
    remind_renewals()
