"""What the volunteer pages share."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


EXPORT_MAX_ROWS = 100_000
