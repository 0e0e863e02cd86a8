"""Organisational life on a phone: schedule a meeting, record attendance, see compliance."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.orglife.models import Attendance, Meeting
from tests.browser.conftest import shot
from tests.browser.test_core_flows import sign_in
from tests.conftest import Tree, make_members, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_and_record_attendance(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/new/")
    phone.get_by_label("组织").select_option(label="甲第一支部")
    phone.get_by_label("类别").select_option(label="主题党日")
    phone.get_by_label("主题").fill("学习党章")
    start = timezone.localtime() + timedelta(days=2)
    phone.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT15:00"))
    phone.get_by_label("结束时间").fill(start.strftime("%Y-%m-%dT17:00"))
    phone.get_by_label("地点").fill("三楼会议室")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("会议已安排，应到 3 人。")).to_be_visible()
    expect(phone.get_by_test_id("attendee")).to_have_count(3)
    first = phone.get_by_test_id("attendee").nth(0)
    first.get_by_role("button", name="出席").click()
    expect(phone.get_by_test_id("attendance-counts")).to_contain_text("实到 1 人")
    second = phone.get_by_test_id("attendee").nth(1)
    second.get_by_placeholder("请假原因").fill("出差")
    second.get_by_role("button", name="请假").click()
    expect(phone.get_by_test_id("attendance-counts")).to_contain_text("请假 1 人")
    phone.get_by_test_id("attendee").nth(0).get_by_role("button", name="出席").click()
    expect(phone.get_by_text("已登记，无需重复")).to_be_visible()  # idempotent
    shot(phone, "meeting")
    meeting = Meeting.objects.get(topic="学习党章")
    statuses = sorted(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses == ["expected", "leave", "present"]
    assert {a.member for a in meeting.attendances.all()} == set(people)
    phone.goto(f"{live_server.url}/orglife/compliance/")
    expect(phone.get_by_test_id("compliance-row")).to_have_count(2)  # the branch and its group
    shot(phone, "compliance")
