"""The rules of legal counsellors (DOMAIN_RULES §4). Pure functions; the services, selectors
and tests call them.

National (教育部《中小学法治副校长聘任与管理办法》2022, [firm], so code): at least four class
hours of legal education a year, and one person serves at most two schools. Local (the seed's
five-year appointments and the reminder before the end): data, in `AppointmentRule`."""

from __future__ import annotations

from datetime import date, timedelta

from mofan.lawedu.models import AppointmentRule

HOURS_PER_YEAR = 4  # ≥ 4 class hours of legal education a school year (2022 办法)
MAX_SCHOOLS = 2  # one person serves ≤ 2 schools at the same time (2022 办法)
HOURS_PER_SESSION = 1  # a delivered session counts as one class hour (课时)
DEFAULT_TERM_YEARS = 5  # when no rule row exists
DEFAULT_REMINDER_DAYS = 60


def rule_on(day: date) -> AppointmentRule | None:
    return (
        AppointmentRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_end(starts_on: date, term_years: int | None = None) -> date:
    """The last day of a term starting on `starts_on`: a five-year appointment from 1 March 2022
    ends on 28 February 2027."""
    if term_years is None:
        rule = rule_on(starts_on)
        term_years = rule.term_years if rule else DEFAULT_TERM_YEARS
    return add_years(starts_on, term_years) - timedelta(days=1)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def hours_met(hours: int) -> bool:
    return hours >= HOURS_PER_YEAR


def too_many_schools(schools: int) -> bool:
    return schools > MAX_SCHOOLS


def serving_on(day: date, starts_on: date, last_day: date) -> bool:
    return starts_on <= day <= last_day
