"""Volunteering on a phone: sign up, scan in and out by the code's URL, claim and fulfil a
wish, the community confirms it, the public wall shows it anonymised."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.core.checkin import make_token
from mofan.members.models import Member
from mofan.orgs.models import PartnerContact
from mofan.orgs.services import partner_create
from mofan.volunteer.models import ActivityKind, Participation, Wish
from mofan.volunteer.services import activity_create, wish_post, wish_review
from tests.browser.conftest import PHONE, shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_and_scan_in_and_out(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("dangyuan")
    Member.objects.filter(pk=person.pk).update(user=user)
    community = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    start = timezone.now() + timedelta(minutes=20)
    activity = activity_create(
        actor=None,
        org=tree.committee_a,
        kind=ActivityKind.objects.get_or_create(name="健康义诊进社区")[0],
        title="健康义诊进社区",
        place="桥门社区党群服务中心",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
        partner=community,
    )
    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/mine/")
    phone.get_by_test_id("to-volunteering").click()
    phone.get_by_test_id("open-activity").get_by_role("link").click()
    phone.get_by_role("button", name="报名").click()
    expect(phone.get_by_text("报名成功。")).to_be_visible()
    expect(phone.get_by_test_id("places")).to_contain_text("已报名 1 / 1")
    shot(phone, "volunteer-activity")
    # The member scans the organiser's code (its URL): first scan checks in, the next out.
    phone.goto(f"{live_server.url}/volunteer/scan/{make_token('volunteer.activity', activity.pk)}/")
    phone.get_by_role("button", name="签到").click()
    expect(phone.get_by_test_id("scan-result")).to_contain_text("签到成功")
    phone.goto(f"{live_server.url}/volunteer/scan/{make_token('volunteer.activity', activity.pk)}/")
    phone.get_by_role("button", name="签退").click()
    expect(phone.get_by_test_id("scan-result")).to_contain_text("签退成功")
    participation = Participation.objects.get()
    assert participation.checked_in_at and participation.checked_out_at
    phone.goto(f"{live_server.url}/volunteer/scan/forged-token/")
    expect(phone.get_by_test_id("scan-result")).to_contain_text("无效")


def test_claim_fulfil_and_confirm_a_wish(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    from tests.conftest import png_bytes

    _, _, community = _resident_and_community(tree)
    contact = community.contacts.get().user
    wish = wish_post(
        actor=contact,
        community=community,
        beneficiary="王秀英",
        title="一台收音机",
        estimated_value="80",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    wish_review(actor=None, wish=wish, approve=True)
    photo = tmp_path / "送达.png"
    photo.write_bytes(png_bytes(120, 90))

    # Three taps: 我的待办 → 志愿服务 → the wish → 认领.
    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/")
    phone.get_by_test_id("offered-wish").get_by_role("link").click()
    expect(phone.get_by_text("王**")).to_be_visible()  # the member sees the family name only
    phone.get_by_test_id("claim").click()
    expect(phone.get_by_test_id("wish-status")).to_have_text("已认领")
    phone.get_by_label("兑现情况").fill("已将收音机送到老人家中，并教会使用。")
    phone.get_by_label("照片").set_input_files(str(photo))
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_test_id("wish-status")).to_have_text("待确认")
    shot(phone, "wish")

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    community_phone = context.new_page()
    community_phone.set_default_timeout(15_000)
    sign_in(community_phone, live_server.url, "shequ")
    community_phone.wait_for_url(f"{live_server.url}/")
    community_phone.goto(f"{live_server.url}/volunteer/wishes/{wish.pk}/")
    expect(community_phone.locator("img")).to_have_count(1)
    community_phone.get_by_role("button", name="确认已圆梦").click()
    expect(community_phone.get_by_test_id("wish-status")).to_have_text("已圆梦")
    context.close()
    assert Wish.objects.get().status == "confirmed"

    # The public wall, without signing in, shows it with the family name only.
    anonymous = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    anonymous.goto(f"{live_server.url}/volunteer/wishes/wall/")
    expect(anonymous.get_by_test_id("wall-wish")).to_contain_text("王**")
    assert "王秀英" not in anonymous.content()
    shot(anonymous, "wish-wall")
    anonymous.context.close()


def test_organiser_publishes_confirms_hours_and_issues_a_certificate(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from io import BytesIO

    from docx import Document

    from mofan.volunteer.models import Certificate, VolunteerActivity
    from mofan.volunteer.services import participant_add, times_record

    ActivityKind.objects.get_or_create(name="环境整治")
    people = make_members(tree.branch_a1, 2)
    admin = make_user("zuzhi", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "zuzhi")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/activities/")
    phone.get_by_role("link", name="发布志愿活动").click()
    phone.get_by_label("组织单位").select_option(label="甲机关党委")
    phone.get_by_label("类别").select_option(label="环境整治")
    phone.get_by_label("标题").fill("楼道清理")
    phone.get_by_label("地点").fill("桥门社区3号楼")
    start = timezone.localtime() + timedelta(days=1)
    phone.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT09:00"))
    phone.get_by_label("结束时间").fill(start.strftime("%Y-%m-%dT11:00"))
    phone.get_by_label("名额").fill("10")
    phone.get_by_role("button", name="发布").click()
    expect(phone.get_by_text("志愿活动已发布。")).to_be_visible()
    phone.get_by_role("link", name="签到二维码").click()
    expect(phone.get_by_test_id("checkin-qr").locator("svg")).to_be_visible()
    shot(phone, "volunteer-code")

    # The activity took place: two people came, one left early (under 60 %).
    activity = VolunteerActivity.objects.get(title="楼道清理")
    began = timezone.now() - timedelta(days=1, hours=3)
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        starts_at=began,
        ends_at=began + timedelta(hours=2),
        signup_deadline=began,
        cancel_deadline=began,
    )
    activity.refresh_from_db()
    for person, minutes in zip(people, [120, 60], strict=True):
        participation, _added = participant_add(actor=admin, activity=activity, member=person)
        times_record(
            actor=admin,
            participation=participation,
            checked_in_at=began,
            checked_out_at=began + timedelta(minutes=minutes),
        )
    phone.goto(f"{live_server.url}/volunteer/activities/{activity.pk}/")
    phone.get_by_role("button", name="确认服务时长").click()
    expect(phone.get_by_text("服务时长已确认。")).to_be_visible()
    expect(phone.get_by_test_id("hours")).to_have_count(2)
    expect(phone.get_by_test_id("participant").nth(0)).to_contain_text("2.00 小时")
    expect(phone.get_by_test_id("participant").nth(1)).to_contain_text("0.00 小时")
    shot(phone, "volunteer-hours")

    phone.get_by_test_id("participant").nth(0).get_by_role("link", name="开具志愿服务证明").click()
    phone.get_by_label("出具单位").select_option(label="甲机关党委")
    phone.get_by_label("负责人").fill("李书记")
    phone.get_by_label("经办人", exact=True).fill("张干事")
    phone.get_by_label("经办人联系方式").fill("0931-1234567")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="出具").click()
    body = download.value.path().read_bytes()
    text = "\n".join(
        cell.text for row in Document(BytesIO(body)).tables[0].rows for cell in row.cells
    )
    certificate = Certificate.objects.get()
    assert "2小时" in text and certificate.number in text and "张干事" in text
    # Anyone can check it with its number and check code.
    phone.goto(
        f"{live_server.url}/volunteer/certificates/check/"
        f"?number={certificate.number}&code={certificate.check_code}"
    )
    expect(phone.get_by_test_id("certificate-found")).to_contain_text("真实有效")


def _resident_and_community(tree: Tree) -> tuple[Any, Any, Any]:
    """A member with the login dangyuan, and 桥门社区 with its contact shequ."""
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("dangyuan")
    Member.objects.filter(pk=person.pk).update(user=user)
    community = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    PartnerContact.objects.create(partner=community, name="王主任", user=make_user("shequ"))
    return person, user, community


def test_register_with_the_community_and_the_community_confirms(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    person, _, _ = _resident_and_community(tree)
    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/")
    card = phone.get_by_test_id("registration")
    card.locator("select").select_option(label="桥门社区")
    card.get_by_role("button", name="报到").click()
    expect(phone.get_by_text("已报到，等待社区确认。")).to_be_visible()
    expect(phone.get_by_test_id("registration")).to_contain_text("待社区确认")

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    community_phone = context.new_page()
    community_phone.set_default_timeout(15_000)
    sign_in(community_phone, live_server.url, "shequ")
    community_phone.wait_for_url(f"{live_server.url}/")
    community_phone.goto(f"{live_server.url}/volunteer/")
    row = community_phone.get_by_test_id("to-decide")
    expect(row).to_contain_text(person.full_name)
    row.get_by_role("button", name="确认", exact=True).click()
    expect(community_phone.get_by_text("已记录。")).to_be_visible()
    context.close()

    phone.reload()
    expect(phone.get_by_test_id("registration")).to_contain_text("已报到")
    shot(phone, "community-registration")


def test_set_up_a_team_and_add_members(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.volunteer.models import VolunteerTeam

    people = make_members(tree.branch_a1, 3)
    make_user("zuzhi", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "zuzhi")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/teams/")
    phone.get_by_label("组织").select_option(label="甲第一支部")
    phone.get_by_label("服务队名称").fill("法律服务队")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("服务队已组建，请添加队员。")).to_be_visible()
    candidates = phone.get_by_test_id("candidate")
    expect(candidates).to_have_count(3)
    candidates.nth(0).locator("input").check()
    candidates.nth(1).locator("input").check()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("队员已保存。")).to_be_visible()
    expect(phone.get_by_test_id("team-member")).to_have_count(2)
    team = VolunteerTeam.objects.get(name="法律服务队")
    assert team.members.count() == 2 and set(team.members.all()) <= set(people)


def test_community_gives_a_task_member_reports_community_confirms_and_evaluates(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.volunteer.services import registration_decide, registration_submit

    person, user, community = _resident_and_community(tree)
    registration = registration_submit(user=user, community=community)
    registration_decide(actor=None, registration=registration, approve=True)

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    community_phone = context.new_page()
    community_phone.set_default_timeout(15_000)
    sign_in(community_phone, live_server.url, "shequ")
    community_phone.wait_for_url(f"{live_server.url}/")
    community_phone.goto(f"{live_server.url}/volunteer/")
    community_phone.get_by_test_id("my-community").click()
    card = community_phone.get_by_test_id("registered-member")
    expect(card).to_contain_text(person.full_name)
    card.get_by_text("派发任务", exact=True).click()
    card.get_by_placeholder("任务").fill("楼栋安全巡查")
    card.get_by_role("button", name="派发", exact=True).click()
    expect(community_phone.get_by_text("任务已派发，已通知党员。")).to_be_visible()

    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/volunteer/")
    task = phone.get_by_test_id("my-task")
    expect(task).to_contain_text("楼栋安全巡查")
    task.get_by_placeholder("小时").fill("2.5")
    task.get_by_placeholder("完成情况").fill("巡查了三个单元的楼道")
    task.get_by_role("button", name="报告完成").click()
    expect(phone.get_by_test_id("my-task")).to_contain_text("已报告完成")

    community_phone.reload()
    card = community_phone.get_by_test_id("registered-member")
    expect(card.get_by_test_id("open-task")).to_contain_text("巡查了三个单元的楼道")
    card.get_by_role("button", name="确认服务时长").click()
    card = community_phone.get_by_test_id("registered-member")
    expect(card.get_by_test_id("year-hours")).to_contain_text("2.50")
    card.locator("select[name=grade]").select_option(label="良好")
    card.get_by_role("button", name=re.compile("^评价")).click()
    expect(community_phone.get_by_test_id("evaluation")).to_contain_text("良好")
    shot(community_phone, "community-tasks")
    context.close()

    phone.reload()
    expect(phone.get_by_test_id("my-evaluation")).to_contain_text("良好")


def test_the_code_screen_counts_check_ins_and_check_outs(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    """The member scans the code the organiser's screen shows (its URL, as a camera reads it);
    the screen counts the check-in, then the check-out."""
    person, _, community = _resident_and_community(tree)
    make_user("zuzhi", grants=[(roles["committee_admin"], tree.committee_a, True)])
    start = timezone.now() + timedelta(minutes=10)
    activity = activity_create(
        actor=None,
        org=tree.committee_a,
        kind=ActivityKind.objects.get_or_create(name="文明创建")[0],
        title="文明创建志愿服务",
        place="桥门社区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=3,
        partner=community,
    )
    Participation.objects.create(
        activity=activity, member=person, state="signed_up", signed_up_at=timezone.now()
    )
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    screen = context.new_page()
    screen.set_default_timeout(15_000)
    sign_in(screen, live_server.url, "zuzhi")
    screen.wait_for_url(f"{live_server.url}/")
    screen.goto(f"{live_server.url}/volunteer/activities/{activity.pk}/code/")
    expect(screen.get_by_test_id("checkin-count")).to_have_text("已签到 0 / 1 人，已签退 0 人")
    code_url = screen.get_by_test_id("checkin-qr").get_attribute("data-url")
    assert code_url and "/volunteer/scan/" in code_url

    sign_in(phone, live_server.url, "dangyuan")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(code_url)
    phone.get_by_role("button", name="签到").click()
    expect(phone.get_by_test_id("scan-result")).to_contain_text("签到成功")
    screen.reload()
    expect(screen.get_by_test_id("checkin-count")).to_have_text("已签到 1 / 1 人，已签退 0 人")
    phone.goto(code_url)
    phone.get_by_role("button", name="签退").click()
    expect(phone.get_by_test_id("scan-result")).to_contain_text("签退成功")
    screen.reload()
    expect(screen.get_by_test_id("checkin-count")).to_have_text("已签到 1 / 1 人，已签退 1 人")
    shot(screen, "volunteer-code-screen")
    context.close()
