"""The audit log: services call `audit_record`; `audit_verify` walks the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mofan.core.context import client_ip
from mofan.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _locked_head() -> AuditChainHead:
    """The chain's head, locked until the transaction ends. The first writer ever (or after a
    test emptied the table) creates it; writers arriving together insert it at most once
    (the others' insert does nothing) and then queue on the lock like everyone else."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=1, last_hash=GENESIS, length=0)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _digest(event: AuditEvent) -> str:
    payload = {
        "prev": event.prev_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "org": event.org_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
        "ip": event.ip,
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    org: Any = None,
    changes: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the service's transaction."""
    # No savepoint: an error here fails the service's transaction anyway, and the chain's
    # head stays locked for two round trips fewer (every audited write queues on it).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor if is_user else None,
            actor_label=actor.get_username() if is_user else "system",
            org=org,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=(target_label if target_label is not None else str(target or ""))[:255],
            changes={k: _plain(v) for k, v in (changes or {}).items()},
            ip=client_ip(),
            prev_hash=head.last_hash,
        )
        # Store microsecond-free JSON values exactly as hashed: reload-stable.
        event.hash = _digest(event)
        event.save()
        head.last_hash = event.hash
        head.length += 1
        head.save(update_fields=["last_hash", "length"])
    return event


def audit_record_many(
    *,
    actor: Any,
    action: str,
    targets: Sequence[models.Model],
    org: Any = None,
    changes: list[dict[str, Any]] | None = None,
) -> int:
    """Append one event per target in one locked step (imports of thousands of rows)."""
    if not targets:
        return 0
    with transaction.atomic():
        head = _locked_head()
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        now, ip, prev = timezone.now(), client_ip(), head.last_hash
        events = []
        for index, target in enumerate(targets):
            event = AuditEvent(
                created_at=now,
                actor=actor if is_user else None,
                actor_label=actor.get_username() if is_user else "system",
                org=org,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_label=str(target)[:255],
                changes={k: _plain(v) for k, v in (changes[index] if changes else {}).items()},
                ip=ip,
                prev_hash=prev,
            )
            event.hash = _digest(event)
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        head.last_hash, head.length = prev, head.length + len(events)
        head.save(update_fields=["last_hash", "length"])
    return len(events)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and not self.reason


def audit_verify() -> ChainReport:
    """Recompute the chain in id order; report the first entry that was edited or removed."""
    prev = GENESIS
    checked = 0
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    for event in events:
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, "an entry before this one was removed")
        if _digest(event) != event.hash:
            return ChainReport(checked, event.pk, "this entry was changed")
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.length != checked or head.last_hash != prev):
        return ChainReport(checked, None, "entries at the end of the log were removed")
    return ChainReport(checked, None, "")
