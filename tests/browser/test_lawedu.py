"""模法师 on a phone (390×844): record the mock trial of a delivered 模拟法庭 session with all
nine roles, give out handouts at the session, see the counsellors' hours."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.lawedu.models import Material, MaterialMovement, MockTrial
from mofan.lawedu.services import appointment_create, material_create
from tests.browser.conftest import shot
from tests.conftest import Tree, make_user, sign_in
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEATS = [
    ("审判长", "王梓涵", "初二(3)班"),
    ("审判员", "李沐阳", ""),
    ("书记员", "张一诺", ""),
    ("法警", "", "初二(1)班"),
    ("公诉人", "陈思远", ""),
    ("辩护人", "刘若曦", ""),
    ("法定代理人", "周女士", ""),
    ("被害人", "马晓东", ""),
    ("被告人", "赵子轩", ""),
]


def test_record_a_mock_trial_and_issue_handouts(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    project, topic = legal_project(tree.committee_a)
    lawyer = person(project, "马律师")
    partner = school(tree.committee_a, "兰州市第三十二中学")
    order = session(project, topic, partner, taught_by=[lawyer])
    material_create(actor=None, org=tree.committee_a, name="宪法", stock=100, low_stock_at=20)
    material_create(
        actor=None, org=tree.committee_a, name="国家安全教育手册", stock=30, low_stock_at=20
    )
    appointment_create(
        actor=None,
        person=lawyer,
        partner=partner,
        starts_on=timezone.localdate() - timedelta(days=200),
    )
    make_user("sfj", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sign_in(phone, live_server.url, "sfj")
    phone.wait_for_url(f"{live_server.url}/")

    phone.goto(f"{live_server.url}/lawedu/orders/{order.pk}/mock-trial/")
    phone.get_by_label("案件").fill("赵某某寻衅滋事案")
    phone.get_by_label("案情简介").fill("初二学生赵某某多次拦截低年级同学索要零花钱。")
    phone.get_by_label("庭审结果").fill("依法从轻处罚，同学们认识到校园欺凌的危害。")
    phone.get_by_role("button", name="保存", exact=True).click()
    expect(phone.get_by_text("模拟法庭已保存。")).to_be_visible()
    expect(phone.get_by_test_id("completeness")).to_contain_text("尚有 9 个角色未安排")
    for role, name, class_name in SEATS:
        seat = phone.get_by_test_id("seat").filter(has_text=role).first
        if name:
            seat.get_by_placeholder("姓名").fill(name)
        if class_name:
            seat.get_by_placeholder("班级，如 初二(3)班").fill(class_name)
        if role == "法定代理人":
            seat.locator("select").select_option(label="家长")
    phone.get_by_role("button", name="保存角色").click()
    expect(phone.get_by_text("角色已保存，九个角色均已安排。")).to_be_visible()
    expect(phone.get_by_test_id("completeness")).to_have_text("九个角色均已安排。")
    shot(phone, "lawedu-mock-trial")
    trial = MockTrial.objects.get(order=order)
    assert trial.seats.count() == 9
    assert trial.seats.get(role="guardian").kind == "parent"

    phone.get_by_role("link", name="宣传资料").last.click()
    phone.get_by_label("国家安全教育手册（甲机关党委，库存 30）").fill("15")
    phone.get_by_label("宪法（甲机关党委，库存 100）").fill("40")
    phone.get_by_role("button", name="发放").click()
    expect(phone.get_by_text("已发放：宪法 40本、国家安全教育手册 15本。")).to_be_visible()
    expect(phone.get_by_test_id("issue")).to_have_count(2)
    shot(phone, "lawedu-handouts")
    assert MaterialMovement.objects.filter(order=order, kind="issued").count() == 2
    assert Material.objects.get(name="宪法").stock == 60

    phone.goto(f"{live_server.url}/lawedu/materials/")
    expect(phone.get_by_test_id("low-stock")).to_contain_text("国家安全教育手册（可用 15本）")
    phone.goto(f"{live_server.url}/lawedu/appointments/")
    expect(phone.get_by_test_id("hours")).to_have_text("1/4")
    expect(phone.get_by_test_id("hours-short")).to_be_visible()
    shot(phone, "lawedu-appointments")
