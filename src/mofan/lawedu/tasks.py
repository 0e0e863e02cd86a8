"""Periodic work of 模法师: reminding the keepers that a counsellor's term is about to end."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.core import access
from mofan.core.services import message_send
from mofan.core.templatetags.mofan import cn_date
from mofan.lawedu import permissions as perms
from mofan.lawedu import rules
from mofan.lawedu.models import Appointment


def remind_appointment_ends(today: date | None = None) -> int:
    """Message the keepers of each appointment whose term ends within the rule's notice period,
    once per appointment (`reminded_at`, and a dedupe key should the task run twice at once)."""
    today = today or timezone.localdate()
    rule = rules.rule_on(today)
    days = rule.reminder_days if rule else rules.DEFAULT_REMINDER_DAYS
    due = list(
        Appointment.objects.filter(
            ended_on__isnull=True,
            reminded_at__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=days),
        ).select_related("person__project__org", "partner")
    )
    sent = 0
    for appointment in due:
        org = appointment.person.project.org
        for user_id in access.holders(org, perms.MANAGE):
            message = message_send(
                user_id=user_id,
                title=_("Counsellor's term ends on %(day)s: %(name)s at %(partner)s")
                % {
                    "day": cn_date(appointment.ends_on),
                    "name": appointment.person.name,
                    "partner": appointment.partner.name,
                },
                body=_("Agree a new appointment with the school, or let the term end."),
                link=reverse("lawedu:appointment", kwargs={"appointment_id": appointment.pk}),
                dedupe_key=f"appointment-end:{appointment.pk}:{appointment.ends_on}",
            )
            sent += message is not None
        Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        )
    return sent


@db_periodic_task(crontab(hour="8", minute="40"))
def remind_appointment_ends_daily() -> None:
    remind_appointment_ends()
