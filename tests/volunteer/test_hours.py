"""Hours at their edges (DOMAIN_RULES §3): only time present inside the window, credited from
the threshold share of the planned time on."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mofan.volunteer.rules import credited_hours, stars_for

TZ = timezone.get_current_timezone()
START = datetime(2026, 5, 9, 9, 0, tzinfo=TZ)
END = START + timedelta(hours=4)  # planned 4 hours; 60 % is 2.4 hours


def credit(
    check_in: datetime | None, check_out: datetime | None, threshold: str = "0.60"
) -> Decimal:
    return credited_hours(
        starts_at=START,
        ends_at=END,
        checked_in_at=check_in,
        checked_out_at=check_out,
        threshold=Decimal(threshold),
    )


@pytest.mark.parametrize(
    ("check_in", "check_out", "expected"),
    [
        (
            START - timedelta(minutes=40),
            END + timedelta(hours=1),
            "4.00",
        ),  # early and late: window only
        (START + timedelta(minutes=50), END, "3.00"),  # late check-in: 3 h 10 m → 3.00
        (START, START + timedelta(hours=2, minutes=24), "2.25"),  # exactly 60 %: credited
        (START, START + timedelta(hours=2, minutes=23), "0.00"),  # just under: nothing
        (START + timedelta(hours=1), START + timedelta(hours=2), "0.00"),  # left early
        (START, None, "0.00"),  # no check-out: nothing until the organiser records one
        (None, END, "0.00"),
        (END + timedelta(minutes=5), END + timedelta(hours=1), "0.00"),  # came after the end
    ],
)
def test_credited_hours(
    check_in: datetime | None, check_out: datetime | None, expected: str
) -> None:
    assert credit(check_in, check_out) == Decimal(expected)


def test_activity_crossing_midnight() -> None:
    start = datetime(2026, 12, 31, 22, 0, tzinfo=TZ)
    end = start + timedelta(hours=4)  # until 02:00 on 1 January
    hours = credited_hours(
        starts_at=start,
        ends_at=end,
        checked_in_at=start + timedelta(minutes=5),
        checked_out_at=end,
        threshold=Decimal("0.60"),
    )
    assert hours == Decimal("3.75")


def test_star_levels() -> None:
    assert stars_for(Decimal("99.75")) == 0
    assert stars_for(Decimal("100")) == 1
    assert stars_for(Decimal("1500")) == 5
    assert stars_for(Decimal("350"), [50, 100, 200, 300, 400]) == 4
