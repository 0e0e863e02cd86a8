"""The member list reads only the columns it shows: no row loads anything afterwards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mofan.accounts.models import Role
from mofan.members.models import Member
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db


def test_rows_in_a_group_with_every_column_cost_no_query_per_row(
    tree: Tree, roles: dict[str, Role]
) -> None:
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    client = login(Client(), admin)
    people = make_members(tree.branch_a1, 2)
    Member.objects.filter(pk__in=[p.pk for p in people]).update(
        group=tree.group_a1, is_leading_cadre=True, mobile_masked="138****0000"
    )
    client.get("/members/")
    with CaptureQueriesContext(connection) as few:
        page = client.get("/members/").content.decode()
    assert tree.group_a1.name in page and "138****0000" in page
    more = make_members(tree.branch_a1, 12)
    Member.objects.filter(pk__in=[p.pk for p in more]).update(group=tree.group_a1)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/members/").content.decode()
    assert page.count('data-testid="member-row"') == 14
    assert len(many.captured_queries) == len(few.captured_queries)
