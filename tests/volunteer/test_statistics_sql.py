"""`selectors.statistics` answers with one hand-written SQL statement over the scope's path
ranges (`core.access.path_scope`). These tests count the same six figures independently, in
Python over every row, and with the querysets the selector used before (scoped by
`access.scope`), on data that covers every edge: cancelled activities and participations,
zero and fractional hours, activities to come, wishes in every state, instants on both edges
of the period, organisations outside the scope, grants with and without the subtree."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.accounts.models import Grant, Role
from mofan.core import access
from mofan.core.paths import subtree_bounds, subtree_q
from mofan.orgs.models import Organisation
from mofan.orgs.services import partner_create
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors
from mofan.volunteer.models import (
    ActivityStatus,
    Participation,
    ParticipationState,
    VolunteerActivity,
    Wish,
    WishStatus,
)
from tests.conftest import Tree, make_members, make_user
from tests.volunteer.conftest import World

US = timedelta(microseconds=1)


def _orm_statistics(
    *, actor: Any, under: Organisation | None, start: datetime, end: datetime
) -> selectors.Statistics:
    """The selector as it was before the single statement: four querysets scoped by
    `access.scope`. Kept here as the reference the figures must equal, to the digit."""
    wishes = access.scope(Wish.objects.all(), actor, perms.VIEW)
    claimed = Wish.objects.filter(claimed_for__isnull=False)
    activities = access.scope(VolunteerActivity.objects.all(), actor, perms.VIEW)
    if under is not None:
        wishes = wishes.filter(subtree_q(under.path, "community__org"))
        activities = activities.filter(subtree_q(under.path, "org"))
    claim_scope = Q(pk__in=[])
    for grant in access.grants_of(actor):
        if perms.VIEW in grant.permissions:
            claim_scope |= (
                subtree_q(grant.path, "claimed_for")
                if grant.include_subtree
                else Q(claimed_for_id=grant.org_id)
            )
    if actor is None:
        claim_scope = Q()
    if under is not None:
        claim_scope &= subtree_q(under.path, "claimed_for")
    posted = wishes.filter(posted_at__gte=start, posted_at__lt=end).count()
    claims = claimed.filter(claim_scope, claimed_at__gte=start, claimed_at__lt=end).aggregate(
        claimed=Count("id"),
        fulfilled=Count("id", filter=Q(status=WishStatus.CONFIRMED)),
    )
    held = activities.filter(starts_at__gte=start, starts_at__lt=min(end, timezone.now())).exclude(
        status=ActivityStatus.CANCELLED
    )
    parts = Participation.objects.filter(activity__in=held.values("pk")).aggregate(
        person_times=Count("id", filter=Q(hours__gt=0)), hours=Sum("hours")
    )
    return selectors.Statistics(
        posted,
        claims["claimed"],
        claims["fulfilled"],
        held.count(),
        parts["person_times"],
        parts["hours"] or Decimal(0),
    )


@dataclass
class Rows:
    wishes: list[Wish]
    activities: list[VolunteerActivity]
    participations: list[Participation]


def _rows() -> Rows:
    return Rows(
        list(Wish.objects.select_related("community__org", "claimed_for")),
        list(VolunteerActivity.objects.select_related("org")),
        list(Participation.objects.all()),
    )


def _counted(
    rows: Rows,
    grants: list[tuple[Organisation, bool]] | None,
    under: Organisation | None,
    start: datetime,
    end: datetime,
) -> tuple[Any, ...]:
    """The six figures counted row by row in Python. `grants`: the (organisation, with its
    subtree) the actor holds VIEW on; None for the system (every claim, nothing else)."""

    def in_scope(org: Organisation) -> bool:
        if under is not None and not org.path.startswith(under.path):
            return False
        return any(
            org.path.startswith(g.path) if subtree else org.pk == g.pk
            for g, subtree in grants or ()
        )

    posted = sum(1 for w in rows.wishes if start <= w.posted_at < end and in_scope(w.community.org))
    claims = [
        w
        for w in rows.wishes
        if w.claimed_for is not None
        and w.claimed_at is not None
        and start <= w.claimed_at < end
        and (
            in_scope(w.claimed_for)
            if grants is not None
            else under is None or w.claimed_for.path.startswith(under.path)
        )
    ]
    until = min(end, timezone.now())
    held = {
        a.pk
        for a in rows.activities
        if a.status != ActivityStatus.CANCELLED and start <= a.starts_at < until and in_scope(a.org)
    }
    parts = [p for p in rows.participations if p.activity_id in held]
    return (
        posted,
        len(claims),
        sum(1 for w in claims if w.status == WishStatus.CONFIRMED),
        len(held),
        sum(1 for p in parts if p.hours > 0),
        sum((p.hours for p in parts), Decimal(0)),
    )


@pytest.fixture
def records(tree: Tree, world: World) -> tuple[datetime, datetime, datetime]:
    """Wishes, activities and participations around a period [start, end) that ends before
    now, and a later `end_after_now`. Returns (start, end, end_after_now)."""
    now = timezone.now().replace(microsecond=0)
    start, end = now - timedelta(days=40), now - timedelta(days=5)
    near = {  # instants on both edges of the period, inside and just outside
        "before": start - US,
        "start": start,
        "middle": start + timedelta(days=10),
        "last": end - US,
        "end": end,
        "recent": now - timedelta(hours=1),
        "future": now + timedelta(days=1),
    }
    communities = [
        world.community,  # looked after by committee A
        partner_create(actor=None, org=tree.branch_a2, name="甲二社区", kind="community"),
        partner_create(actor=None, org=tree.group_a1, name="小组社区", kind="community"),
        partner_create(actor=None, org=tree.committee_b, name="乙社区", kind="community"),
        partner_create(actor=None, org=tree.root, name="工委社区", kind="community"),
    ]
    orgs = [
        tree.root,
        tree.committee_a,
        tree.branch_a1,
        tree.branch_a2,
        tree.group_a1,
        tree.committee_b,
        tree.branch_b1,
    ]
    people = [make_members(org, 1)[0] for org in (tree.branch_a1, tree.branch_a2, tree.branch_b1)]
    wishes, n = [], 0
    for community in communities:
        for key in near:
            for status in WishStatus:
                n += 1
                claimed = status in {WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED}
                wishes.append(
                    Wish(
                        community=community,
                        beneficiary="王奶奶",
                        title=key,  # posted then (below)
                        estimated_value=Decimal(300),
                        deadline=now.date(),
                        status=status,
                        claimed_by=people[n % len(people)] if claimed else None,
                        claimed_for=orgs[n % len(orgs)] if claimed else None,
                        claimed_at=list(near.values())[n % len(near)] if claimed else None,
                    )
                )
    Wish.objects.bulk_create(wishes)
    for key, when in near.items():  # posted_at is set on creation
        Wish.objects.filter(title=key).update(posted_at=when)
    activities = VolunteerActivity.objects.bulk_create(
        VolunteerActivity(
            org=org,
            kind=world.kind,
            title="环境整治",
            place="社区",
            starts_at=when,
            ends_at=when + timedelta(hours=2),
            capacity=10,
            signup_deadline=when,
            cancel_deadline=when,
            status=status,
        )
        for org in orgs
        for when in near.values()
        for status in ActivityStatus
    )
    hours = ["2.5", "0", "0.1", "0.2", "1.35", "3", "0.05"]
    participations, n = [], 0
    for activity in activities:
        for state in ParticipationState:
            n += 1
            participations.append(
                Participation(
                    activity=activity,
                    member=people[n % len(people)],
                    state=state,
                    signed_up_at=activity.starts_at,
                    hours=Decimal(hours[n % len(hours)]),
                )
            )
    Participation.objects.bulk_create(participations)
    return start, end, now + timedelta(days=10)


def test_the_statement_counts_what_the_rows_say(
    tree: Tree, world: World, roles: dict[str, Role], records: Any
) -> None:
    start, end, end_after_now = records
    city = make_user("city", grants=[(roles["work_committee_admin"], tree.root, True)])
    mixed = make_user(
        "mixed",
        grants=[
            (roles["committee_admin"], tree.branch_a1, False),  # the branch alone
            (roles["committee_admin"], tree.group_a1, True),
            (roles["committee_admin"], tree.committee_b, True),
            (roles["committee_admin"], tree.branch_b1, True),  # inside the one above
        ],
    )
    blind = Role.objects.create(code="no-volunteering", name="无志愿权限", permissions=["x.y"])
    Grant.objects.create(user=mixed, role=blind, org=tree.branch_a2, include_subtree=True)
    nobody = make_user("nobody")
    actors: list[tuple[Any, list[tuple[Organisation, bool]] | None]] = [
        (city, [(tree.root, True)]),
        (world.organiser, [(tree.committee_a, True)]),
        (mixed, [(tree.branch_a1, False), (tree.group_a1, True), (tree.committee_b, True)]),
        (nobody, []),
        (None, None),
    ]
    unders = [
        None,
        tree.root,
        tree.committee_a,
        tree.branch_a1,
        tree.branch_a2,
        tree.group_a1,
        tree.committee_b,
        tree.branch_b1,
    ]
    seen, rows = set(), _rows()
    for actor, grants in actors:
        for under in unders:
            for period_end in (end, end_after_now):
                got = selectors.statistics(actor=actor, under=under, start=start, end=period_end)
                before = _orm_statistics(actor=actor, under=under, start=start, end=period_end)
                counted = _counted(rows, grants, under, start, period_end)
                where = (getattr(actor, "username", None), under and under.name, period_end)
                assert astuple(got) == counted, where
                # Identical to the querysets' answer, the hours to the digit and type.
                assert astuple(got) == astuple(before), where
                assert isinstance(got.hours, Decimal) and str(got.hours) == str(before.hours)
                seen.add(astuple(got))
    # The data reaches every figure, and the scopes tell apart.
    city_all = selectors.statistics(actor=city, under=None, start=start, end=end_after_now)
    assert all(city_all.__dict__.values()), city_all
    assert len(seen) > 10


def test_one_statement_whatever_the_scope(tree: Tree, world: World, records: Any) -> None:
    start, end, _later = records
    access.grants_of(world.organiser)  # the grants are read once per request
    for under in (None, tree.committee_a, tree.group_a1):
        with CaptureQueriesContext(connection) as ctx:
            selectors.statistics(actor=world.organiser, under=under, start=start, end=end)
        assert len(ctx.captured_queries) == 1
    # Outside the actor's scope: nothing to count, no query at all.
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.statistics(
            actor=world.organiser, under=tree.committee_b, start=start, end=end
        )
    assert len(ctx.captured_queries) == 0
    assert astuple(figures) == (0, 0, 0, 0, 0, Decimal(0))


def test_path_scope_is_the_scope_of_querysets(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user(
        "two",
        grants=[
            (roles["committee_admin"], tree.committee_a, True),
            (roles["committee_admin"], tree.branch_a1, True),  # covered by the one above
            (roles["committee_admin"], tree.branch_b1, False),
        ],
    )
    found = access.path_scope(user, perms.VIEW)
    assert [lo for lo, _hi in found.ranges] == [tree.committee_a.path]
    assert found.orgs == ((tree.branch_b1.pk, tree.branch_b1.path),)
    assert found.under(tree.branch_a1.path).ranges == (subtree_bounds(tree.branch_a1.path),)
    assert found.under(tree.root.path) == found
    assert found.under(tree.committee_b.path) == access.PathScope((), found.orgs)
    assert found.under(tree.branch_a2.path).orgs == ()
    assert access.path_scope(None, perms.VIEW).empty
    # The same organisations as the querysets `access.scope` filters.
    scoped = set(access.scope(Organisation.objects.all(), user, perms.VIEW).values_list("pk"))
    for org in Organisation.objects.all():
        inside = any(lo <= org.path <= hi for lo, hi in found.ranges) or org.pk in {
            pk for pk, _path in found.orgs
        }
        assert inside == ((org.pk,) in scoped), org.name
