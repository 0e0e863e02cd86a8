"""Writes of the core: notices with read receipts, in-app messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, registry
from mofan.core import permissions as perms
from mofan.core.audit import audit_record
from mofan.core.deferred import after_commit
from mofan.core.errors import DomainError
from mofan.core.models import Message, Notice, NoticeReceipt


def notice_recipient_ids(*, org: Any, audience: str = Notice.Audience.PARTY) -> set[int]:
    """The audience in the subtree, as each app above core counts its part of it
    (`notice_audience`). Party: members with a login and holders of business roles there.
    Partners: the logins of the contacts of partner units the subtree manages."""
    ids: set[int] = set()
    for hook in registry.provided("selectors", "notice_audience"):
        ids |= hook(org=org, audience=audience)
    return ids


@transaction.atomic
def notice_send(
    *,
    actor: Any,
    sender_org: Any,
    org: Any,
    title: str,
    body: str,
    audience: str = Notice.Audience.PARTY,
) -> Notice:
    access.require(actor, perms.SEND_NOTICE, sender_org)
    if audience not in Notice.Audience.values:
        raise DomainError({"audience": _("Choose who receives the notice.")})
    if not org.path.startswith(sender_org.path):
        raise DomainError(
            {"org": _("A notice goes to the sending organisation or those below it.")}
        )
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not title:
        raise DomainError({"title": _("Enter a title.")})
    if not body:
        raise DomainError({"body": _("Enter the text of the notice.")})
    notice = Notice.objects.create(
        sender_org=sender_org,
        org=org,
        audience=audience,
        title=title[:200],
        body=body,
        author=actor,
        published_at=timezone.now(),
    )
    recipients = notice_recipient_ids(org=org, audience=audience)
    NoticeReceipt.objects.bulk_create(
        [NoticeReceipt(notice=notice, user_id=uid) for uid in sorted(recipients)]
    )
    audit_record(
        actor=actor,
        action="core.notice.send",
        target=notice,
        org=sender_org,
        changes={
            "title": [None, title],
            "addressed_to": [None, org.name],
            "audience": [None, audience],
            "recipients": [None, len(recipients)],
        },
    )
    return notice


@transaction.atomic
def notice_mark_read(*, actor: Any, receipt: NoticeReceipt) -> NoticeReceipt:
    """Reading a notice leaves a receipt; a second reading changes nothing."""
    updated = NoticeReceipt.objects.filter(pk=receipt.pk, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    receipt.refresh_from_db(fields=["read_at"])
    if updated:
        audit_record(
            actor=actor,
            action="core.notice.read",
            target=receipt.notice,
            org=receipt.notice.sender_org,
        )
    return receipt


# Which kind a message is, from the page it links to, when its sender does not say (first
# match wins). The data migration `0006_message_kind` keeps its own copy as it stood then.
MESSAGE_KIND_BY_LINK: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/cobuild/orders/"), Message.Kind.ORDER),
    (re.compile(r"^/(cobuild|lawedu)/"), Message.Kind.COBUILD),
    (re.compile(r"^/orglife/"), Message.Kind.MEETING),
    (re.compile(r"^/volunteer/"), Message.Kind.VOLUNTEER),
    (re.compile(r"^/(orgs|campaigns)/"), Message.Kind.REMINDER),
)


def message_kind_for(*, link: str) -> str:
    """The kind of a message that links to `link` (a path as `reverse` gives it)."""
    prefix = get_script_prefix()
    path = "/" + link.removeprefix(prefix) if link.startswith(prefix) else link
    for pattern, kind in MESSAGE_KIND_BY_LINK:
        if pattern.match(path):
            return kind
    return Message.Kind.SYSTEM


def message_send(
    *,
    user_id: int,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    kind: str = "",
) -> Message | None:
    """An in-app message; with a dedupe key, at most one per user and key. Its kind (the
    messages page's filter) is `kind`, or else follows from the link. When SMTP is configured
    the message also goes by e-mail to the user's address, after the commit."""
    kind = kind or message_kind_for(link=link)
    if kind not in Message.Kind.values:
        raise ValueError(f"unknown message kind {kind!r}")
    try:
        with transaction.atomic():
            message = Message.objects.create(
                user_id=user_id,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    if settings.MOFAN_EMAIL_ENABLED:
        after_commit("mofan.core.tasks.email_message_task", message.pk)
    return message


def message_mark_read(*, actor: Any, message: Message) -> None:
    Message.objects.filter(pk=message.pk, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def messages_mark_read(
    *, actor: Any, kind: str = "", message_ids: Iterable[int] | None = None
) -> int:
    """Mark the actor's unread messages read, in one statement: all of them, those of one
    kind, or only `message_ids` (ids of other users' messages change nothing). Like reading
    one message, this is not audited. Returns how many were marked."""
    if kind and kind not in Message.Kind.values:
        raise DomainError(_("Choose a kind of message."))
    unread = Message.objects.filter(user=actor, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    if message_ids is not None:
        unread = unread.filter(pk__in=sorted(set(message_ids)))
    return unread.update(read_at=timezone.now())
