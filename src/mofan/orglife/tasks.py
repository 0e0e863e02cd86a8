"""Periodic work of organisational life: telling secretaries what is overdue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from mofan.core import access
from mofan.core.services import message_send
from mofan.orglife import permissions as perms
from mofan.orglife import selectors
from mofan.orglife.models import Attendance, Meeting, MeetingKind
from mofan.orgs.models import Organisation


def branch_managers(org_ids: set[int]) -> dict[int, list[int]]:
    """Who is told of an organisation's overdue meetings: those who manage its meetings through
    a grant on the organisation itself (its secretary and committee), not the levels above."""
    orgs = list(Organisation.objects.filter(pk__in=sorted(org_ids)))
    every = access.holders_by_org(orgs, perms.MANAGE_MEETINGS)
    above = access.holders_by_org(orgs, perms.MANAGE_MEETINGS, from_above=True)
    return {pk: sorted(set(users) - set(above[pk])) for pk, users in every.items()}


def alert_overdue(today: date | None = None) -> int:
    """Message each branch's secretaries about periods that closed yesterday unmet (once each).
    Runs as the system, over every organisation."""
    today = today or timezone.localdate()
    closed = today - timedelta(days=1)
    rows = selectors.compliance(actor=None, under=None, year=closed.year, today=today)
    due = [
        (row, kind, cell)
        for row in rows
        for kind, cells in row.cells.items()
        for cell in cells
        if cell.window.ends == today and cell.status(today) == "overdue"
    ]
    secretaries = branch_managers({row.org.pk for row, _kind, _cell in due})
    sent = 0
    for row, kind, cell in due:
        for user_id in secretaries.get(row.org.pk, ()):
            message = message_send(
                user_id=user_id,
                title=_("%(org)s: no %(kind)s in %(period)s")
                % {
                    "org": row.org.name,
                    "kind": MeetingKind(kind).label,
                    "period": cell.window.label,
                },
                body=_("The period has closed with fewer meetings than the rules ask."),
                link=reverse("orglife:compliance"),
                dedupe_key=f"overdue:{row.org.pk}:{kind}:{cell.window.starts}",
            )
            sent += message is not None
    return sent


@db_periodic_task(crontab(hour="8", minute="0"))
def alert_overdue_daily() -> None:
    alert_overdue()


def notify_attendees(meeting_id: int, *, reminder: bool = False) -> int:
    """In-app messages to the attendees who have a login (at scheduling, and the day before)."""
    meeting = Meeting.objects.select_related("org").filter(pk=meeting_id).first()
    if meeting is None or meeting.status == "cancelled":
        return 0
    start = timezone.localtime(meeting.starts_at)
    when = f"{start.month}月{start.day}日 {start:%H:%M}"
    title = (
        _("Tomorrow: %(topic)s at %(when)s") if reminder else _("Meeting: %(topic)s at %(when)s")
    ) % {"topic": meeting.topic, "when": when}
    sent = 0
    users = Attendance.objects.filter(
        meeting=meeting, member__user__isnull=False, member__user__is_active=True
    ).values_list("member__user_id", flat=True)
    for user_id in users:
        message = message_send(
            user_id=user_id,
            title=title,
            body=_("%(org)s · %(place)s") % {"org": meeting.org.name, "place": meeting.place},
            link=reverse("orglife:mine"),
            dedupe_key=f"meeting:{meeting.pk}:{'reminder' if reminder else 'notice'}",
        )
        sent += message is not None
    return sent


def remind_tomorrow(today: date | None = None) -> int:
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    ids = Meeting.objects.filter(
        status="scheduled", starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    ).values_list("pk", flat=True)
    return sum(notify_attendees(pk, reminder=True) for pk in ids)


@db_task()
def notify_attendees_task(meeting_id: int) -> None:
    notify_attendees(meeting_id)


@db_periodic_task(crontab(hour="18", minute="0"))
def remind_tomorrow_daily() -> None:
    remind_tomorrow()
