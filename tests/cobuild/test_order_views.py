"""The order pages as each person uses them: the school's contact orders on a phone-sized
form and rates, the coordinator dispatches, the team accepts, schedules, prepares and
delivers; statistics and their export; nobody sees another partner's orders."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mofan.cobuild.models import Demand, Order, OrderState
from tests.cobuild.orders_world import World, advance, build, pdf, place, png
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree: Tree, roles: dict[str, Any]) -> World:
    return build(tree, roles)


def _step(client: Any, order: Order, data: dict[str, Any]) -> Any:
    return client.post(reverse("cobuild:order_step", args=[order.pk]), data, follow=True)


def test_the_whole_loop_through_the_pages(client: Any, w: World, tree: Tree) -> None:
    login(client, w.contact)
    page = client.get(reverse("cobuild:order_create") + f"?topic={w.topic.pk}")
    assert page.status_code == 200 and "模法师 · 模拟法庭" in page.content.decode()
    response = client.post(
        reverse("cobuild:order_create"),
        {
            "partner": w.school.pk,
            "topic": w.topic.pk,
            "format": "mock_trial",
            "audience": "初二年级学生",
            "audience_size": "90",
            "venue": "学校礼堂",
            "preferred_dates": "三月第二周",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse("cobuild:order", args=[order.pk])
    assert order.ordered_by == w.contact and order.state == OrderState.ORDERED

    login(client, w.coordinator)
    _step(client, order, {"step": "dispatch", "team": tree.branch_a1.pk})
    login(client, w.team_user)
    _step(client, order, {"step": "accept"})
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    _step(client, order, {"step": "schedule", "scheduled_at": when})
    _step(client, order, {"step": "prepare", "lesson_plan": pdf(), "slides": pdf("课件.pdf")})
    Order.objects.filter(pk=order.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
    page = _step(
        client,
        order,
        {
            "step": "deliver",
            "taught_by": [w.lecturer.pk, w.lawyer.pk],
            "attendance": "85",
            "photo": png(),
        },
    )
    assert "已登记本次服务" in page.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.DELIVERED and order.attendance == 85
    assert set(order.taught_by.all()) == {w.lecturer, w.lawyer}
    photo = order.photos.get()

    login(client, w.contact)
    page = client.get(reverse("cobuild:order", args=[order.pk]))
    assert 'value="confirm"' in page.content.decode()
    assert client.get(reverse("cobuild:order_photo", args=[photo.pk])).status_code == 200
    assert (
        client.get(reverse("cobuild:order_file", args=[order.pk, "lesson_plan"])).status_code == 200
    )
    _step(client, order, {"step": "confirm", "rating": "5", "comment": "孩子们收获很大"})
    order.refresh_from_db()
    assert order.state == OrderState.CONFIRMED and order.rating == 5
    assert [e.step for e in order.events.order_by("id")] == [
        "place",
        "dispatch",
        "accept",
        "schedule",
        "prepare",
        "deliver",
        "confirm",
    ]

    # The other school's contact sees none of it.
    login(client, w.other_contact)
    assert client.get(reverse("cobuild:order", args=[order.pk])).status_code == 404
    assert client.get(reverse("cobuild:order_photo", args=[photo.pk])).status_code == 404
    assert (
        client.post(
            reverse("cobuild:order_step", args=[order.pk]), {"step": "cancel", "reason": "x"}
        ).status_code
        == 404
    )
    board = client.get(reverse("cobuild:orders"))
    assert board.status_code == 200 and not board.context["page"].object_list


def test_refused_step_is_told_and_changes_nothing(client: Any, w: World) -> None:
    order = advance(w, place(w), "dispatched")
    login(client, w.coordinator)
    page = _step(client, order, {"step": "dispatch", "team": w.tree.branch_a1.pk})
    assert "此步骤无法进行" in page.content.decode()
    login(client, w.team_user)
    page = _step(client, order, {"step": "decline", "reason": ""})
    assert "请说明原因" in page.content.decode()
    assert Order.objects.get(pk=order.pk).state == OrderState.DISPATCHED


def test_partner_board_shows_its_side_only(client: Any, w: World) -> None:
    mine = place(w)
    place(w, partner=w.other_school)
    login(client, w.contact)
    page = client.get(reverse("cobuild:orders"))
    assert [o.pk for o in page.context["page"]] == [mine.pk]
    assert page.context["is_contact"] and not page.context["is_staff"]
    response = client.post(
        reverse("cobuild:demand_create"), {"partner": w.other_school.pk, "title": "越权"}
    )
    assert response.status_code == 200 and not Demand.objects.exists()
    client.post(reverse("cobuild:demand_create"), {"partner": w.school.pk, "title": "禁毒讲座"})
    assert Demand.objects.get().partner == w.school
    # Staff pages stay closed to a contact.
    assert client.get(reverse("cobuild:projects")).status_code == 403
    assert client.get(reverse("cobuild:order_statistics")).status_code == 403


def test_board_filters(client: Any, w: World) -> None:
    first = place(w)
    place(w, partner=w.other_school)
    advance(w, first, "dispatched")
    login(client, w.coordinator)
    page = client.get(reverse("cobuild:orders") + "?state=dispatched")
    assert [o.pk for o in page.context["page"]] == [first.pk]
    page = client.get(reverse("cobuild:orders") + f"?partner={w.other_school.pk}")
    assert [o.partner_id for o in page.context["page"]] == [w.other_school.pk]
    month = timezone.localdate().strftime("%Y-%m")
    assert len(client.get(reverse("cobuild:orders") + f"?month={month}").context["page"]) == 2
    assert not client.get(reverse("cobuild:orders") + "?month=2001-01").context["page"]


def test_statistics_and_export(client: Any, w: World) -> None:
    advance(w, place(w), "confirmed")
    advance(w, place(w, partner=w.other_school), "cancelled")
    login(client, w.coordinator)
    page = client.get(reverse("cobuild:order_statistics"))
    stats = page.context["stats"]
    assert stats.total == 2 and stats.average_rating == 5
    assert ("第三十二中学", 1, 1) in stats.by_partner and ("第十中学", 1, 0) in stats.by_partner
    response = client.get(reverse("cobuild:order_statistics_export"))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:3] == ["订单数", None, 2]
    assert any(r[0] == "讲师" and r[2] == 1 for r in rows)


def test_project_page_adds_team_and_topics(client: Any, w: World) -> None:
    login(client, w.coordinator)
    url = reverse("cobuild:project", args=[w.project.pk])
    client.post(
        url,
        {
            "step": "member",
            "name": "李警官",
            "unit": "戒毒所",
            "role": "司法警察",
            "is_lecturer": "on",
        },
    )
    police = w.project.team.get(name="李警官")
    client.post(url, {"step": "topic", "title": "禁毒知识", "lecturers": [police.pk]})
    assert list(w.project.topics.get(title="禁毒知识").lecturers.all()) == [police]
    page = client.get(url)
    assert "李警官" in page.content.decode() and "禁毒知识" in page.content.decode()
    login(client, w.team_user)
    client.post(url, {"step": "topic", "title": "越权"})
    assert not w.project.topics.filter(title="越权").exists()


def test_partner_board_queries_do_not_grow(client: Any, w: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.cobuild import services

    login(client, w.contact)
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cobuild:orders")).status_code == 200
        return len(ctx.captured_queries)

    advance(w, place(w), "confirmed")
    services.demand_post(actor=None, partner=w.school, title="一")
    small = count()
    for state in ["ordered", "dispatched", "delivered", "cancelled", "confirmed"] * 3:
        advance(w, place(w), state)
        services.demand_post(actor=None, partner=w.school, title=state)
    assert count() == small <= 16


def test_the_team_reserves_handouts_when_preparing_and_issues_them_at_delivery(
    client: Any, w: World, tree: Tree
) -> None:
    from mofan.lawedu.models import Material
    from mofan.lawedu.services import material_create

    book = material_create(actor=None, org=tree.branch_a1, name="宪法", stock=40)
    order = advance(w, place(w), "scheduled")
    login(client, w.team_user)
    page = client.get(reverse("cobuild:order", args=[order.pk])).content.decode()
    assert f'name="hold_{book.pk}"' in page and "宪法（可用 40 本，本场已预留 0）" in page
    page = _step(client, order, {"step": "prepare", "lesson_plan": pdf(), f"hold_{book.pk}": "41"})
    assert "宪法可用只有 40 本（已预留 0）。" in page.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.SCHEDULED and not order.lesson_plan
    _step(client, order, {"step": "prepare", "lesson_plan": pdf(), f"hold_{book.pk}": "30"})
    book.refresh_from_db()
    assert (book.stock, book.reserved) == (40, 30)
    page = client.get(reverse("cobuild:order", args=[order.pk])).content.decode()
    assert f'name="issue_{book.pk}" value="30"' in page
    _step(
        client,
        order,
        {
            "step": "deliver",
            "taught_by": [w.lawyer.pk],
            "attendance": "80",
            f"issue_{book.pk}": "28",
        },
    )
    book = Material.objects.get(pk=book.pk)
    assert (book.stock, book.reserved, book.available) == (12, 0, 12)
