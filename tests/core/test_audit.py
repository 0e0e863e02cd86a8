import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from mofan.accounts.models import Role
from mofan.core.audit import audit_record, audit_verify
from mofan.core.models import AuditEvent
from mofan.orgs.services import org_update
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db


def _events(tree: Tree) -> list[AuditEvent]:
    for name in ("甲一", "甲二", "甲三"):
        org_update(actor=None, org=tree.branch_a2, name=name, organ=None, is_joint=False)
    return list(AuditEvent.objects.order_by("id"))


def test_chain_verifies_when_untouched(tree: Tree) -> None:
    events = _events(tree)
    report = audit_verify()
    assert report.ok and report.checked == len(events)
    out = io.StringIO()
    call_command("audit-verify", stdout=out)
    assert f"已校验 {len(events)} 条" in out.getvalue()


def test_chain_detects_an_edited_row(tree: Tree) -> None:
    events = _events(tree)
    victim = events[-2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET target_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
    report = audit_verify()
    assert report.first_bad_id == victim.pk
    assert report.reason == "this entry was changed"
    with pytest.raises(CommandError, match=f"第 {victim.pk} 条"):
        call_command("audit-verify")


def test_chain_detects_a_deleted_row(tree: Tree) -> None:
    events = _events(tree)
    victim = events[-3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    report = audit_verify()
    assert report.first_bad_id == events[-2].pk
    assert report.reason == "an entry before this one was removed"


def test_chain_detects_a_deleted_last_row(tree: Tree) -> None:
    events = _events(tree)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    report = audit_verify()
    assert not report.ok and report.first_bad_id is None
    assert report.checked == len(events) - 1


def test_audit_rows_refuse_update_and_delete(tree: Tree) -> None:
    event = audit_record(actor=None, action="core.test.write")
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_audit_admin_browses_filters_and_exports(tree: Tree, roles: dict[str, Role]) -> None:
    _events(tree)
    auditor = make_user("auditor", grants=[(roles["audit_admin"], tree.root, True)])
    client = login(Client(), auditor)
    page = client.get(reverse("core:audit"), {"action": "orgs.organisation.update"})
    body = page.content.decode()
    assert body.count('<span title="orgs.organisation.update">组织已修改</span>') == 3
    assert "orgs.organisation.create" not in body
    export = client.get(reverse("core:audit_export"), {"action": "orgs.organisation.update"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "组织", "操作")
    assert len(rows) == 4
    assert {row[3:5] for row in rows[1:]} == {("组织已修改", "orgs.organisation.update")}
    # nobody else reads it, not even the work committee administrator
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    assert login(Client(), admin).get(reverse("core:audit")).status_code == 403


def test_init_deployment_creates_root_and_administrators(roles: dict[str, Role]) -> None:
    from mofan.accounts.models import User
    from mofan.orgs.models import Organisation

    out = io.StringIO()
    call_command("init_deployment", root="中共某市委市直机关工委", stdout=out)
    assert Organisation.objects.get(depth=1).name == "中共某市委市直机关工委"
    users = User.objects.filter(username__in=["gongwei", "sysadmin", "secadmin", "auditadmin"])
    assert users.count() == 4 and all(u.must_change_password for u in users)
    assert "首次登录须修改" in out.getvalue()
    assert audit_verify().ok
    with pytest.raises(CommandError, match="已有根组织"):
        call_command("init_deployment", root="另一个")
