"""The organiser's side on a phone: a leave request reaches them as a message, they decide on
the meeting page and the member is told; host and recorder are set with the minutes."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.orglife import services
from mofan.orglife.models import Attendance, AttendanceStatus, MeetingKind
from tests.browser.conftest import PHONE, shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leave_request_reaches_the_organiser_who_decides(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    member_user = make_user("dangyuan")
    Member.objects.filter(pk=people[0].pk).update(user=member_user)
    organiser = make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    start = timezone.localtime() + timedelta(days=2)
    meeting = services.meeting_schedule(
        actor=organiser,
        org=tree.branch_a1,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="学习党章",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/mine/")
    phone.get_by_label("请假原因").fill("下乡调研")
    phone.get_by_role("button", name="请假").click()
    expect(phone.get_by_text("请假申请已提交给会议组织者")).to_be_visible()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, live_server.url, "shuji")
    desk.wait_for_url(f"{live_server.url}/")
    desk.goto(f"{live_server.url}/messages/")
    title = f"请假申请：{people[0].full_name} · 学习党章"
    expect(desk.get_by_role("link", name=title)).to_be_visible()
    expect(desk.get_by_text("请假原因：下乡调研")).to_be_visible()
    shot(desk, "orglife-leave-message")
    desk.get_by_role("link", name=title).click()
    desk.wait_for_url(f"{live_server.url}/orglife/{meeting.pk}/")
    row = desk.get_by_test_id("attendee").filter(has_text=people[0].full_name)
    expect(row).to_contain_text("下乡调研")
    shot(desk, "orglife-leave-decide")
    row.get_by_role("button", name="批准请假").click()
    expect(desk.get_by_test_id("attendance-counts")).to_contain_text("请假 1 人")
    context.close()
    assert Attendance.objects.get(meeting=meeting, member=people[0]).status == (
        AttendanceStatus.LEAVE
    )

    phone.goto(f"{live_server.url}/messages/")
    expect(phone.get_by_role("link", name="请假已批准：学习党章")).to_be_visible()


def test_host_and_recorder_with_the_minutes(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    start = timezone.localtime() - timedelta(days=3)
    meeting = services.meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind=MeetingKind.PARTY_LESSON,
        topic="党课：党章",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/minutes/")
    phone.get_by_label("主持人").select_option(label=people[1].full_name)
    phone.get_by_label("记录人").select_option(label=people[2].full_name)
    shot(phone, "orglife-host-recorder")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("会议记录已保存")).to_be_visible()
    expect(phone.get_by_test_id("host")).to_have_text(people[1].full_name)
    expect(phone.get_by_test_id("recorder")).to_have_text(people[2].full_name)
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (people[1], people[2])
