"""The committee's pages of one campaign run a fixed number of queries, however many cases,
reviewers and scores it has."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mofan.campaigns import services
from mofan.orgs.models import OrgKind
from mofan.orgs.services import org_create
from tests.campaigns.helpers import (
    case,
    close_collection,
    manager,
    open_campaign,
    reviewer,
    score_all,
)
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db

PAGES = ["campaigns:campaign_manage", "campaigns:assign", "campaigns:ranking"]


def _campaign(tree: Tree, roles: Any, n: int, tag: str) -> Any:
    campaign = open_campaign(tree, title=f"征集{tag}")
    rows = []
    for i in range(n):
        org = org_create(
            actor=None, name=f"支部{tag}{i}", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
        rows.append(case(campaign, org))
    close_collection(campaign)
    services.campaign_start_review(actor=None, campaign=campaign)
    experts = [reviewer(f"{tag}{k}", roles, tree, member_of=tree.branch_b1) for k in range(n)]
    for row in rows:
        row.refresh_from_db()
        for expert in experts[:2] + experts[-1:]:
            score_all(services.review_assign(actor=None, submission=row, reviewer=expert), 80)
    return campaign


def _counts(client: Any, campaign: Any) -> dict[str, int]:
    counts = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name, args=[campaign.pk]))
        assert response.status_code == 200, name
        counts[name] = len(ctx.captured_queries)
    return counts


def test_campaign_pages_do_not_grow(client: Any, tree: Tree, roles: Any) -> None:
    login(client, manager(roles, tree))
    client.get("/")
    small = _counts(client, _campaign(tree, roles, 2, "s"))
    large = _counts(client, _campaign(tree, roles, 7, "l"))
    assert small == large
    assert all(v <= 16 for v in large.values()), large
