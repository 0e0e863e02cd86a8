"""The layout's menu: each item once in the sidebar, the first five tabs on a phone, the current
page marked, labels escaped, and nothing for a one-task page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core import access
from mofan.core.navigation import nav_items
from mofan.members.models import Member
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db


def _party_member(user, org):  # type: ignore[no-untyped-def]
    """Link the login to a member record: members-only items (我的档案…) are for members."""
    Member.objects.filter(pk=make_members(org, 1)[0].pk).update(user=user)
    return user


def _sidebar(page: str) -> str:
    return page.split('class="mofan-sidebar', 1)[1].split("</nav>", 1)[0]


def _tabs(page: str) -> str:
    return page.split('class="mofan-tabs"', 1)[1].split("</nav>", 1)[0]


def _links(html: str) -> list[tuple[bool, str]]:
    """(current, url) for each link of the sidebar, in order."""
    link = r'<a class="nav-link( active)?"(?: aria-current="page")? href="([^"]+)">'
    found = re.findall(link, html)
    return [(bool(current), url) for current, url in found]


def _groups(html: str) -> list[tuple[bool, str]]:
    """(open, label) for each group heading of the sidebar."""
    found = re.findall(r'<details( open)?><summary class="nav-link"><i[^>]*></i>([^<]+)<', html)
    return [(bool(is_open), label) for is_open, label in found]


def test_sidebar_and_tabs_follow_the_grants(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user("menu", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    page = login(Client(), user).get("/members/").content.decode()
    # The items whose permission the user holds somewhere, in the menu's order (without a
    # party member's own pages: the secretary's login is not linked to a member record).
    expected = [
        {"url": reverse(item.url_name), "in_tabs": item.in_tabs}
        for item in nav_items()
        if access.has_permission(user, item.permission) and not item.members_only
    ]
    sidebar = _links(_sidebar(page))
    assert [url for _current, url in sidebar] == [item["url"] for item in expected]
    assert [url for current, url in sidebar if current] == ["/members/"]
    tab_urls = re.findall(r'<a href="([^"]+)"', _tabs(page))
    assert tab_urls == [item["url"] for item in expected if item["in_tabs"]][:4]
    assert 'data-bs-target="#mofan-menu"' in _tabs(page)  # "More" opens the whole menu
    assert "更多" in _tabs(page)
    assert "组织机构" in page and "党员" in page


def test_every_menu_page_marks_exactly_one_item_current(tree: Tree, roles: dict[str, Role]) -> None:
    """`/orglife/compliance/` starts with `/orglife/` (Meetings) too: the longest match wins.
    Every item's page is opened by someone who sees it, with the fullest menus there are."""
    opened = set()
    for code in (
        "work_committee_admin",
        "committee_admin",
        "reviewer",
        "system_admin",
        "security_admin",
        "audit_admin",
    ):
        user = make_user(code, grants=[(roles[code], tree.root, True)])
        if code in {"work_committee_admin", "committee_admin"}:
            _party_member(user, tree.branch_a1)
        client = login(Client(), user)
        member = access.is_party_member(user)
        visible = [
            item
            for item in nav_items()
            if access.has_permission(user, item.permission) and (member or not item.members_only)
        ]
        tabbed = [reverse(item.url_name) for item in visible if item.in_tabs][:4]
        for item in visible:
            if item.url_name in opened:
                continue
            opened.add(item.url_name)
            url = reverse(item.url_name)
            page = client.get(url).content.decode()
            current = [link for is_current, link in _links(_sidebar(page)) if is_current]
            assert current == [url], item.url_name
            lit = re.findall(r'<a href="([^"]+)" class="active"', _tabs(page))
            if 'class="mofan-more active"' in _tabs(page):
                lit.append("more")
            # The tab of the page, or "More" when the page lives in the drawer.
            assert lit == ([url] if url in tabbed else ["more"]), item.url_name
    assert opened == {item.url_name for item in nav_items()}


def test_the_menu_is_grouped_and_the_current_group_open(tree: Tree, roles: dict[str, Role]) -> None:
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    _party_member(admin, tree.branch_a1)
    page = login(Client(), admin).get("/orglife/compliance/").content.decode()
    assert _groups(_sidebar(page)) == [
        (False, "组织与党员"),
        (True, "组织生活"),
        (False, "学习"),
        (False, "志愿服务"),
        (False, "共驻共建"),
        (False, "征集与门户"),
    ]
    # Each group holds its items; only the personal items stand on their own.
    top = _sidebar(page).split('<li class="nav-item mofan-group">')[0]
    assert [url for _c, url in _links(top)] == ["/", "/notices/", "/messages/", "/orglife/mine/"]
    organisational_life = _sidebar(page).split("组织生活", 1)[1].split("</details>", 1)[0]
    assert [url for _c, url in _links(organisational_life)] == [
        "/orglife/",
        "/orglife/compliance/",
        "/orglife/reviews/",
        "/orglife/appraisals/",
    ]
    security = make_user("aq", grants=[(roles["security_admin"], tree.root, True)])
    page = login(Client(), security).get("/").content.decode()
    assert _groups(_sidebar(page)) == [(False, "系统")]


def test_a_group_of_one_item_is_drawn_as_that_item(tree: Tree, roles: dict[str, Role]) -> None:
    """A member sees one item of 学习 (their study record) and of 志愿服务 (their own)."""
    member = make_user("dangyuan", grants=[(roles["member"], tree.branch_a1, False)])
    _party_member(member, tree.branch_a1)
    page = login(Client(), member).get("/members/me/").content.decode()
    assert _groups(_sidebar(page)) == [(True, "组织与党员"), (False, "共驻共建")]
    links = _links(_sidebar(page))
    assert (True, "/members/me/") in links
    assert (False, "/study/mine/") in links and (False, "/volunteer/") in links
    assert "学习</summary>" not in page


def test_scan_page_draws_no_menu(tree: Tree) -> None:
    # Check-in is a party member's own page (a login without a member record gets the 403).
    user = _party_member(make_user("phone"), tree.branch_a1)
    page = login(Client(), user).get("/orglife/check-in/not-a-token/").content.decode()
    assert "nav-link" not in page and "mofan-tabs" not in page
    assert "返回首页" in page


def test_a_revoked_grant_leaves_the_menu_on_the_next_page(
    tree: Tree, roles: dict[str, Role]
) -> None:
    """The menu's HTML is kept per set of permissions held: a grant's change is a new set."""
    from mofan.accounts.models import Grant
    from mofan.accounts.services import grant_revoke

    user = make_user(
        "two",
        grants=[
            (roles["branch_secretary"], tree.branch_a1, True),
            (roles["reviewer"], tree.root, True),
        ],
    )
    other = make_user("one", grants=[(roles["reviewer"], tree.root, True)])
    client = login(Client(), user)
    assert 'href="/members/"' in client.get("/").content.decode()
    assert 'href="/members/"' not in login(Client(), other).get("/").content.decode()
    grant = Grant.objects.get(user=user, role=roles["branch_secretary"])
    grant_revoke(actor=None, grant=grant)
    page = client.get("/").content.decode()
    assert 'href="/members/"' not in page
    assert f'href="{reverse("campaigns:reviews")}"' in page
