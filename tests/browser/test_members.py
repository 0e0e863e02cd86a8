"""Member records on a phone: search by initials, and a transfer."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.members.services import member_create
from tests.browser.conftest import shot
from tests.conftest import Tree, an_id, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(tree: Tree) -> list[Member]:
    return [
        member_create(
            actor=None,
            full_name="张三",
            org=tree.branch_a1,
            id_number=an_id(date(1988, 8, 8)),
            mobile="13912345678",
            joined_on=date(2012, 7, 1),
            full_member_on=date(2013, 7, 1),
        ),
        member_create(
            actor=None,
            full_name="张珊珊",
            org=tree.branch_a2,
            id_number=an_id(date(1995, 5, 5), female=True),
        ),
        member_create(actor=None, full_name="李四", org=tree.branch_b1),
    ]


def test_search_by_initials(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], people: list[Member]
) -> None:
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.locator(".mofan-tabs").get_by_text("党员").click()
    phone.wait_for_url("**/members/")
    expect(phone.get_by_test_id("member-row")).to_have_count(3)
    phone.get_by_placeholder("姓名、拼音、首字母、身份证号或手机号").fill("zs")
    expect(phone.get_by_test_id("member-row")).to_have_count(2)  # htmx, no reload
    expect(phone.get_by_test_id("member-count")).to_have_text("2 名党员")
    rows = phone.get_by_test_id("member-row").all_inner_texts()
    assert any("张三" in r for r in rows) and any("张珊珊" in r for r in rows)
    assert "139****5678" in " ".join(rows)  # masked in the list
    shot(phone, "members-search")
    phone.get_by_placeholder("姓名、拼音、首字母、身份证号或手机号").fill("zhangsan")
    expect(phone.get_by_test_id("member-row")).to_have_count(1)


def test_transfer_a_member(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], people: list[Member]
) -> None:
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/members/{people[0].pk}/")
    expect(phone.get_by_test_id("id-number")).to_have_text(
        "6201**********" + people[0].id_number_masked[-4:]
    )
    phone.get_by_role("button", name="显示完整号码（将记入审计日志）").click()
    expect(phone.get_by_test_id("mobile")).to_have_text("13912345678")
    phone.get_by_role("link", name="转接").click()
    phone.wait_for_url("**/transfer/")
    phone.get_by_label("转入支部").select_option(label="　　乙第一支部")
    phone.get_by_label("原因").fill("工作调动")
    shot(phone, "member-transfer")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("张三 已转接到 乙第一支部。")).to_be_visible()
    expect(phone.get_by_text("所在支部：甲第一支部 → 乙第一支部")).to_be_visible()
    assert Member.objects.get(pk=people[0].pk).org == tree.branch_b1


def test_import_a_roster_with_its_error_report(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    from tests.conftest import roster_sheet

    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    good_id, bad_id = an_id(date(1986, 2, 3)), an_id(date(1992, 4, 5), female=True)
    rows = [
        ["姓名", "身份证号", "性别", "入党时间"],
        ["王芳", bad_id[:-1] + ("1" if bad_id[-1] != "1" else "2"), "女", "2015.7.1"],
        ["刘强", good_id, "男", "2010年7月1日"],
    ]
    messy = tmp_path / "messy.xlsx"
    messy.write_bytes(roster_sheet(rows, titles=1))
    rows[1][1] = bad_id
    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(roster_sheet(rows, titles=1))

    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/members/import/")
    phone.get_by_label("导入到").select_option(label="　　甲第一支部")
    phone.get_by_label("Excel 文件").set_input_files(str(messy))
    phone.get_by_role("button", name="上传并检查").click()
    expect(phone.get_by_test_id("job-status")).to_contain_text("发现 1 个问题")
    expect(phone.get_by_test_id("job-error")).to_have_count(1)
    expect(phone.get_by_test_id("job-error")).to_contain_text("身份证号校验码不正确")
    shot(phone, "roster-errors")
    assert Member.objects.count() == 0  # nothing was written

    phone.get_by_role("link", name="上传改正后的文件").click()
    phone.get_by_label("导入到").select_option(label="　　甲第一支部")
    phone.get_by_label("Excel 文件").set_input_files(str(fixed))
    phone.get_by_role("button", name="上传并检查").click()
    expect(phone.get_by_test_id("job-status")).to_contain_text("新增 2 人")
    phone.get_by_role("button", name="确认导入").click()
    expect(phone.get_by_test_id("job-status")).to_contain_text("导入完成")
    assert set(Member.objects.filter(org=tree.branch_a1).values_list("full_name", flat=True)) == {
        "王芳",
        "刘强",
    }


def test_long_tree_picker_loads_after_the_page(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.members.synthetic import CitySize, build_city

    city = build_city(size=CitySize(organs=3, branches=240, members=6), seed=3)
    make_user(
        "gw",
        grants=[
            (roles["work_committee_admin"], tree.root, True),
            (roles["work_committee_admin"], city, True),
        ],
    )
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/members/")
    picker = phone.locator("select[name=org]")
    assert picker.get_attribute("data-options-url")
    # the blank, the 7 of the test tree, the city's root, 3 committees and 240 branches
    expect(picker.locator("option")).to_have_count(1 + 7 + 1 + 3 + 240)
    phone.goto(f"{live_server.url}/members/import/")
    target = phone.locator("select[name=org]")
    expect(target.locator("option")).not_to_have_count(0)
    phone.get_by_placeholder("输入文字筛选").fill("合成机关002第80")
    visible = target.locator("option:not([hidden])").all_inner_texts()
    assert [v.strip() for v in visible] == ["合成机关002第80支部"]
