"""Periodic housekeeping of the platform."""

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


def refresh_planner_statistics(*, full: bool = False) -> None:
    """SQLite plans well only with statistics (`ANALYZE`); PostgreSQL's autovacuum keeps its
    own. Without them SQLite scans a 拼音 index instead of the organisation subtree."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if full else "PRAGMA optimize")


@db_periodic_task(crontab(hour="3", minute="10"))
def refresh_planner_statistics_nightly() -> None:
    refresh_planner_statistics()
