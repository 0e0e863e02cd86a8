"""List pages run a number of queries that does not grow with the rows they show."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core.services import notice_send
from mofan.orgs.models import OrgKind
from mofan.orgs.services import org_create, partner_create, seat_assign, term_start
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("core:home", 18),
    ("core:notice_inbox", 12),
    ("core:notice_sent", 12),
    ("core:audit", 12),
    ("orgs:tree", 12),
    ("orgs:terms", 12),
    ("orgs:flags", 12),
    ("orgs:partners", 12),
    ("accounts:users", 12),
    ("accounts:grants", 12),
    ("accounts:login_log", 12),
    ("accounts:sessions", 12),
    ("accounts:roles", 12),
]


def _grow(tree: Tree, roles: dict[str, Role], author: object, n: int) -> None:
    for i in range(n):
        branch = org_create(
            actor=None, name=f"新增支部{n}-{i}", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
        people = make_members(branch, 3)
        seat_assign(
            actor=None,
            org=branch,
            position="secretary",
            holder=people[0],
            starts_on=date(2024, 1, 1),
        )
        term_start(actor=None, org=branch, starts_on=date(2023, 1, 1))
        partner_create(actor=None, org=branch, name=f"社区{n}-{i}", kind="community")
        notice_send(
            actor=author, sender_org=tree.root, org=tree.root, title=f"通知{n}-{i}", body="正文"
        )
        make_user(f"user{n}-{i}", grants=[(roles["member"], branch, False)])


def _count(client: Client, name: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200, name
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_rows(tree: Tree, roles: dict[str, Role]) -> None:
    everything = make_role_all()
    admin = make_user("all", grants=[(everything, tree.root, True)])
    client = login(Client(), admin)
    _grow(tree, roles, admin, 2)
    small = {name: _count(client, name) for name, _limit in PAGES}
    _grow(tree, roles, admin, 8)
    large = {name: _count(client, name) for name, _limit in PAGES}
    assert large == small
    for name, limit in PAGES:
        assert large[name] <= limit, (name, large[name], large)


def make_role_all() -> Role:
    from mofan.core.registry import all_permissions

    return Role.objects.create(
        code="everything", name="全部权限", permissions=sorted(all_permissions())
    )
