"""The three administrators on a phone: a grant by the security administrator, then seen in the
audit log by the audit administrator."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Grant, Role
from tests.browser.conftest import shot
from tests.browser.test_core_flows import sign_in
from tests.conftest import Tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_security_admin_grants_and_auditor_sees_it(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("secadmin", grants=[(roles["security_admin"], tree.root, True)])
    make_user("auditadmin", grants=[(roles["audit_admin"], tree.root, True)])
    newcomer = make_user("xinshuji")
    sign_in(phone, live_server.url, "secadmin")
    phone.wait_for_url(f"{live_server.url}/")
    assert phone.get_by_text("组织机构").count() == 0  # no business data by role alone
    phone.goto(f"{live_server.url}/accounts/grants/new/")
    phone.get_by_label("用户").select_option(label="xinshuji")
    phone.get_by_label("角色").select_option(label="支部书记")
    phone.get_by_label("组织", exact=True).select_option(label="　　甲第一支部")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("授权已创建。")).to_be_visible()
    shot(phone, "grants")
    assert Grant.objects.get(user=newcomer).org == tree.branch_a1

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    auditor = context.new_page()
    sign_in(auditor, live_server.url, "auditadmin")
    auditor.wait_for_url(f"{live_server.url}/")
    auditor.goto(f"{live_server.url}/audit/?action=accounts.grant")
    row = auditor.locator("table.stack tbody tr").first
    expect(row).to_contain_text("accounts.grant.create")
    expect(row).to_contain_text("secadmin")
    shot(auditor, "audit")
    context.close()
