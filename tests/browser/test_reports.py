"""Pages that report or change a setting, on a phone: 双重组织生活, the hours rules, the
volunteering statistics' Excel export, and ending a co-building agreement early."""

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.cobuild.models import Agreement
from mofan.cobuild.services import agreement_create
from mofan.members.models import Member
from mofan.orglife.services import attendance_record, meeting_schedule
from mofan.orgs.services import partner_create
from mofan.volunteer.models import HoursRule
from mofan.volunteer.services import wish_post
from tests.browser.conftest import shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dual_life_counts_a_leading_cadres_own_branch_meetings(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    Member.objects.filter(pk=people[0].pk).update(is_leading_cadre=True, job_title="副主任")
    now = timezone.now()
    # Three meetings held in the last two hours (the same year but on New Year's night).
    for minutes, status in ((120, "present"), (80, "absent"), (40, "leave")):
        meeting = meeting_schedule(
            actor=None,
            org=tree.branch_a1,
            kind="general_assembly",
            topic=f"支部党员大会{minutes}",
            starts_at=now - timedelta(minutes=minutes),
            ends_at=now - timedelta(minutes=minutes - 30),
        )
        attendance_record(
            actor=None,
            meeting=meeting,
            member=people[0],
            status=status,
            leave_reason="出差" if status == "leave" else "",
        )
        assert meeting.status == "held"  # dated in the past: recorded after the fact (补录)
    make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "dw")
    phone.wait_for_url(f"{live_server.url}/")
    year = timezone.localtime(now - timedelta(minutes=120)).year
    phone.goto(f"{live_server.url}/orglife/dual-life/?year={year}")
    row = phone.get_by_test_id("dual-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(people[0].full_name)
    expect(row).to_contain_text("副主任")
    cells = row.locator("td")
    # 应参加 3, 出席 1, 请假 1, 缺席 1 (the layout stacks the cells on a phone).
    assert [cells.nth(i).inner_text().strip() for i in range(3, 7)] == ["3", "1", "1", "1"]
    shot(phone, "dual-life")


def test_a_new_hours_rule_and_the_statistics_export(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    community = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    for title in ("助行器", "台灯"):
        wish_post(
            actor=None,
            community=community,
            beneficiary="王奶奶",
            title=title,
            estimated_value="200",
            deadline=timezone.localdate() + timedelta(days=30),
        )
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/rules/")
    next_year = timezone.localdate().year + 1
    phone.get_by_label("生效日期").fill(f"{next_year}-01-01")
    phone.get_by_label("在场比例要求（占计划时长的百分比）").fill("70")
    phone.get_by_label("一至五星所需时长").fill("50，150，300，600，1000")
    phone.get_by_label("每名党员可同时认领的心愿数").fill("2")
    phone.get_by_label("报到党员每年社区服务时长要求（小时）").fill("40")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("规则已保存。")).to_be_visible()
    rule = HoursRule.objects.get(effective_from=f"{next_year}-01-01")
    assert str(rule.presence_threshold) == "0.70" and rule.registration_hours_target == 40
    expect(phone.get_by_test_id("rule").filter(has_text=f"{next_year}年1月1日")).to_contain_text(
        "70%"
    )

    phone.goto(f"{live_server.url}/volunteer/statistics/")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    rows = {row[0]: row[1] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows["发布心愿"] == 2 and rows["认领心愿"] == 0 and rows["志愿活动"] == 0
    assert set(rows) == {"发布心愿", "认领心愿", "圆梦心愿", "志愿活动", "服务人次", "时长（小时）"}


def test_end_an_agreement_early_with_a_reason(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    school = partner_create(actor=None, org=tree.committee_a, name="第三十二中学", kind="school")
    today = timezone.localdate()
    agreement = agreement_create(
        actor=None,
        org=tree.committee_a,
        title="青少年法治宣传协议",
        signed_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=600),
        party_orgs=[tree.committee_a],
        party_partners=[school],
    )
    make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "dw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/agreements/{agreement.pk}/")
    phone.get_by_role("button", name="终止协议").click()
    expect(phone.get_by_text("请说明原因。")).to_be_visible()
    assert Agreement.objects.get().ended_at is None
    phone.get_by_label("提前终止协议").fill("学校合并，协议由新学校重新签订")
    phone.get_by_role("button", name="终止协议").click()
    expect(phone.get_by_test_id("agreement-ended")).to_be_visible()
    expect(phone.get_by_role("button", name="终止协议")).to_have_count(0)
    assert Agreement.objects.get().ended_at is not None
