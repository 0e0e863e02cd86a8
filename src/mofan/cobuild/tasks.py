"""Background work of co-building: reminding keepers that an agreement is about to end;
telling a partner which project answers its demand. (An order's steps tell the next actor
through their declaration, `workflows.ORDER`.)"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import Agreement, Demand
from mofan.cobuild.services import RENEWAL_NOTICE_DAYS
from mofan.cobuild.workflows import contact_user_ids
from mofan.core.services import message_send
from mofan.core.templatetags.mofan import cn_date


def remind_renewals(today: date | None = None) -> int:
    """Message the keepers of each agreement ending within the notice period (once each)."""
    from mofan.accounts.models import Grant

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
    grants = list(
        Grant.objects.filter(revoked_at__isnull=True, user__is_active=True).values_list(
            "user_id", "org__path", "include_subtree", "org_id", "role__permissions"
        )
    )
    sent = 0
    for agreement in due:
        keepers = {
            user_id
            for user_id, path, subtree, org_id, codes in grants
            if perms.MANAGE in (codes or ())
            and (org_id == agreement.org_id or (subtree and agreement.org.path.startswith(path)))
        }
        for user_id in sorted(keepers):
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


@db_task()
def demand_matched_notify(demand_pk: int) -> int:
    """Tell the partner's contacts which project answers their demand."""
    demand = Demand.objects.select_related("project").filter(pk=demand_pk).first()
    if demand is None or demand.project is None:
        return 0
    sent = 0
    for user_id in contact_user_ids(demand.partner_id):
        sent += (
            message_send(
                user_id=user_id,
                title=_("Your demand “{demand}” is answered by {project}").format(
                    demand=demand.title, project=demand.project.name
                ),
                link=reverse("cobuild:demand", kwargs={"demand_id": demand.pk}),
                dedupe_key=f"demand-matched:{demand.pk}",
            )
            is not None
        )
    return sent
