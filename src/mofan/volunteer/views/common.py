"""What the volunteer pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from mofan.members.models import Member


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def member_of(user: Any) -> Member | None:
    return (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )


EXPORT_MAX_ROWS = 100_000
