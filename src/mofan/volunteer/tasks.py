"""Periodic work of micro-wishes: unclaimed wishes expire at their deadline."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.volunteer.services import wishes_expire


@db_periodic_task(crontab(hour="0", minute="20"))
def wishes_expire_daily() -> None:
    wishes_expire()
