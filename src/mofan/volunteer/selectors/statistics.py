"""The volunteering figures of a scope and period, counted from records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_bounds
from mofan.orgs.models import Organisation
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    ActivityStatus,
    WishStatus,
)
from mofan.volunteer.selectors.common import year_bounds


@dataclass
class Statistics:
    wishes_posted: int
    wishes_claimed: int
    wishes_fulfilled: int
    activities: int
    person_times: int
    hours: Decimal


def period_bounds(period: str, today: date | None = None) -> tuple[datetime, datetime, str]:
    """'2025' (a year) or 'last12' (the twelve months up to today): instants and a label."""
    today = today or timezone.localdate()
    if period == "last12":
        zone = timezone.get_current_timezone()
        begin = today.replace(year=today.year - 1) + timedelta(days=1)
        return (
            datetime.combine(begin, time.min, tzinfo=zone),
            datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
            f"{begin.year}年{begin.month}月{begin.day}日至{today.year}年{today.month}月{today.day}日",
        )
    year = int(period) if period.isdigit() and 2000 <= int(period) <= today.year + 1 else today.year
    start, end = year_bounds(year)
    return start, end, f"{year}年"


# The six figures in one statement over the organisations in scope (`{scope}`,
# `{claim_scope}`: path ranges and single organisations from `core.access.path_scope`, written
# as placeholders; every value is a parameter). The activities held are read once (a
# materialised common table, SQLite ≥ 3.35 and PostgreSQL ≥ 12), counted, and their
# participations summed through `IN`: at a city's scale that is a third faster than joining
# participations with activities, and one read of the activities fewer. The ORM built,
# scoped and compiled four querysets for the same answer, about 1 ms each, which was most of
# the time for one committee's subtree.
STATISTICS_SQL = """
WITH held AS MATERIALIZED (
  SELECT a.id FROM volunteer_volunteeractivity a
    JOIN orgs_organisation o ON o.id = a.org_id
   WHERE ({scope}) AND a.status <> %s AND a.starts_at >= %s AND a.starts_at < %s)
SELECT posted.n, claims.n, claims.fulfilled, (SELECT COUNT(*) FROM held),
       parts.person_times, parts.hours
FROM
  (SELECT COUNT(*) AS n FROM volunteer_wish w
     JOIN orgs_partnerunit c ON c.id = w.community_id
     JOIN orgs_organisation o ON o.id = c.org_id
    WHERE ({scope}) AND w.posted_at >= %s AND w.posted_at < %s) posted,
  (SELECT COUNT(*) AS n, COUNT(CASE WHEN w.status = %s THEN 1 END) AS fulfilled
     FROM volunteer_wish w JOIN orgs_organisation o ON o.id = w.claimed_for_id
    WHERE ({claim_scope}) AND w.claimed_at >= %s AND w.claimed_at < %s) claims,
  (SELECT COUNT(CASE WHEN p.hours > 0 THEN 1 END) AS person_times, SUM(p.hours) AS hours
     FROM volunteer_participation p
    WHERE p.activity_id IN (SELECT id FROM held)) parts
"""


def _scope_sql(found: access.PathScope | None) -> tuple[str, list[Any]]:
    """The condition on the organisation `o` for a scope (None: every organisation), with
    its parameters."""
    if found is None:
        return "1 = 1", []
    return found.sql("o")


# Django keeps 15 significant digits of the float SQLite answers for a decimal SUM.
_SQLITE_DECIMAL = DecimalContext(prec=15)


def _sum_decimal(value: Any) -> Decimal:
    """A SUM of a decimal column as the ORM gave it: PostgreSQL answers a Decimal, SQLite an
    integer or a float; none (no rows) or zero is Decimal(0)."""
    if value is None:
        return Decimal(0)
    if not isinstance(value, Decimal):
        value = _SQLITE_DECIMAL.create_decimal_from_float(value)
    return value or Decimal(0)


def statistics(
    *, actor: Any, under: Organisation | None, start: datetime, end: datetime
) -> Statistics:
    """Counted from records for the actor's scope (or a subtree of it) and a period: wishes
    posted by the communities the organisations look after, wishes claimed and fulfilled by
    their members, activities they organised that have taken place, person-times (人次:
    participants credited with hours) and hours. One query (and the actor's grants).

    The scope is `core.access`'s (`path_scope`): the organisations in the actor's grants for
    VIEW, within `under` if given. Claims count where the claimer's organisation is in scope,
    whoever posted the wish; with no actor (the system) every claim counts, and nothing
    else, as the querysets scoped for nobody did."""
    found = access.path_scope(actor, perms.VIEW)
    claim_found: access.PathScope | None = None if actor is None else found  # None: all
    if under is not None:
        found = found.under(under.path)
        claim_found = (
            access.PathScope((subtree_bounds(under.path),), ())
            if claim_found is None
            else claim_found.under(under.path)
        )
    if found.empty and claim_found is not None and claim_found.empty:
        return Statistics(0, 0, 0, 0, 0, Decimal(0))
    scope, scope_params = _scope_sql(found)
    claim_scope, claim_params = _scope_sql(claim_found)
    adapt = connection.ops.adapt_datetimefield_value
    since, until = adapt(start), adapt(end)
    held_until = adapt(min(end, timezone.now()))
    cancelled = str(ActivityStatus.CANCELLED)
    params = [
        *scope_params, cancelled, since, held_until,
        *scope_params, since, until,
        str(WishStatus.CONFIRMED), *claim_params, since, until,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(STATISTICS_SQL.format(scope=scope, claim_scope=claim_scope), params)
        row = cursor.fetchone()
    posted, claimed, fulfilled, activities, person_times, hours = row
    return Statistics(
        wishes_posted=posted,
        wishes_claimed=claimed,
        wishes_fulfilled=fulfilled,
        activities=activities,
        person_times=person_times,
        hours=_sum_decimal(hours),
    )
