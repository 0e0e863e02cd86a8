"""Hours and star levels (DOMAIN_RULES §3). Pure functions: the services and tests call them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from mofan.volunteer.models import HoursRule

DEFAULT_THRESHOLD = Decimal("0.60")  # presence ≥ 60 % of the planned duration [local]
DEFAULT_STARS = [100, 300, 600, 1000, 1500]  # cumulative hours for 1★–5★ (2012 办法)
QUARTER_HOUR = Decimal("0.25")


def present_hours(
    *,
    starts_at: datetime,
    ends_at: datetime,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
) -> Decimal:
    """Time actually present inside the activity's window, in hours (travel is not inside the
    window, so it never counts). No check-in or no check-out: nothing to count yet."""
    if checked_in_at is None or checked_out_at is None:
        return Decimal(0)
    start, end = max(starts_at, checked_in_at), min(ends_at, checked_out_at)
    if end <= start:
        return Decimal(0)
    return Decimal((end - start).total_seconds()) / Decimal(3600)


def credited_hours(
    *,
    starts_at: datetime,
    ends_at: datetime,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    threshold: Decimal,
) -> Decimal:
    """Hours credited: the time present, rounded down to the quarter hour, if it reaches the
    threshold share of the planned duration; otherwise none."""
    planned = Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
    present = present_hours(
        starts_at=starts_at,
        ends_at=ends_at,
        checked_in_at=checked_in_at,
        checked_out_at=checked_out_at,
    )
    if planned <= 0 or present < planned * threshold:
        return Decimal(0)
    quarters = (present / QUARTER_HOUR).to_integral_value(rounding=ROUND_DOWN)
    return (quarters * QUARTER_HOUR).quantize(Decimal("0.01"))


def rule_on(day: date) -> HoursRule | None:
    return HoursRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def stars_for(total_hours: Decimal, star_hours: list[int] | None = None) -> int:
    levels = star_hours or DEFAULT_STARS
    return sum(1 for needed in levels if total_hours >= needed)
