"""List pages run a number of queries that does not grow with the rows they show.

Each app declares its pages (`QUERY_PAGES`) and what one round adds to a new branch of side A
(`grow`) in tests/<app>/walk.py, beside its part of the authorization walk.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.orgs.models import OrgKind
from mofan.orgs.services import org_create
from tests.conftest import Tree, World, login, make_members, make_user
from tests.test_authorization_walk import WALKS

pytestmark = pytest.mark.django_db

# (page, the role that uses it, most queries allowed), every app's
PAGES = [page for walk in WALKS for page in walk.QUERY_PAGES]


def _grow(tree: Tree, roles: dict[str, Role], author: object, n: int) -> None:
    """`n` new branches of side A, each with three members and every app's rows."""
    for i in range(n):
        tag = f"{n}-{i}"
        branch = org_create(
            actor=None, name=f"新增支部{tag}", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
        rows: World = {
            "branch": branch,
            "people": make_members(branch, 3),
            "author": author,
            "tag": tag,
            "i": i,
        }
        for walk in WALKS:
            walk.grow(rows, tree, roles)


def _counts(clients: dict[str, Client]) -> dict[str, int]:
    return {name: _count(clients[role], name) for name, role, _limit in PAGES}


def _count(client: Client, name: str) -> int:
    # Once before counting: a session last recorded as active over a minute ago is recorded
    # again by its next request (four queries), which a slow run would count on some pages.
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200, name
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_rows(tree: Tree, roles: dict[str, Role]) -> None:
    clients = {}
    for code in {role for _name, role, _limit in PAGES}:
        user = make_user(f"q-{code}", grants=[(roles[code], tree.root, True)])
        clients[code] = login(Client(), user)
        clients[code].get("/")  # the first request also records the session as online
    author = make_user("author", grants=[(roles["work_committee_admin"], tree.root, True)])
    _grow(tree, roles, author, 2)
    small = _counts(clients)
    _grow(tree, roles, author, 8)
    large = _counts(clients)
    assert large == small
    for name, _role, limit in PAGES:
        assert large[name] <= limit, (name, large[name], large)
