"""Periodic housekeeping of the platform."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from mofan.core.models import Message
from mofan.core.workflow import lookup


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


def email_message(message_id: int) -> bool:
    """Send one in-app message by e-mail to its user, if they have an address. Returns whether
    a mail went out."""
    message = Message.objects.select_related("user").filter(pk=message_id).first()
    if message is None or not message.user.is_active or not message.user.email:
        return False
    lines = [message.body] if message.body else []
    if message.link:
        lines.append(f"{settings.MOFAN_SITE_URL}{message.link}")
    lines.append(_("This mail was sent by Mofan; reply in the system, not to this address."))
    send_mail(
        subject=_("[Mofan] %(title)s") % {"title": message.title},
        message="\n\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[message.user.email],
    )
    return True


@db_task(retries=3, retry_delay=300)
def email_message_task(message_id: int) -> None:
    email_message(message_id)


@db_task()
def workflow_notify(workflow: str, pk: int, step: str) -> int:
    """Tell the audience of a workflow step that has been committed (`core.workflow`)."""
    return lookup(workflow).notify(pk, step)
