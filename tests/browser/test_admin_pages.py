"""Administration on a phone: organs and partner units, user accounts, roles, the login log."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role, User
from mofan.orgs.models import Organ, PartnerContact, PartnerUnit
from tests.browser.conftest import shot
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organs_and_a_partner_unit_with_its_contact(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "dw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orgs/organs/")
    phone.get_by_label("名称").fill("市统计局")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("机关已添加。")).to_be_visible()
    assert Organ.objects.filter(name="市统计局").exists()

    phone.goto(f"{live_server.url}/orgs/partners/")
    phone.get_by_role("link", name="新增共建单位").click()
    phone.get_by_label("名称").fill("桥门社区")
    phone.get_by_label("类别").select_option(label="社区")
    phone.get_by_label("地址").fill("城关区桥门街")
    phone.get_by_label("联系组织").select_option(label="甲第一支部")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("共建单位已添加。")).to_be_visible()
    phone.get_by_label("姓名").fill("王主任")
    phone.get_by_label("职务").fill("社区主任")
    phone.get_by_label("电话").fill("0931-8888888")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("联系人已添加。")).to_be_visible()
    expect(phone.get_by_text("王主任")).to_be_visible()
    shot(phone, "partner-unit")
    partner = PartnerUnit.objects.get(name="桥门社区")
    assert partner.org == tree.branch_a1
    assert PartnerContact.objects.filter(partner=partner, name="王主任").exists()


def test_system_admin_creates_and_disables_an_account(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "sys")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/accounts/users/")
    phone.get_by_role("link", name="新建用户").click()
    phone.get_by_label("用户名").fill("liming")
    phone.get_by_label("姓名").fill("李明")
    phone.get_by_label("手机号").fill("13912345678")
    phone.get_by_label("电子邮箱").fill("liming@example.cn")
    phone.get_by_label("初始密码").fill("Start-pass-2026")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("账号 liming 已创建。")).to_be_visible()
    created = User.objects.get(username="liming")
    assert created.email == "liming@example.cn" and created.must_change_password
    phone.goto(f"{live_server.url}/accounts/users/{created.pk}/")
    expect(phone.get_by_label("电子邮箱")).to_have_value("liming@example.cn")
    phone.get_by_label("电子邮箱").fill("not an address")
    phone.get_by_role("button", name="保存").first.click()
    expect(phone.locator(".invalid-feedback")).to_contain_text("有效")
    phone.get_by_label("电子邮箱").fill("li.ming@example.cn")
    phone.get_by_label("账号启用").uncheck()
    phone.get_by_role("button", name="保存").first.click()
    expect(phone.get_by_text("账号已保存。")).to_be_visible()
    created.refresh_from_db()
    assert not created.is_active and created.email == "li.ming@example.cn"
    phone.goto(f"{live_server.url}/accounts/users/?q=liming")
    expect(phone.get_by_text("已停用")).to_be_visible()
    shot(phone, "users")


def test_security_admin_creates_a_role_and_reads_the_login_log(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    # Someone mistypes a password elsewhere.
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    other = context.new_page()
    sign_in(other, live_server.url, "sec", password="wrong-password")
    expect(other.get_by_text("用户名、手机号或密码错误。")).to_be_visible()
    context.close()

    sign_in(phone, live_server.url, "sec")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/accounts/login-log/")
    phone.get_by_label("只看失败").check()
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator("tbody tr")).to_have_count(1)
    expect(phone.locator("tbody tr")).to_contain_text("失败")
    shot(phone, "login-log")

    phone.goto(f"{live_server.url}/accounts/roles/")
    phone.get_by_role("link", name="新建角色").click()
    phone.get_by_label("编码").fill("records_clerk")
    phone.get_by_label("名称").fill("档案管理员")
    phone.get_by_label("查看党员", exact=False).first.check()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("角色已创建。")).to_be_visible()
    role = Role.objects.get(code="records_clerk")
    assert role.name == "档案管理员" and "members.view" in role.permissions
