"""Periodic work of organisational life: telling secretaries what is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.accounts.models import Grant
from mofan.core.services import message_send
from mofan.orglife import selectors
from mofan.orglife.models import MeetingKind


def alert_overdue(today: date | None = None) -> int:
    """Message each branch's secretaries about periods that closed yesterday unmet (once each).
    Runs as the system, over every organisation."""
    today = today or timezone.localdate()
    closed = today - timedelta(days=1)
    rows = selectors.compliance(actor=None, under=None, year=closed.year, today=today)
    grants: dict[int, set[int]] = {}
    for grant in Grant.objects.filter(
        revoked_at__isnull=True, role__code="branch_secretary"
    ).values("org_id", "user_id"):
        grants.setdefault(grant["org_id"], set()).add(grant["user_id"])
    sent = 0
    for row in rows:
        for kind, cells in row.cells.items():
            for cell in cells:
                if cell.window.ends != today or cell.status(today) != "overdue":
                    continue
                for user_id in sorted(grants.get(row.org.pk, ())):
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
