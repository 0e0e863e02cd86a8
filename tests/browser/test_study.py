"""Theory study on a phone: schedule a session for a group, record attendance and a speech,
see the member's hours.

Study strings may not be in the Chinese catalogue yet when this runs, so the test finds the
study pages' fields by their names and test ids; what it asserts is the data a person sees."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.orglife.models import AttendanceStatus
from mofan.study.models import Speech, StudySession
from mofan.study.services import study_group_create
from tests.browser.conftest import rich_text, shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_a_study_session_and_see_the_hours(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    Member.objects.filter(pk=people[0].pk).update(user=make_user("dangyuan"))
    group = study_group_create(
        actor=None, org=tree.branch_a1, kind="biweekly", name="甲第一支部双周学习", members=people
    )
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/study/")
    expect(phone.get_by_test_id("group-row")).to_have_count(1)
    phone.get_by_role("link", name="甲第一支部双周学习").click()
    phone.locator(f"a[href='/study/groups/{group.pk}/sessions/new/']").click()

    start = timezone.localtime() - timedelta(hours=1)
    phone.locator("#id_topic").fill("学习党的二十届四中全会精神")
    phone.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    phone.locator("#id_ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    phone.locator("#id_place").fill("三楼会议室")
    phone.locator("#id_materials").fill("全会公报；辅导读本第一章")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_test_id("materials")).to_have_text("全会公报；辅导读本第一章")
    expect(phone.get_by_test_id("attendee")).to_have_count(3)
    session = StudySession.objects.get()

    # attendance is orglife's: the same page as for every meeting
    phone.locator(f"a[href='/orglife/{session.meeting_id}/']").click()
    row = phone.get_by_test_id("attendee").filter(has_text=people[0].full_name)
    row.get_by_role("button", name="出席").click()
    expect(phone.get_by_test_id("attendance-counts")).to_contain_text("实到 1 人")
    phone.goto(f"{live_server.url}/study/sessions/{session.pk}/")

    phone.locator("#id_speaker").select_option(label=people[0].full_name)
    phone.locator("#id_title").fill("把学习成果转化为工作实效")
    rich_text(phone, "正文").fill("一要学深悟透。")
    phone.locator(
        f"form[action='/study/sessions/{session.pk}/speeches/'] button[type=submit]"
    ).click()
    speech = phone.get_by_test_id("speech")
    expect(speech).to_have_count(1)
    expect(speech).to_contain_text("把学习成果转化为工作实效")
    expect(speech).to_contain_text(people[0].full_name)
    expect(speech).to_contain_text("一要学深悟透。")
    shot(phone, "study-session")
    assert Speech.objects.get().text == "<p>一要学深悟透。</p>"

    phone.goto(f"{live_server.url}/study/groups/{group.pk}/")
    expect(phone.get_by_test_id("session-row")).to_have_count(1)
    hours = phone.get_by_test_id("member-hours")
    expect(hours).to_have_count(3)
    expect(hours.filter(has_text=people[0].full_name)).to_contain_text("2.0")
    expect(hours.filter(has_text=people[1].full_name)).to_contain_text("0.0")
    expect(phone.get_by_test_id("total-hours")).to_contain_text("2.0")
    shot(phone, "study-group")
    assert session.meeting.attendances.get(member=people[0]).status == AttendanceStatus.PRESENT

    # the member sees the same hours on their own record
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    member_phone = context.new_page()
    sign_in(member_phone, live_server.url, "dangyuan")
    member_phone.wait_for_url(f"{live_server.url}/")
    member_phone.goto(f"{live_server.url}/study/mine/")
    expect(member_phone.get_by_test_id("record-total")).to_contain_text("2.0")
    expect(member_phone.get_by_test_id("record-session")).to_contain_text(
        "学习党的二十届四中全会精神"
    )
    shot(member_phone, "study-mine")
    context.close()
