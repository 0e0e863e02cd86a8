"""Yearly work on a phone: a democratic appraisal from opening to grades; a talk recorded."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.orglife.models import AppraisalEntry, HeartTalk
from mofan.orgs.services import seat_assign
from tests.browser.conftest import PHONE, shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_appraisal_from_opening_to_grades(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 4)
    member_user = make_user("dangyuan")
    Member.objects.filter(pk=people[0].pk).update(user=member_user)
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    year = timezone.localdate().year

    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/appraisals/")
    phone.get_by_label("党支部").select_option(label="甲第一支部")
    phone.get_by_role("button", name="发起").click()
    expect(phone.get_by_text("民主评议已发起，已通知党员。")).to_be_visible()
    expect(phone.get_by_test_id("appraisal-entry")).to_have_count(4)

    # The member, on their own phone, writes a self-assessment and assesses the others.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    own = context.new_page()
    own.set_default_timeout(15_000)
    sign_in(own, live_server.url, "dangyuan")
    own.wait_for_url(f"{live_server.url}/")
    own.goto(f"{live_server.url}/orglife/mine/")
    own.get_by_test_id("appraisal-todo").click()
    own.get_by_label("个人自评").fill("全年按时参加组织生活，认真完成本职工作。")
    own.get_by_role("button", name="保存自评").click()
    expect(own.get_by_text("个人自评已保存。")).to_be_visible()
    expect(own.get_by_test_id("peer")).to_have_count(3)
    for i, grade in enumerate(["优秀", "合格", "合格"]):
        own.get_by_test_id("peer").nth(i).locator("select").select_option(label=grade)
    own.get_by_role("button", name="保存互评").click()
    expect(own.get_by_text("已保存 3 条互评。")).to_be_visible()
    shot(own, "appraisal-member")
    context.close()

    # The secretary sees the tallies, tries two excellents (over a third of four), then one.
    phone.reload()
    expect(phone.get_by_test_id("appraisal-entry").nth(0)).to_contain_text("已填写")
    selects = phone.get_by_test_id("appraisal-entry").locator("select")
    for i, grade in enumerate(["优秀", "优秀", "合格", "合格"]):
        selects.nth(i).select_option(label=grade)
    phone.get_by_role("button", name="按此确定等次并结束评议").click()
    expect(phone.get_by_text("优秀一般不超过三分之一")).to_be_visible()
    assert not AppraisalEntry.objects.exclude(grade="").exists()
    selects = phone.get_by_test_id("appraisal-entry").locator("select")
    for i, grade in enumerate(["优秀", "合格", "合格", "基本合格"]):
        selects.nth(i).select_option(label=grade)
    phone.get_by_role("button", name="按此确定等次并结束评议").click()
    expect(phone.get_by_test_id("appraisal-state")).to_have_text("已完成")
    expect(phone.get_by_test_id("grade")).to_have_count(4)
    shot(phone, "appraisal")
    assert sorted(AppraisalEntry.objects.values_list("grade", flat=True)) == sorted(
        ["excellent", "qualified", "qualified", "basically_qualified"]
    )
    assert year


def test_record_a_talk_and_see_coverage(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from datetime import date

    people = make_members(tree.branch_a1, 3)
    seat_assign(
        actor=None,
        org=tree.branch_a1,
        position="secretary",
        holder=people[0],
        starts_on=date(2024, 1, 1),
    )
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/talks/?org={tree.branch_a1.pk}")
    expect(phone.get_by_test_id("talk-coverage")).to_contain_text("2 名党员中已谈 0 名")
    phone.get_by_role("link", name="登记谈心谈话").click()
    phone.get_by_label("谈话人").select_option(label=people[0].full_name)
    phone.get_by_label("谈话对象").select_option(label=people[1].full_name)
    phone.get_by_label("谈话内容").fill("了解思想动态和工作困难。")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("谈心谈话已登记。")).to_be_visible()
    expect(phone.get_by_test_id("talk-row")).to_have_count(1)
    expect(phone.get_by_test_id("talk-row")).to_contain_text("支委与党员")
    expect(phone.get_by_test_id("talk-coverage")).to_contain_text("2 名党员中已谈 1 名")
    shot(phone, "talks")
    assert HeartTalk.objects.get().pairing == "committee_member"
