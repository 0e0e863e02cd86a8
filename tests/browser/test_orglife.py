"""Organisational life on a phone: schedule a meeting, record attendance, see compliance."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.orglife.models import Attendance, Meeting, MeetingKind, MeetingStatus
from mofan.orgs.models import Organisation
from tests.browser.conftest import rich_text, shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_and_record_attendance(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], frequency_rules: None
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
    # Last year, complete: the branch and its group held most of what they owed.
    last = timezone.localdate().year - 1
    Organisation.objects.filter(pk__in=[tree.branch_a1.pk, tree.group_a1.pk]).update(
        established_on=date(last - 1, 1, 1)
    )
    held = [
        (tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, m) for m in range(1, 13) if m not in (3, 8)
    ]
    held += [(tree.branch_a1, MeetingKind.GENERAL_ASSEMBLY, m) for m in (2, 5, 11)]  # not Q3
    held += [(tree.branch_a1, MeetingKind.PARTY_LESSON, m) for m in (3, 6, 9, 12)]
    held += [(tree.branch_a1, MeetingKind.LIFE_MEETING, 12)]  # no 民主评议
    held += [(tree.group_a1, MeetingKind.GROUP_MEETING, m) for m in range(1, 13) if m != 7]
    zone = timezone.get_current_timezone()
    for org, kind, month in held:
        start = datetime(last, month, 10, 15, tzinfo=zone)
        Meeting.objects.create(
            org=org,
            kind=kind,
            topic="已召开",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=MeetingStatus.HELD,
        )
    phone.goto(f"{live_server.url}/orglife/compliance/?year={last}")
    expect(phone.get_by_test_id("compliance-row")).to_have_count(2)  # the branch and its group
    # Met: 10 + 3 + 4 + 1 + 0 party days, assemblies, lessons, life meetings, appraisals and
    # 11 group meetings; overdue: 2 + 1 + 0 + 0 + 1 and 1. No 支委会 is owed (no committee).
    expect(phone.get_by_test_id("compliance-totals")).to_have_text(
        "已达标 29 个周期 · 待开 0 · 逾期 5"
    )
    branch = phone.get_by_test_id("compliance-row").filter(has_text="甲第一支部")
    expect(branch.locator("a.text-danger", has_text="10/12")).to_be_visible()
    expect(branch.locator("a.text-success", has_text="4/4")).to_be_visible()
    shot(phone, "compliance")


def test_check_in_by_scanning_the_code(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.members.models import Member
    from mofan.orglife.services import meeting_schedule

    person = make_members(tree.branch_a1, 2)[0]
    member_user = make_user("dangyuan")
    Member.objects.filter(pk=person.pk).update(user=member_user)
    start = timezone.now() - timedelta(minutes=10)
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="themed_party_day",
        topic="扫码签到的主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")  # the organiser's screen
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/")
    phone.get_by_role("link", name="签到二维码").click()
    qr = phone.get_by_test_id("checkin-qr")
    expect(qr.locator("svg")).to_be_visible()
    expect(phone.get_by_test_id("checkin-count")).to_have_text("已签到 0 / 2 人")
    shot(phone, "checkin-code")
    url = qr.get_attribute("data-url")
    assert url and "/orglife/check-in/" in url

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    member_phone = context.new_page()
    sign_in(member_phone, live_server.url, "dangyuan")
    member_phone.wait_for_url(f"{live_server.url}/")
    member_phone.goto(url)  # what the camera opens
    member_phone.get_by_role("button", name="签到").click()
    expect(member_phone.get_by_test_id("checkin-result")).to_contain_text("签到成功")
    shot(member_phone, "checkin-done")
    member_phone.goto(url)
    member_phone.get_by_role("button", name="签到").click()
    expect(member_phone.get_by_test_id("checkin-result")).to_contain_text("已签到")
    context.close()
    phone.reload()
    expect(phone.get_by_test_id("checkin-count")).to_have_text("已签到 1 / 2 人")


def test_ask_for_leave_on_a_phone(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.members.models import Member
    from mofan.orglife.services import meeting_schedule

    person = make_members(tree.branch_a1, 1)[0]
    Member.objects.filter(pk=person.pk).update(user=make_user("dangyuan"))
    start = timezone.now() + timedelta(days=3)
    meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="general_assembly",
        topic="第四季度支部党员大会",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.locator(".mofan-tabs").get_by_text("我的待办").click()
    expect(phone.get_by_test_id("my-meeting")).to_have_count(1)
    phone.get_by_placeholder("请假原因").fill("在外地出差")
    phone.get_by_role("button", name="请假").click()
    expect(phone.get_by_text("请假申请已提交给会议组织者。")).to_be_visible()
    expect(phone.get_by_test_id("my-status")).to_have_text("已申请请假（在外地出差）")
    shot(phone, "my-tasks")


def assembly_with_secretary_signed_in(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> Any:
    """A 支部党员大会 of branch A1 three hours from now, its secretary signed in on the phone."""
    from mofan.orglife.services import meeting_schedule

    make_members(tree.branch_a1, 2)
    start = timezone.now() + timedelta(hours=3)
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="general_assembly",
        topic="支部党员大会",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    return meeting


def test_minutes_and_word_export(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    meeting = assembly_with_secretary_signed_in(live_server, phone, tree, roles)
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/")
    expect(phone.get_by_test_id("quorum")).to_contain_text("尚未达到法定人数")
    phone.get_by_role("link", name="编辑").click()
    rich_text(phone, "会议记录").fill("传达学习了上级会议精神。")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_test_id("minutes")).to_have_text("传达学习了上级会议精神。")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="导出 Word").click()
    assert download.value.suggested_filename.endswith("会议记录.docx")
    shot(phone, "minutes")


def test_return_and_resubmit_with_a_photo(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    from mofan.orglife.services import meeting_schedule
    from tests.browser.conftest import PHONE
    from tests.conftest import png_bytes

    make_members(tree.branch_a1, 3)
    start = timezone.now() - timedelta(days=2)
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="party_lesson",
        topic="第一季度党课",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    make_user("dangwei", grants=[(roles["committee_admin"], tree.committee_a, True)])
    photo = tmp_path / "签到表.png"
    photo.write_bytes(png_bytes(120, 80))

    # The branch secretary keeps the sign-in sheet with the minutes and submits the record.
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/")
    phone.get_by_label("文件").set_input_files(str(photo))
    phone.get_by_label("说明").fill("签到表")
    phone.get_by_role("button", name="上传").click()
    expect(phone.get_by_text("附件已保存。")).to_be_visible()
    expect(phone.get_by_test_id("attachment")).to_have_count(1)
    expect(phone.get_by_test_id("attachment").locator("img")).to_be_visible()
    phone.get_by_role("button", name="报送上级审核").click()
    expect(phone.get_by_test_id("review-state")).to_have_text("待审核")

    # The committee above returns it with a comment.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    above = context.new_page()
    above.set_default_timeout(15_000)
    sign_in(above, live_server.url, "dangwei")
    above.wait_for_url(f"{live_server.url}/")
    above.goto(f"{live_server.url}/orglife/reviews/")
    expect(above.get_by_test_id("review-row")).to_have_count(1)
    above.get_by_role("link", name="第一季度党课").click()
    above.get_by_label("意见").fill("请补充会议内容")
    above.get_by_role("button", name="退回更正").click()
    expect(above.get_by_text("暂无记录。")).to_be_visible()  # the queue is empty again

    # The branch sees why, corrects the minutes and resubmits; the committee approves.
    phone.reload()
    expect(phone.get_by_test_id("returned")).to_contain_text("请补充会议内容")
    phone.get_by_role("link", name="编辑").click()
    rich_text(phone, "会议记录").fill("书记讲授党课《牢记初心使命》。")
    phone.get_by_role("button", name="保存").click()
    phone.get_by_role("button", name="重新报送审核").click()
    expect(phone.get_by_test_id("review-state")).to_have_text("待审核")
    expect(phone.get_by_test_id("review-step")).to_have_count(3)
    shot(phone, "meeting-review")
    above.goto(f"{live_server.url}/orglife/{meeting.pk}/")
    above.get_by_role("button", name="审核通过").click()
    context.close()
    meeting.refresh_from_db()
    assert meeting.review_state == "approved"
    assert "牢记初心使命" in meeting.minutes
    phone.reload()
    expect(phone.get_by_test_id("review-state")).to_have_text("审核通过")
    expect(phone.get_by_role("button", name="上传")).to_have_count(0)  # locked once approved
