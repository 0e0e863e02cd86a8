"""The menu on a phone (390×844): every item a person has on a desktop is reachable by taps —
"More" in the tab bar opens the whole menu as a drawer, grouped as on the desktop — and every
tap target of the top bar and the drawer is at least 44 px high."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.orgs.services import partner_contact_add, partner_contact_link_user, partner_create
from tests.browser.conftest import shot
from tests.conftest import Tree, make_members, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44  # px: the smallest comfortable tap target


def _desktop_menu(browser: Any, base: str, username: str) -> list[tuple[str, str]]:
    """(label, URL) of every item of the desktop sidebar, folded groups included."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, username)
    page.wait_for_url(f"{base}/")
    links = page.locator(".mofan-sidebar a.nav-link")
    assert page.locator(".mofan-sidebar").is_visible()
    assert not page.locator(".mofan-tabs").is_visible()
    items = [(link.text_content().strip(), link.get_attribute("href")) for link in links.all()]
    context.close()
    return items


def _small(locator: Any) -> list[tuple[str, float, float]]:
    """The visible elements of `locator` smaller than a tap target: (text, width, height)."""
    small = []
    for element in locator.all():
        if not element.is_visible():
            continue
        box = element.bounding_box()
        if box["height"] < TAP or box["width"] < TAP:
            label = element.inner_text().strip() or element.get_attribute("aria-label")
            small.append((label, box["width"], box["height"]))
    return small


def _open_drawer(phone: Any) -> Any:
    phone.locator(".mofan-tabs").get_by_role("button", name="更多").click()
    drawer = phone.locator("#mofan-menu")
    expect(drawer.get_by_role("heading", name="菜单")).to_be_visible()
    # Bootstrap's offcanvas slides in ("showing"), then settles ("show"): measure it then.
    phone.wait_for_function(
        "() => document.querySelector('#mofan-menu.show:not(.showing)') !== null"
    )
    return drawer


def _reach_every_item(phone: Any, base: str, username: str, desktop: list[tuple[str, str]]) -> None:
    sign_in(phone, base, username)
    phone.wait_for_url(f"{base}/")
    assert not phone.locator(".mofan-sidebar").is_visible()
    top_bar = phone.locator(".mofan-topbar").locator("a, button")
    assert _small(top_bar) == []
    for label, url in desktop:
        drawer = _open_drawer(phone)
        link = drawer.locator(f'a.nav-link[href="{url}"]')
        if not link.is_visible():  # inside a folded group: open it
            link.locator("xpath=ancestor::details[1]/summary").click()
        expect(link).to_be_visible()
        assert link.inner_text().strip() == label
        assert _small(drawer.locator("a, summary, button")) == []
        link.click()
        phone.wait_for_url(f"{base}{url}")
        expect(phone.locator("#mofan-menu")).not_to_be_visible()


def test_a_member_reaches_every_item_on_a_phone(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("dangyuan", grants=[(roles["member"], tree.branch_a1, False)])
    Member.objects.filter(pk=person.pk).update(user=user)
    desktop = _desktop_menu(browser, live_server.url, "dangyuan")
    assert ("我的档案", "/members/me/") in desktop
    _reach_every_item(phone, live_server.url, "dangyuan", desktop)
    expect(phone.get_by_role("heading", level=1).first).to_be_visible()


def test_a_school_contact_reaches_service_orders_on_a_phone(
    live_server: Any, browser: Any, phone: Any, tree: Tree
) -> None:
    school = partner_create(actor=None, org=tree.committee_a, name="实验小学", kind="school")
    make_user("xuexiao")
    contact = partner_contact_add(actor=None, partner=school, name="孙老师")
    partner_contact_link_user(actor=None, contact=contact, username="xuexiao")
    desktop = _desktop_menu(browser, live_server.url, "xuexiao")
    assert ("服务订单", "/cobuild/orders/") in desktop
    _reach_every_item(phone, live_server.url, "xuexiao", desktop)


def test_the_work_committee_admin_reaches_every_item_on_a_phone(
    live_server: Any, browser: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    desktop = _desktop_menu(browser, live_server.url, "gw")
    assert len(desktop) > 25
    _reach_every_item(phone, live_server.url, "gw", desktop)
    # The drawer on the last page reached: its group open, the page marked.
    phone.goto(f"{live_server.url}/orglife/compliance/")
    drawer = _open_drawer(phone)
    current = drawer.locator('a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("达标情况")
    expect(drawer.locator("details[open] > summary")).to_have_text("组织生活")
    shot(phone, "menu-drawer")
