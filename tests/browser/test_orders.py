"""Service orders on a phone (390×844): a school's contact orders from the menu, the team
accepts, schedules, prepares and delivers, and the school confirms and rates."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role, User
from mofan.cobuild.models import Order, OrderState
from tests.browser.conftest import shot
from tests.cobuild.orders_world import PNG, World, advance, build, place
from tests.conftest import PASSWORD, Tree, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world(tree: Tree, roles: dict[str, Role]) -> World:
    w = build(tree, roles)
    for user in (w.contact, w.team_user, w.coordinator):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    User.objects.filter(pk__in=[w.contact.pk, w.team_user.pk]).update(
        full_name="赵老师"  # the contact's name in the log; the team user's is overwritten below
    )
    User.objects.filter(pk=w.team_user.pk).update(full_name="甲第一支部书记")
    return w


def test_school_contact_orders_from_the_menu(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    w = _world(tree, roles)
    place(w, partner=w.other_school)  # another school's order, never shown to this one
    sign_in(phone, live_server.url, w.contact.username)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/orders/")
    expect(phone.get_by_test_id("partner-side")).to_be_visible()
    expect(phone.get_by_test_id("order-row")).to_have_count(0)
    phone.get_by_test_id("order-new").click()
    phone.get_by_label("课题").select_option(label="模法师 · 模拟法庭")
    phone.get_by_label("方式").select_option(label="模拟法庭")
    phone.get_by_label("期望时间").fill("下月第二周周三下午")
    phone.get_by_label("服务对象").fill("初二年级学生")
    phone.get_by_label("人数").fill("80")
    phone.get_by_label("地点").fill("学校礼堂")
    shot(phone, "order-form")
    phone.get_by_role("button", name="提交点单").click()
    expect(phone.get_by_text("点单成功。服务队接单后会通知你。")).to_be_visible()
    expect(phone.get_by_test_id("order-state")).to_have_text("已点单")
    order = Order.objects.get(partner=w.school)
    assert order.ordered_by == w.contact and order.audience_size == 80
    assert order.format == "mock_trial" and order.state == OrderState.ORDERED
    phone.goto(f"{live_server.url}/cobuild/orders/")
    expect(phone.get_by_test_id("order-row")).to_have_count(1)
    expect(phone.get_by_test_id("order-row")).to_contain_text("第三十二中学")
    # Nothing of the other school, and no page wider than the phone.
    expect(phone.get_by_text("第十中学")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "orders-partner")


def test_team_accepts_schedules_prepares_and_delivers(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    w = _world(tree, roles)
    order = advance(w, place(w), "dispatched")
    plan = tmp_path / "教案.pdf"
    plan.write_bytes(b"%PDF-1.4\n%plan\n")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    sign_in(phone, live_server.url, w.team_user.username)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/orders/{order.pk}/")
    phone.get_by_role("button", name="接单").click()
    expect(phone.get_by_test_id("order-state")).to_have_text("已接单")
    when = timezone.localtime() + timedelta(days=3)
    phone.get_by_label("授课日期和时间").fill(when.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_role("button", name="排课").click()
    expect(phone.get_by_test_id("order-state")).to_have_text("已排课")
    phone.get_by_label("教案（PDF）").set_input_files(str(plan))
    phone.get_by_role("button", name="上传备课材料").click()
    expect(phone.get_by_text("教案已上传。")).to_be_visible()
    # The day of the session comes.
    Order.objects.filter(pk=order.pk).update(scheduled_at=timezone.now() - timedelta(hours=2))
    phone.reload()
    phone.get_by_label(w.lecturer.name).check()
    phone.get_by_label("王律师").check()
    phone.get_by_label("实到人数").fill("76")
    phone.get_by_label("照片").set_input_files(str(photo))
    phone.get_by_role("button", name="登记服务").click()
    expect(phone.get_by_text("已登记本次服务，等待共建单位确认。")).to_be_visible()
    expect(phone.get_by_test_id("order-state")).to_have_text("已服务")
    expect(phone.get_by_test_id("order-delivered")).to_contain_text("王律师")
    shot(phone, "order-delivered")
    order.refresh_from_db()
    assert order.state == OrderState.DELIVERED and order.attendance == 76
    assert order.photos.count() == 1 and order.lesson_plan_name == "教案.pdf"
    assert [e.step for e in order.events.order_by("id")][-4:] == [
        "accept",
        "schedule",
        "prepare",
        "deliver",
    ]


def test_school_confirms_and_rates(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    w = _world(tree, roles)
    order = advance(w, place(w), "delivered")
    sign_in(phone, live_server.url, w.contact.username)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/orders/{order.pk}/")
    phone.get_by_label("★★★★★", exact=True).check()
    phone.get_by_label("评价").fill("孩子们很投入，希望下学期再来")
    phone.get_by_role("button", name="确认并评价").click()
    expect(phone.get_by_text("感谢你的评价。")).to_be_visible()
    expect(phone.get_by_test_id("order-state")).to_have_text("已评单")
    expect(phone.get_by_test_id("order-rating")).to_contain_text("5 ★")
    shot(phone, "order-rated")
    order.refresh_from_db()
    assert order.rating == 5 and order.comment == "孩子们很投入，希望下学期再来"
