"""Reads of the core: notices, messages, the audit log, home figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, registry
from mofan.core import permissions as perms
from mofan.core.models import AuditEvent, Message, Notice, NoticeReceipt


def notice_inbox(*, actor: Any) -> QuerySet[NoticeReceipt]:
    return (
        NoticeReceipt.objects.filter(user=actor)
        .select_related("notice", "notice__sender_org")
        .order_by("-notice__published_at", "-id")
    )


def notice_unread_count(*, actor: Any) -> int:
    return unread_counts(actor=actor)[0]


def notice_receipt_get(*, actor: Any, notice_pk: int) -> NoticeReceipt:
    """The actor's own copy of a notice; 404 when they were not among its recipients."""
    receipt = notice_inbox(actor=actor).filter(notice_id=notice_pk).first()
    if receipt is None:
        raise Http404
    return receipt


def notice_sent_list(*, actor: Any) -> QuerySet[Notice]:
    return (
        access.scope(Notice.objects.all(), actor, perms.SEND_NOTICE)
        .select_related("sender_org", "org", "author")
        .annotate(
            n_recipients=Count("receipts"),
            n_read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        )
        .order_by("-published_at", "-id")
    )


def notice_sent_get(*, actor: Any, pk: int) -> Notice:
    return access.get_for_actor(notice_sent_list(actor=actor), actor, perms.SEND_NOTICE, pk=pk)


def notice_receipts(*, notice: Notice) -> QuerySet[NoticeReceipt]:
    return notice.receipts.select_related("user").order_by("read_at", "user__username")


def message_inbox(*, actor: Any, kind: str = "") -> QuerySet[Message]:
    """The actor's messages, of one kind when `kind` is given."""
    messages = Message.objects.filter(user=actor)
    return messages.filter(kind=kind) if kind else messages


def message_lines(*, actor: Any, kind: str = "") -> QuerySet[Message]:
    """The lines of the messages page, newest first: each message, except that the automatic
    messages about one order make one line, shown as the latest of them (`message_threads`
    then reads the rest of each order's messages)."""
    latest_per_order = (
        Message.objects.filter(user=actor, kind=Message.Kind.ORDER)
        .values("link")
        .annotate(latest=Max("pk"))
        .values("latest")
    )
    return (
        message_inbox(actor=actor, kind=kind)
        .filter(~Q(kind=Message.Kind.ORDER) | Q(pk__in=latest_per_order))
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class MessageLine:
    """One line of the messages page: a message, or the messages about one order."""

    message: Message  # the line's message: the latest about its order
    thread: list[Message]  # the messages of the line, newest first (the message among them)

    @property
    def unread(self) -> int:
        return sum(1 for m in self.thread if m.read_at is None)

    @property
    def ids(self) -> str:
        """The ids of the line's messages, for the line's checkbox."""
        return " ".join(str(m.pk) for m in self.thread)


def message_threads(*, actor: Any, lines: list[Message]) -> list[MessageLine]:
    """`lines` (a page of `message_lines`), each order's line with all the messages about
    that order. One query, whatever the number of lines."""
    links = {line.link for line in lines if line.kind == Message.Kind.ORDER}
    threads: dict[str, list[Message]] = {}
    if links:
        for message in Message.objects.filter(
            user=actor, kind=Message.Kind.ORDER, link__in=sorted(links)
        ).order_by("-created_at", "-id"):
            threads.setdefault(message.link, []).append(message)
    return [
        MessageLine(
            line,
            threads.get(line.link, [line]) if line.kind == Message.Kind.ORDER else [line],
        )
        for line in lines
    ]


def message_unread_by_kind(*, actor: Any) -> dict[str, int]:
    """The actor's unread messages per kind (the filter's figures), in one query."""
    rows = (
        Message.objects.filter(user=actor, read_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def unread_counts(*, actor: Any) -> tuple[int, int]:
    """The actor's unread notices and unread messages (the layout's top bar on every page, the
    home page's figure): one hand-written query of two indexed counts."""
    if not actor.is_authenticated:
        return (0, 0)
    notices, messages = NoticeReceipt._meta.db_table, Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {notices} WHERE user_id = %s AND read_at IS NULL), "  # noqa: S608 - table names from the models
            f"(SELECT COUNT(*) FROM {messages} WHERE user_id = %s AND read_at IS NULL)",
            [actor.pk, actor.pk],
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]))


def audit_list(
    *,
    actor: Any,
    action: str = "",
    actor_name: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log for audit administrators: every entry, filtered."""
    if not access.has_permission(actor, perms.VIEW_AUDIT):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("org").order_by("-id")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_name:
        qs = qs.filter(actor_label__icontains=actor_name)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs


def home_figures(*, actor: Any) -> list[dict[str, Any]]:
    """The figures on the home page, each counted from records in the actor's scope: those of
    the apps above core (their `figures_for_home`) and core's own, in the order of `rank`."""
    figures: list[dict[str, Any]] = []
    for hook in registry.provided("selectors", "figures_for_home"):
        figures += hook(actor=actor)
    if access.has_permission(actor, perms.VIEW_AUDIT):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        figures.append(
            {
                "label": _("Audit events today"),
                "value": AuditEvent.objects.filter(created_at__gte=today).count(),
                "url": reverse("core:audit"),
                "rank": 30,
            }
        )
    figures.append(
        {
            "label": _("Unread notices"),
            "value": notice_unread_count(actor=actor),
            "url": reverse("core:notice_inbox"),
            "rank": 40,
        }
    )
    return sorted(figures, key=lambda figure: figure["rank"])
