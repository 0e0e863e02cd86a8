"""The main paths of the platform core, on a phone-sized screen."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role, User
from mofan.core.models import NoticeReceipt
from mofan.orgs.models import Organisation
from tests.browser.conftest import shot
from tests.conftest import PASSWORD, Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_home(live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]) -> None:
    make_members(tree.branch_a1, 4)
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    phone.goto(f"{live_server.url}/accounts/login/")
    assert phone.get_by_text("机关党建工作平台").is_visible()
    shot(phone, "login")
    sign_in(phone, live_server.url, "gw", "wrong-Pass-1")
    expect(phone.get_by_role("alert")).to_have_text("用户名、手机号或密码错误。")
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    figures = phone.get_by_test_id("figure").all_inner_texts()
    assert figures[:2] == ["7", "4"]  # seven organisations, four members
    tabs = phone.locator(".mofan-tabs")
    assert tabs.is_visible()
    assert tabs.get_by_text("组织机构").is_visible()
    assert not phone.locator(".mofan-sidebar").is_visible()
    shot(phone, "home")


def test_forced_password_change(live_server: Any, phone: Any, tree: Tree) -> None:
    make_user("xinren", must_change_password=True)
    sign_in(phone, live_server.url, "xinren")
    phone.wait_for_url("**/accounts/password/")
    expect(phone.get_by_test_id("must-change")).to_be_visible()
    phone.goto(f"{live_server.url}/orgs/")  # every other page sends them back
    phone.wait_for_url("**/accounts/password/")
    phone.get_by_label("当前密码").fill(PASSWORD)
    phone.get_by_label("新密码", exact=True).fill("short")
    phone.get_by_label("再次输入新密码").fill("short")
    phone.get_by_role("button", name="修改密码").click()
    expect(phone.locator(".invalid-feedback").first).to_contain_text("密码至少 8 位")
    shot(phone, "password-change")
    phone.get_by_label("当前密码").fill(PASSWORD)
    phone.get_by_label("新密码", exact=True).fill("Hongse-2026")
    phone.get_by_label("再次输入新密码").fill("Hongse-2026")
    phone.get_by_role("button", name="修改密码").click()
    phone.wait_for_url(f"{live_server.url}/")
    expect(phone.get_by_text("密码已修改。")).to_be_visible()
    assert not User.objects.get(username="xinren").must_change_password


def test_tree_search_and_move_a_branch(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_members(tree.branch_a1, 3)
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.locator(".mofan-tabs").get_by_text("组织机构").click()
    phone.wait_for_url("**/orgs/")
    nodes = phone.get_by_test_id("org-node")
    assert nodes.count() == 7
    assert phone.get_by_text("甲第一支部").is_visible()
    shot(phone, "tree")
    phone.get_by_placeholder("按名称搜索组织").fill("乙第一")
    expect(phone.get_by_test_id("org-node")).to_have_count(3)  # htmx swapped the tree
    assert phone.locator(".match").inner_text() == "乙第一支部"

    phone.goto(f"{live_server.url}/orgs/{tree.branch_a1.pk}/")
    phone.get_by_role("link", name="调整隶属").click()
    phone.wait_for_url("**/move/")
    options = phone.locator("select[name=new_parent] option").all_inner_texts()
    assert all("甲第一支部" not in o and "甲一党小组" not in o for o in options)  # no cycles
    phone.locator("select[name=new_parent]").select_option(label="　乙机关党委")
    shot(phone, "move")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("甲第一支部 已调整到 乙机关党委 之下。")).to_be_visible()
    moved = Organisation.objects.get(pk=tree.branch_a1.pk)
    assert moved.path.startswith(tree.committee_b.path)
    assert Organisation.objects.get(pk=tree.group_a1.pk).path.startswith(moved.path)


def test_notice_and_read_receipt(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("sender", grants=[(roles["committee_admin"], tree.committee_a, True)])
    make_user("reader", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "sender")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/notices/new/")
    phone.get_by_label("发文组织").select_option(label="甲机关党委")
    phone.get_by_label("发送范围").select_option(label="　甲第一支部")
    phone.get_by_label("标题").fill("关于召开主题党日的通知")
    phone.get_by_label("正文").fill("请各位党员周五下午三点到会议室参加。")
    phone.get_by_role("button", name="发送").click()
    expect(phone.get_by_text("通知已发送给 1 人。")).to_be_visible()
    assert phone.get_by_test_id("receipt-reader").inner_text() == "未读"

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    reader = context.new_page()
    sign_in(reader, live_server.url, "reader")
    reader.wait_for_url(f"{live_server.url}/")
    # The top bar's link lays its label and count out side by side (flex items, one per line
    # in innerText).
    assert reader.get_by_test_id("unread-notices").inner_text().split() == ["通知公告", "1"]
    reader.get_by_role("link", name="关于召开主题党日的通知").first.click()
    expect(reader.get_by_test_id("read-receipt")).to_contain_text("已于")
    shot(reader, "notice")
    context.close()

    phone.reload()
    read_at = phone.get_by_test_id("receipt-reader").inner_text()
    assert read_at.endswith(tuple("0123456789")) and "年" in read_at
    shot(phone, "notice-receipts")
    assert NoticeReceipt.objects.get(user__username="reader").read_at is not None


def test_import_organisations_from_excel(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    from tests.conftest import org_workbook

    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        org_workbook(
            [
                ["组织名称", "组织类别", "上级组织"],
                ["甲第三支部", "党支部", "甲机关党委"],
                ["甲三小组", "党小组", "甲机关党委"],
            ],
            title_rows=1,
        )
    )
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        org_workbook(
            [
                ["组织名称", "组织类别", "上级组织"],
                ["甲第三支部", "党支部", "甲机关党委"],
                ["甲三小组", "党小组", "甲第三支部"],
            ],
            title_rows=1,
        )
    )
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orgs/import/")
    phone.get_by_label("Excel 文件").set_input_files(str(bad))
    phone.get_by_role("button", name="检查并导入").click()
    expect(phone.get_by_test_id("import-errors")).to_contain_text("发现 1 个问题")
    expect(phone.locator("table.stack tbody tr")).to_have_count(1)
    expect(phone.locator("table.stack tbody")).to_contain_text("党小组不能设在机关党委之下")
    shot(phone, "import-errors")
    assert not Organisation.objects.filter(name="甲第三支部").exists()
    phone.get_by_label("Excel 文件").set_input_files(str(good))
    phone.get_by_role("button", name="检查并导入").click()
    expect(phone.get_by_text("已导入 2 个组织。")).to_be_visible()
    expect(phone.get_by_role("link", name="甲第三支部")).to_be_visible()
    expect(phone.get_by_test_id("org-node")).to_have_count(9)
    assert Organisation.objects.get(name="甲三小组").path.startswith(
        Organisation.objects.get(name="甲第三支部").path
    )


def test_tree_picker_narrows_by_typing(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orgs/new/")
    phone.get_by_placeholder("输入文字筛选").fill("乙")
    visible = phone.locator("select[name=parent] option:not([hidden])").all_inner_texts()
    assert [v.strip() for v in visible] == ["乙机关党委", "乙第一支部"]
    assert phone.locator("select[name=parent]").input_value() == str(tree.committee_b.pk)
    phone.get_by_label("名称").fill("乙第二支部")
    phone.get_by_label("类别").select_option(label="党支部")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("乙第二支部 已创建。")).to_be_visible()
    created = Organisation.objects.get(name="乙第二支部")
    assert created.path.startswith(tree.committee_b.path)


def test_a_large_tree_opens_a_level_on_demand(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.members.synthetic import CitySize, build_city

    city = build_city(size=CitySize(organs=3, branches=300, members=3), seed=5)
    make_user(
        "gw",
        grants=[
            (roles["work_committee_admin"], tree.root, True),
            (roles["work_committee_admin"], city, True),
        ],
    )
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orgs/")
    nodes = phone.get_by_test_id("org-node")
    expect(nodes).to_have_count(7)
    # the disclosure triangle, not the link to the organisation's page
    phone.locator("summary", has_text="合成机关002机关党委").click(position={"x": 3, "y": 10})
    expect(nodes).to_have_count(7 + 100)  # fetched when opened
    expect(phone.get_by_role("link", name="合成机关002第1支部", exact=True)).to_be_visible()
