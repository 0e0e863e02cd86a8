"""Periodic work of the organisation tree."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.core import access
from mofan.core.services import message_send
from mofan.orgs import permissions as perms
from mofan.orgs.selectors import terms_expiring


def remind_expiring_terms(today: Any = None) -> int:
    """Tell the managers of the level above (and the organisation itself) about terms that end
    within six months. Each term is reminded once."""
    terms = list(terms_expiring(today=today))
    managers_of = access.holders_by_org([term.org for term in terms], perms.MANAGE)
    sent = 0
    for term in terms:
        org = term.org
        managers = managers_of[org.pk]
        with transaction.atomic():
            for user_id in sorted(managers):
                message = message_send(
                    user_id=user_id,
                    title=_("The term of %(org)s ends on %(date)s")
                    % {
                        "org": org.name,
                        "date": f"{term.ends_on.year}年{term.ends_on.month}月{term.ends_on.day}日",
                    },
                    body=_(
                        "Prepare the election (换届) in time; an early or late election needs "
                        "the approval of the level above."
                    ),
                    link=reverse("orgs:detail", args=[org.pk]),
                    dedupe_key=f"term-expiry:{term.pk}",
                )
                sent += message is not None
            term.reminded_at = timezone.now()
            term.save(update_fields=["reminded_at"])
    return sent


@db_periodic_task(crontab(hour="7", minute="30"))
def remind_expiring_terms_daily() -> None:
    remind_expiring_terms()
