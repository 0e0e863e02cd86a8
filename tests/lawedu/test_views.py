"""The legal-education pages as a committee administrator uses them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mofan.lawedu.models import Appointment, Material, MockTrial
from mofan.lawedu.services import appointment_create, material_create, material_receive
from tests.conftest import Tree, login, make_user
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Tree, roles: Any, client: Client) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    lawyer = person(project, "张律师")
    partner = school(tree.committee_a)
    admin = make_user("admin", grants=[(roles["committee_admin"], tree.committee_a, True)])
    login(client, admin)
    return {
        "project": project,
        "topic": topic,
        "lawyer": lawyer,
        "school": partner,
        "order": session(project, topic, partner, taught_by=[lawyer]),
        "book": material_create(actor=None, org=tree.committee_a, name="宪法", stock=12),
    }


def test_stock_list_warns_of_low_stock(client: Client, world: dict[str, Any]) -> None:
    page = client.get(reverse("lawedu:materials")).content.decode()
    assert "库存不足： 宪法（可用 12本）" in page
    client.post(
        reverse("lawedu:material", args=[world["book"].pk]), {"step": "receive", "quantity": 100}
    )
    page = client.get(reverse("lawedu:materials")).content.decode()
    assert "库存不足" not in page and "112 本" in page


def test_stock_shows_reserved_and_warns_on_what_is_available(
    client: Client, world: dict[str, Any]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mofan.cobuild.services import order_prepare

    book = world["book"]
    material_receive(actor=None, material=book, quantity=88)  # 100 on hand
    order = session(world["project"], world["topic"], world["school"], state="scheduled")
    order_prepare(
        actor=None,
        order=order,
        lesson_plan=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%plan\n"),
        handouts={book: 85},
    )
    page = client.get(reverse("lawedu:materials")).content.decode()
    assert "在库" in page and "已预留" in page and "可用" in page
    assert "库存不足： 宪法（可用 15本）" in page
    page = client.get(reverse("lawedu:material", args=[book.pk])).content.decode()
    assert 'data-testid="reserved">85<' in page and 'data-testid="available">15<' in page
    assert "预留记录" in page


def test_issue_form_on_a_session(client: Client, world: dict[str, Any]) -> None:
    url = reverse("lawedu:order_handouts", args=[world["order"].pk])
    field = f"qty_{world['book'].pk}"
    response = client.post(url, {field: 13})
    assert response.status_code == 200
    assert "库存只有 12 本宪法。" in response.content.decode()
    response = client.post(url, {field: 10}, follow=True)
    assert "已发放：宪法 10本。" in response.content.decode()
    world["book"].refresh_from_db()
    assert world["book"].stock == 2
    assert "宪法</strong> 10 本" in client.get(url).content.decode()


def test_record_a_mock_trial_and_its_roles(client: Client, world: dict[str, Any]) -> None:
    url = reverse("lawedu:mock_trial", args=[world["order"].pk])
    client.post(url, {"step": "case", "case_title": "网络诈骗案", "case_summary": "网贷诈骗。"})
    trial = MockTrial.objects.get()
    roles = {f"{r}-name": f"学生{i}" for i, r in enumerate(["presiding_judge", "judge", "clerk"])}
    response = client.post(url, {"step": "roles", **roles}, follow=True)
    assert "尚缺：法警、公诉人、辩护人、法定代理人、被害人、被告人" in response.content.decode()
    assert "尚有 6 个角色未安排" in response.content.decode()
    assert trial.seats.count() == 3


def test_not_a_mock_trial_session(client: Client, world: dict[str, Any]) -> None:
    lecture = session(world["project"], world["topic"], world["school"], format="lecture")
    url = reverse("lawedu:mock_trial", args=[lecture.pk])
    assert "该场次不是模拟法庭。" in client.get(url).content.decode()
    client.post(url, {"step": "case", "case_title": "案", "case_summary": "x"})
    assert MockTrial.objects.count() == 0


def test_appointments_page_and_the_schools_warning(
    client: Client, world: dict[str, Any], tree: Tree
) -> None:
    start = timezone.localdate() - timedelta(days=3)
    for name in ("桥门社区假期班", "第五中学"):
        appointment_create(
            actor=None,
            person=world["lawyer"],
            partner=school(tree.committee_a, name),
            starts_on=start,
        )
    response = client.post(
        reverse("lawedu:appointment_create"),
        {
            "person": world["lawyer"].pk,
            "partner": world["school"].pk,
            "title": "counsellor",
            "starts_on": start.isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "张律师 现同时在 3 所学校任职，规定最多两所。" in page
    created = Appointment.objects.get(partner=world["school"])
    assert created.ends_on.year == start.year + 5
    page = client.get(reverse("lawedu:appointments")).content.decode()
    assert "同时任职超过 2 所学校：" in page and "1/4" in page and "0/4" in page


def test_end_an_appointment_from_its_page(client: Client, world: dict[str, Any]) -> None:
    a = appointment_create(
        actor=None,
        person=world["lawyer"],
        partner=world["school"],
        starts_on=timezone.localdate() - timedelta(days=100),
    )
    url = reverse("lawedu:appointment", args=[a.pk])
    response = client.post(url, {"ended_on": timezone.localdate().isoformat()}, follow=True)
    assert "请填写日期和原因。" in response.content.decode()
    client.post(url, {"ended_on": timezone.localdate().isoformat(), "reason": "调离"})
    a.refresh_from_db()
    assert a.end_reason == "调离"


def test_material_create_page(client: Client, world: dict[str, Any], tree: Tree) -> None:
    response = client.post(
        reverse("lawedu:material_create"),
        {
            "org": tree.committee_a.pk,
            "name": "国家安全教育手册",
            "unit": "本",
            "stock": 200,
            "low_stock_at": 30,
        },
    )
    material = Material.objects.get(name="国家安全教育手册")
    assert response.status_code == 302 and material.stock == 200


def test_order_page_links_to_handouts_and_mock_trial(
    client: Client, world: dict[str, Any], tree: Tree
) -> None:
    from tests.conftest import make_role

    url = reverse("cobuild:order", args=[world["order"].pk])
    page = client.get(url).content.decode()
    assert reverse("lawedu:order_handouts", args=[world["order"].pk]) in page
    assert reverse("lawedu:mock_trial", args=[world["order"].pk]) in page
    # A coordinator without legal education sees the order but not the links.
    role = make_role("coordinator-only", ["cobuild.view", "cobuild.coordinate"])
    login(client, make_user("coord", grants=[(role, tree.committee_a, True)]))
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="lawedu-links"' not in response.content.decode()


def test_appointments_export(client: Client, world: dict[str, Any]) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    appointment_create(
        actor=None,
        person=world["lawyer"],
        partner=world["school"],
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    response = client.get(reverse("lawedu:appointments_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "人员" and rows[0][8] == "达到 4 课时"
    assert rows[1][:4] == ("张律师", "雷诺律师事务所", "法治辅导员", "第三十二中学")
    assert rows[1][7] == 1 and rows[1][8] == "否"
