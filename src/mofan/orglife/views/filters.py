"""The list pages' filters, read from the address."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from mofan.orglife import permissions as perms
from mofan.orglife.models import MeetingKind
from mofan.orgs.selectors import org_get


def year_filter(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def org_filter(request: HttpRequest) -> Any:
    """The `org` filter, within the actor's scope (404 otherwise), or None."""
    if request.GET.get("org", "").isdigit():
        return org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
    return None


def meeting_filters(request: HttpRequest) -> tuple[int, str, Any]:
    kind = request.GET.get("kind", "")
    return year_filter(request), kind if kind in MeetingKind.values else "", org_filter(request)


def wall_clock(moment: Any) -> Any:
    """An instant as the local wall-clock time a spreadsheet cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None)
