"""Periodic work of volunteering: unclaimed wishes expire at their deadline; communities are
reminded in December to evaluate the members registered with them."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.core.services import message_send
from mofan.orgs.models import PartnerContact
from mofan.volunteer.models import CommunityRegistration, RegistrationState
from mofan.volunteer.services.wishes import wishes_expire


@db_periodic_task(crontab(hour="0", minute="20"))
def wishes_expire_daily() -> None:
    wishes_expire()


def remind_evaluations(today: date | None = None) -> int:
    """Tell each community's contacts how many registered members still wait for this year's
    evaluation (once a year per contact). Returns the number of messages sent."""
    today = today or timezone.localdate()
    waiting = (
        CommunityRegistration.objects.filter(state=RegistrationState.CONFIRMED)
        .exclude(evaluations__year=today.year)
        .values("community_id")
        .annotate(n=Count("id"))
    )
    counts = {row["community_id"]: row["n"] for row in waiting}
    sent = 0
    contacts = PartnerContact.objects.filter(
        Q(partner_id__in=counts), user__isnull=False, user__is_active=True
    ).values_list("partner_id", "user_id")
    for partner_id, user_id in contacts:
        message = message_send(
            user_id=user_id,
            title=_("%(n)s registered party members wait for this year's evaluation")
            % {"n": counts[partner_id]},
            link=reverse("volunteer:community", args=[partner_id]),
            dedupe_key=f"registration-evaluation:{partner_id}:{today.year}",
        )
        sent += message is not None
    return sent


@db_periodic_task(crontab(month="12", day="1", hour="8", minute="30"))
def remind_evaluations_yearly() -> None:
    remind_evaluations()
