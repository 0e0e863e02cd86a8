"""The three administrators on a phone: the security administrator asks for a business grant,
the work committee administrator approves it (双人复核), and the audit administrator reads both
steps in the audit log, in words."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Grant, GrantRequest, Role
from tests.browser.conftest import PHONE, shot
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_security_admin_requests_work_committee_admin_approves_auditor_sees_it(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("secadmin", grants=[(roles["security_admin"], tree.root, True)])
    make_user("gongwei", grants=[(roles["work_committee_admin"], tree.root, True)])
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
    expect(phone.get_by_text("授权申请已提交，工委管理员批准后生效。")).to_be_visible()
    expect(phone.get_by_test_id("my-requests")).to_contain_text("xinshuji")
    shot(phone, "grants")
    assert not Grant.objects.filter(user=newcomer).exists()  # nothing until approved

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    approver = context.new_page()
    sign_in(approver, live_server.url, "gongwei")
    approver.wait_for_url(f"{live_server.url}/")
    approver.goto(f"{live_server.url}/accounts/grant-requests/")
    row = approver.get_by_test_id("pending-requests").locator("tbody tr").first
    expect(row).to_contain_text("xinshuji")
    expect(row).to_contain_text("支部书记")
    expect(row).to_contain_text("secadmin")
    shot(approver, "grant-approve")
    row.get_by_role("button", name="审核通过").click()
    expect(approver.get_by_text("已批准，授权已生效。")).to_be_visible()
    expect(approver.get_by_text("没有等待批准的申请。")).to_be_visible()
    context.close()
    assert Grant.objects.get(user=newcomer).org == tree.branch_a1
    assert GrantRequest.objects.get().decided_by.username == "gongwei"

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    auditor = context.new_page()
    sign_in(auditor, live_server.url, "auditadmin")
    auditor.wait_for_url(f"{live_server.url}/")
    auditor.goto(f"{live_server.url}/audit/?action=accounts.grant")
    rows = auditor.locator("table.stack tbody tr")
    expect(rows.first).to_contain_text("批准授权申请")
    expect(rows.first).to_contain_text("gongwei")
    expect(rows.nth(2)).to_contain_text("申请授权")
    expect(rows.nth(2)).to_contain_text("secadmin")
    expect(auditor.get_by_text("accounts.grant_request.approve")).to_have_count(0)
    shot(auditor, "audit")
    context.close()
