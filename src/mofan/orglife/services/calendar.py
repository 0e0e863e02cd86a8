"""The member's secret calendar address."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from mofan.core.audit import audit_record
from mofan.orglife.models import (
    CalendarFeed,
)


@transaction.atomic
def calendar_feed_reset(*, user: Any) -> CalendarFeed:
    """Give the user a new secret calendar address; the previous one stops working."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(24)}
    )
    if not _created:
        feed.token = secrets.token_urlsafe(24)
        feed.save(update_fields=["token", "created_at"])
    audit_record(actor=user, action="orglife.calendar.reset", target=user)
    return feed
