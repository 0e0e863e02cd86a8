"""The layout's menu: each item once in the sidebar, the first five tabs on a phone, the current
page marked, labels escaped, and nothing for a one-task page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core import access
from mofan.core.navigation import NAV_ITEMS
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db


def test_sidebar_and_tabs_follow_the_grants(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user("menu", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    page = login(Client(), user).get("/members/").content.decode()
    # The items whose permission the user holds somewhere, in the menu's order (without a
    # party member's own pages: the secretary's login is not linked to a member record).
    expected = [
        {"url": reverse(item.url_name), "in_tabs": item.in_tabs}
        for item in NAV_ITEMS
        if access.has_permission(user, item.permission) and not item.members_only
    ]
    sidebar = re.findall(r'<a class="nav-link( active)?" href="([^"]+)">', page)
    assert [url for _active, url in sidebar] == [item["url"] for item in expected]
    assert [url for active, url in sidebar if active] == ["/members/"]
    tabs = page.split('class="mofan-tabs"', 1)[1].split("</nav>", 1)[0]
    tab_urls = re.findall(r'<a href="([^"]+)" class="(?:active)?">', tabs)
    assert tab_urls == [item["url"] for item in expected if item["in_tabs"]][:5]
    assert "组织机构" in page and "党员" in page


def test_scan_page_draws_no_menu(tree: Tree) -> None:
    user = make_user("phone")
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
