"""The audit chain is sealed with a key the database does not hold: rewriting an entry and
recomputing every later hash without the key is caught, and `audit-reseal` moves an unkeyed
chain (or one sealed with a replaced key) to the current key."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mofan.core import audit
from mofan.core.audit import audit_verify
from mofan.core.models import AuditChainHead, AuditEvent
from mofan.orgs.services import org_update
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key() -> Iterator[None]:
    audit.audit_key.cache_clear()
    yield
    audit.audit_key.cache_clear()


def _events(tree: Tree) -> list[AuditEvent]:
    for name in ("甲一", "甲二", "甲三", "甲四"):
        org_update(actor=None, org=tree.branch_a2, name=name, organ=None, is_joint=False)
    return list(AuditEvent.objects.order_by("id"))


def _sha256(row: AuditEvent, prev: str) -> str:
    """What someone who has read the source but lacks the key computes: the entry's fields
    and the previous hash, as JSON, under plain SHA-256."""
    payload = {
        "prev": prev,
        "at": row.created_at.isoformat(),
        "actor": row.actor_id,
        "actor_label": row.actor_label,
        "org": row.org_id,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "target_label": row.target_label,
        "changes": row.changes,
        "ip": row.ip,
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _rewrite_without_key(start: int = 0) -> None:
    """Recompute, in SQL, every hash from the entry at `start` on with plain SHA-256, and the
    chain's head: the whole chain looks consistent to anyone who does not hold the key."""
    rows = list(AuditEvent.objects.order_by("id"))
    prev = rows[start - 1].hash if start else audit.GENESIS
    with connection.cursor() as cursor:
        for row in rows[start:]:
            digest = _sha256(row, prev)
            cursor.execute(
                "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, row.pk],
            )
            prev = digest
        cursor.execute(
            "UPDATE core_auditchainhead SET last_hash = %s, length = %s WHERE id = 1",
            [prev, len(rows)],
        )


def _hashes() -> list[tuple[str, str]]:
    return list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))


def test_an_untouched_chain_passes(tree: Tree) -> None:
    events = _events(tree)
    assert audit_verify().ok and audit_verify().checked == len(events)
    out = io.StringIO()
    call_command("audit-verify", stdout=out)
    assert f"已校验 {len(events)} 条" in out.getvalue()


def test_an_entry_rewritten_without_the_key_is_caught(tree: Tree) -> None:
    events = _events(tree)
    victim = events[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET target_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
    _rewrite_without_key(start=2)
    report = audit_verify()
    assert (report.checked, report.first_bad_id) == (2, victim.pk)
    assert report.reason == audit.UNKEYED
    with pytest.raises(CommandError) as failure:
        call_command("audit-verify")
    assert str(failure.value) == (
        f"审计日志哈希链在第 {victim.pk} 条处断裂（该条未用审计密钥封存：它被改动过，"
        "或早于 audit-reseal）；其前 2 条完整。"
    )


def test_the_seal_depends_on_the_key(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    _events(tree)
    monkeypatch.setenv("MOFAN_AUDIT_KEY", Fernet.generate_key().decode())
    audit.audit_key.cache_clear()
    report = audit_verify()
    assert (report.first_bad_id, report.reason) == (
        AuditEvent.objects.order_by("id").first().pk,  # type: ignore[union-attr]
        audit.CHANGED,
    )


def test_the_key_is_generated_once_outside_the_database(tree: Tree, settings: object) -> None:
    key_file = Path(settings.DATA_DIR) / "audit.key"  # type: ignore[attr-defined]
    _events(tree)
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.urlsafe_b64decode(key_file.read_bytes())) == 32
    audit.audit_key.cache_clear()
    assert audit.audit_key() == base64.urlsafe_b64decode(key_file.read_bytes())


def test_reseal_moves_an_unkeyed_chain_to_the_key(tree: Tree) -> None:
    events = _events(tree)
    _rewrite_without_key()  # the chain as an older release wrote it
    assert audit_verify().first_bad_id == events[0].pk
    out = io.StringIO()
    call_command("audit-reseal", stdout=out)
    assert out.getvalue().strip() == f"已用审计密钥重新封存审计日志哈希链：{len(events)} 条。"
    report = audit_verify()
    assert report.ok and report.checked == len(events) + 1
    last = AuditEvent.objects.order_by("id").last()
    assert last is not None and last.action == "core.audit.reseal"
    assert last.changes == {"entries": [None, len(events)], "verified": [None, True]}
    assert AuditChainHead.objects.get().length == len(events) + 1


def test_reseal_accepts_unkeyed_entries_followed_by_keyed_ones(tree: Tree) -> None:
    events = _events(tree)
    _rewrite_without_key()
    org_update(actor=None, org=tree.branch_a2, name="升级后", organ=None, is_joint=False)
    call_command("audit-reseal", stdout=io.StringIO())
    assert audit_verify().ok and audit_verify().checked == len(events) + 2


def test_reseal_refuses_a_broken_chain_and_changes_nothing(tree: Tree) -> None:
    events = _events(tree)
    _rewrite_without_key()
    victim = events[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET target_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
    before = _hashes()
    with pytest.raises(CommandError) as failure:
        call_command("audit-reseal")
    assert str(failure.value) == (
        f"未重新封存任何条目：审计日志哈希链在第 {victim.pk} 条处断裂（该条被改动过）。"
        "请先查明原因，再重新封存。"
    )
    assert _hashes() == before
    assert AuditEvent.objects.count() == len(events)


def test_reseal_refuses_an_unkeyed_entry_after_keyed_ones(tree: Tree) -> None:
    events = _events(tree)
    victim = events[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET target_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
    _rewrite_without_key(start=2)
    with pytest.raises(CommandError, match=f"第 {victim.pk} 条"):
        call_command("audit-reseal")
    assert AuditEvent.objects.count() == len(events)


def test_reseal_after_replacing_the_key(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    events = _events(tree)
    old_key = tmp_path / "audit.key.old"
    old_key.write_bytes(base64.urlsafe_b64encode(audit.audit_key()))
    monkeypatch.setenv("MOFAN_AUDIT_KEY", Fernet.generate_key().decode())
    audit.audit_key.cache_clear()
    assert not audit_verify().ok
    with pytest.raises(CommandError, match=f"第 {events[0].pk} 条"):
        call_command("audit-reseal")
    call_command("audit-reseal", previous_key_file=old_key, stdout=io.StringIO())
    assert audit_verify().ok and audit_verify().checked == len(events) + 1


def test_reseal_without_verifying_after_losing_the_key(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _events(tree)
    monkeypatch.setenv("MOFAN_AUDIT_KEY", Fernet.generate_key().decode())
    audit.audit_key.cache_clear()
    call_command("audit-reseal", without_verifying=True, stdout=io.StringIO())
    assert audit_verify().ok
    last = AuditEvent.objects.order_by("id").last()
    assert last is not None
    assert last.changes == {"entries": [None, len(events)], "verified": [None, False]}


def test_reseal_reports_an_unreadable_previous_key(tree: Tree, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as failure:
        call_command("audit-reseal", previous_key_file=tmp_path / "missing.key")
    assert str(failure.value) == f"无法从 {tmp_path / 'missing.key'} 读取原审计密钥。"
