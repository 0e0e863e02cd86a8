"""The demand list on a phone (390×844): the school's contact posts a demand, a coordinator
matches it to a project from the demand list, and the contact sees it matched."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.cobuild.models import Demand, DemandState
from mofan.orgs.services import partner_contact_add, partner_contact_link_user
from tests.browser.conftest import shot
from tests.cobuild.orders_world import build, make_user
from tests.conftest import PASSWORD, Tree, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contact_posts_a_demand_the_coordinator_matches_it(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    w = build(tree, roles)
    # The school's contact signs in as `xuexiao`, as in the demo; linked the way staff do it.
    xuexiao = make_user("xuexiao")
    contact = partner_contact_add(actor=None, partner=w.school, name="孙老师")
    partner_contact_link_user(actor=None, contact=contact, username="xuexiao")
    for user in (xuexiao, w.coordinator):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    sign_in(phone, live_server.url, "xuexiao")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/orders/")
    phone.get_by_test_id("partner-side").get_by_role("link", name="发布需求").click()
    phone.get_by_label("需求内容").fill("禁毒知识讲座")
    phone.get_by_label("服务对象").fill("初一年级学生")
    phone.get_by_role("button", name="发布").click()
    expect(phone.get_by_text("需求已发布。")).to_be_visible()
    demand = Demand.objects.get(partner=w.school)
    assert demand.state == DemandState.OPEN and demand.posted_by == xuexiao

    phone.context.clear_cookies()
    sign_in(phone, live_server.url, w.coordinator.username)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/demands/?state=open")
    row = phone.get_by_test_id("demand-row").filter(has_text="禁毒知识讲座")
    expect(row).to_contain_text("第三十二中学")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "demands")
    row.get_by_role("link", name="禁毒知识讲座").click()
    phone.get_by_label("用项目对接需求").select_option(label="模法师")
    phone.get_by_role("button", name="对接", exact=True).click()
    expect(phone.get_by_text("需求已对接，已通知共建单位。")).to_be_visible()
    expect(phone.get_by_test_id("demand-state")).to_have_text("已对接")
    phone.goto(f"{live_server.url}/cobuild/demands/?state=matched")
    expect(phone.get_by_test_id("demand-row").filter(has_text="禁毒知识讲座")).to_contain_text(
        "模法师"
    )

    phone.context.clear_cookies()
    sign_in(phone, live_server.url, "xuexiao")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/orders/")
    mine = phone.get_by_test_id("partner-demand").filter(has_text="禁毒知识讲座")
    expect(mine).to_contain_text("已对接")
    expect(mine).to_contain_text("模法师")
    mine.get_by_role("link", name="禁毒知识讲座").click()
    expect(phone.get_by_role("link", name="从其菜单点单")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "demand-matched")
    assert Demand.objects.get(pk=demand.pk).project == w.project


def test_coordinator_archives_a_project_and_puts_it_back_on_offer(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.cobuild.models import ServiceProject
    from mofan.core.models import AuditEvent

    w = build(tree, roles)
    w.coordinator.set_password(PASSWORD)
    w.coordinator.save(update_fields=["password"])
    sign_in(phone, live_server.url, w.coordinator.username)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/projects/{w.project.pk}/")
    phone.get_by_text("归档项目", exact=True).first.click()
    phone.get_by_label("原因").fill("本学期暂停")
    phone.get_by_role("button", name="归档项目").click()
    expect(phone.get_by_text("项目已归档，不再接受新的点单。")).to_be_visible()
    expect(phone.get_by_test_id("project-archived")).to_be_visible()
    phone.get_by_text("恢复上架", exact=True).first.click()
    phone.get_by_role("button", name="恢复上架").click()  # no reason yet: refused, kept open
    expect(phone.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    assert ServiceProject.objects.get(pk=w.project.pk).archived_at is not None
    phone.get_by_label("原因").fill("下学期恢复")
    shot(phone, "project-restore")
    phone.get_by_role("button", name="恢复上架").click()
    expect(phone.get_by_text("项目已重新上架。")).to_be_visible()
    expect(phone.get_by_test_id("project-archived")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert ServiceProject.objects.get(pk=w.project.pk).archived_at is None
    assert AuditEvent.objects.filter(action="cobuild.project.restore").count() == 1
