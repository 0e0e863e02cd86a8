"""Concurrent double submissions: exactly one wins, the other is told why, nothing breaks.

Real threads with their own database connections, on SQLite (immediate transactions) and on
PostgreSQL (row locks and unique constraints).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from mofan.accounts.models import Grant, Role
from mofan.accounts.services import grant_create
from mofan.core.audit import audit_verify
from mofan.orgs.models import Organisation, OrgKind
from mofan.orgs.services import org_create
from tests.conftest import Tree, make_user, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_grant_exactly_one_wins(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user("twice")
    wins, refusals = race(
        4,
        lambda: grant_create(
            actor=None, user=user, role=roles["branch_secretary"], org=tree.branch_a1
        ),
    )
    assert len(wins) == 1
    assert refusals == ["该用户在此组织已拥有该角色。"] * 3
    assert Grant.objects.filter(user=user).count() == 1
    assert audit_verify().ok


def test_same_branch_created_twice_at_once(tree: Tree) -> None:
    wins, refusals = race(
        4,
        lambda: org_create(
            actor=None, name="并发支部", kind=OrgKind.BRANCH, parent=tree.committee_b
        ),
    )
    assert len(wins) == 1
    assert refusals == ["同一上级下已有同名组织。"] * 3
    assert Organisation.objects.filter(name="并发支部").count() == 1
    assert audit_verify().ok


def test_different_branches_created_at_once_get_distinct_paths(tree: Tree) -> None:
    names = iter([f"并发支部{i}" for i in range(4)])
    lock = threading.Lock()

    def create() -> Organisation:
        with lock:
            name = next(names)
        return org_create(actor=None, name=name, kind=OrgKind.BRANCH, parent=tree.committee_b)

    wins, refusals = race(4, create)
    assert refusals == [] and len(wins) == 4
    paths = [o.path for o in Organisation.objects.filter(name__startswith="并发支部")]
    assert len(set(paths)) == 4
    assert audit_verify().ok


def test_wish_claim_race_exactly_one_wins(tree: Tree, roles: dict[str, Role]) -> None:
    """Many members claim one wish at the same moment: one wins, the rest are told."""
    from datetime import timedelta

    from django.utils import timezone

    from mofan.members.models import Member
    from mofan.orgs.services import partner_create
    from mofan.volunteer.models import Wish, WishStatus
    from mofan.volunteer.services import wish_claim, wish_post, wish_review
    from tests.conftest import make_members

    reviewer = make_user("rev", grants=[(roles["committee_admin"], tree.committee_a, True)])
    community = partner_create(actor=None, org=tree.committee_a, name="社区", kind="community")
    wish = wish_post(
        actor=reviewer,
        community=community,
        beneficiary="李奶奶",
        title="助行器",
        estimated_value="300",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    wish_review(actor=reviewer, wish=wish, approve=True)
    users = []
    for i, person in enumerate(make_members(tree.branch_a1, 8)):
        user = make_user(f"claimer{i}")
        Member.objects.filter(pk=person.pk).update(user=user)
        users.append(user)
    queue = list(users)
    lock = threading.Lock()

    def claim() -> Any:
        with lock:
            user = queue.pop()
        return wish_claim(user=user, wish=wish)

    wins, refusals = race(8, claim)
    assert len(wins) == 1 and len(refusals) == 7
    assert all("已被他人认领" in r or "不在待认领" in r for r in refusals), refusals
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.claimed_by_id == wins[0].claimed_by_id
    assert Wish.objects.filter(claimed_by__isnull=False).count() == 1
    assert audit_verify().ok


def test_first_audit_events_together_create_the_chain_once(tree: Tree) -> None:
    """Writers arriving together when the chain has no head yet: every event is written once
    and the chain verifies (the head row is created once, not once per writer)."""
    from mofan.core.audit import audit_record
    from mofan.core.models import AuditChainHead, AuditEvent

    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    counter = iter(range(100))
    lock = threading.Lock()

    def record() -> Any:
        with lock:
            n = next(counter)
        from django.db import transaction

        with transaction.atomic():
            return audit_record(actor=None, action=f"test.first.{n}", target=tree.root)

    wins, refusals = race(6, record)
    assert len(wins) == 6 and refusals == []
    assert AuditChainHead.objects.count() == 1 and AuditChainHead.objects.get().length == 6
    assert audit_verify().ok


def test_two_coordinators_dispatch_one_order(tree: Tree, roles: dict[str, Role]) -> None:
    """Two coordinators dispatch the same order at the same moment, to different teams: one
    wins, the other is told the order has moved on; one dispatch in the log."""
    from mofan.cobuild import services as cb
    from mofan.cobuild.models import Order, OrderEvent, OrderState
    from mofan.orgs.services import partner_create

    project = cb.project_create(
        actor=None,
        org=tree.committee_a,
        name="模法师",
        formats=["mock_trial"],
        team_orgs=[tree.branch_a1, tree.branch_a2],
    )
    topic = cb.topic_add(actor=None, project=project, title="模拟法庭")
    school = partner_create(actor=None, org=tree.committee_a, name="三十二中", kind="school")
    order = cb.order_place(
        actor=None,
        topic=topic,
        partner=school,
        format="mock_trial",
        audience="初二",
        audience_size=80,
        venue="礼堂",
    )
    coordinators = [
        make_user("coord-1", grants=[(roles["committee_admin"], tree.committee_a, True)]),
        make_user("coord-2", grants=[(roles["work_committee_admin"], tree.root, True)]),
    ]
    queue = [(coordinators[0], tree.branch_a1), (coordinators[1], tree.branch_a2)]
    lock = threading.Lock()

    def dispatch() -> Any:
        with lock:
            actor, team = queue.pop()
        return cb.order_dispatch(actor=actor, order=Order(pk=order.pk), team=team)

    wins, refusals = race(2, dispatch)
    assert len(wins) == 1 and refusals == ["此步骤无法进行：该订单现在是“已派单”。"]
    order.refresh_from_db()
    assert order.state == OrderState.DISPATCHED and order.team_id == wins[0].team_id
    assert OrderEvent.objects.filter(order=order, step="dispatch").count() == 1
    assert audit_verify().ok
