"""The audit log: services call `audit_record`; `audit_verify` walks the hash chain.

Each entry is sealed with HMAC-SHA256 under the audit key, which lives outside the database
(`MOFAN_AUDIT_KEY`, or the file `audit.key` beside the other keys): whoever can write to the
database but does not hold the key cannot recompute the chain after editing it. Chains written
before the key existed were sealed with plain SHA-256; `audit_reseal` moves them to the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from mofan.core import crypto
from mofan.core.context import client_ip
from mofan.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
AUDIT_KEY_ENV = "MOFAN_AUDIT_KEY"
AUDIT_KEY_FILE = "audit.key"


@cache
def audit_key() -> bytes:
    """The key that seals the chain; the database never holds it (deploy.md, the audit key)."""
    return base64.urlsafe_b64decode(crypto._key(AUDIT_KEY_ENV, AUDIT_KEY_FILE))


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


def _payload(event: AuditEvent) -> bytes:
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
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()


def _seal(raw: bytes, key: bytes) -> str:
    return hmac.new(key, raw, hashlib.sha256).hexdigest()


def _unkeyed(raw: bytes) -> str:
    """The seal of chains written before the audit key: anyone can recompute it."""
    return hashlib.sha256(raw).hexdigest()


def _digest(event: AuditEvent) -> str:
    return _seal(_payload(event), audit_key())


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


# The reasons a check gives (English in the report, translated by the commands).
REMOVED = gettext_noop("an entry before this one was removed")
CHANGED = gettext_noop("this entry was changed")
UNKEYED = gettext_noop(
    "this entry is not sealed with the audit key: it was changed, or it predates audit-reseal"
)
CUT = gettext_noop("entries at the end of the log were removed")
RESEAL_BATCH = 1000

Seal = Callable[[bytes], str]


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and not self.reason


def _check(seals: Sequence[Seal]) -> ChainReport:
    """Walk the chain in id order. Each entry must carry one of `seals` (oldest scheme first),
    and never an older one than the entry before it."""
    prev, checked, level = GENESIS, 0, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, REMOVED)
        raw = _payload(event)
        level_found = next(
            (i for i in range(level, len(seals)) if hmac.compare_digest(seals[i](raw), event.hash)),
            None,
        )
        if level_found is None:
            return ChainReport(
                checked, event.pk, UNKEYED if _unkeyed(raw) == event.hash else CHANGED
            )
        level = level_found
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.length != checked or head.last_hash != prev):
        return ChainReport(checked, None, CUT)
    return ChainReport(checked, None, "")


def _keyed(key: bytes) -> Seal:
    return lambda raw: _seal(raw, key)


def audit_verify() -> ChainReport:
    """Recompute the chain in id order; report the first entry that was edited or removed, or
    sealed without the audit key."""
    return _check([_keyed(audit_key())])


@transaction.atomic
def audit_reseal(*, previous_key: bytes | None = None, verify: bool = True) -> ChainReport:
    """Seal the whole chain again with the audit key: once after upgrading from the unkeyed
    chain, and after replacing the key (`previous_key` is the old one). The chain is first
    checked against the seals it may carry (unkeyed, then the previous key, then the current
    one); a broken chain is reported and left as it is. `verify=False` is for a lost key: the
    chain is re-sealed unchecked, and the entry appended says so."""
    head = _locked_head()
    key = audit_key()
    if verify:
        seals = [_unkeyed, *([_keyed(previous_key)] if previous_key else []), _keyed(key)]
        report = _check(seals)
        if not report.ok:
            return report
    prev, count, last_id = GENESIS, 0, 0
    while batch := list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:RESEAL_BATCH]):
        for event in batch:
            event.prev_hash = prev
            event.hash = _seal(_payload(event), key)
            prev = event.hash
        # Rewriting the seals is the one update the append-only log allows (save() refuses).
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
        count += len(batch)
        last_id = batch[-1].pk
    head.last_hash, head.length = prev, count
    head.save(update_fields=["last_hash", "length"])
    audit_record(
        actor=None,
        action="core.audit.reseal",
        changes={"entries": [None, count], "verified": [None, verify]},
    )
    return ChainReport(count, None, "")
