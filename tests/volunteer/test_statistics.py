"""The activity figures of `selectors.statistics`: activities that took place (not cancelled,
started in the period and not in the future), person-times (participants credited with hours)
and hours, for the actor's scope or a subtree of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from mofan.volunteer import selectors
from mofan.volunteer.models import (
    ActivityStatus,
    Participation,
    ParticipationState,
    VolunteerActivity,
)
from tests.conftest import Tree, make_members
from tests.volunteer.conftest import World


def _activity(world: World, org: Any, days_ago: int, status: str) -> VolunteerActivity:
    start = timezone.now() - timedelta(days=days_ago)
    return VolunteerActivity.objects.create(
        org=org,
        kind=world.kind,
        title="环境整治",
        place="社区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        signup_deadline=start,
        cancel_deadline=start,
        status=status,
    )


def test_activity_figures(tree: Tree, world: World) -> None:
    people = world.people
    closed = _activity(world, tree.branch_a1, 1, ActivityStatus.CLOSED)
    empty = _activity(world, tree.committee_a, 1, ActivityStatus.OPEN)  # no participants
    cancelled = _activity(world, tree.branch_a1, 1, ActivityStatus.CANCELLED)
    future = _activity(world, tree.branch_a1, -2, ActivityStatus.OPEN)
    far = _activity(world, tree.branch_b1, 1, ActivityStatus.CLOSED)  # another committee's
    rows = [(closed, people[0], "2.5"), (closed, people[1], "1.5"), (closed, people[2], "0")]
    rows += [(cancelled, people[0], "2"), (future, people[0], "0")]
    rows += [(far, make_members(tree.branch_b1, 1)[0], "3")]
    Participation.objects.bulk_create(
        [
            Participation(
                activity=a,
                member=m,
                state=ParticipationState.SIGNED_UP,
                signed_up_at=a.starts_at,
                hours=Decimal(h),
            )
            for a, m, h in rows
        ]
    )
    start, end, _label = selectors.period_bounds("last12")
    assert empty.pk
    figures = selectors.statistics(actor=world.organiser, under=None, start=start, end=end)
    assert (figures.activities, figures.person_times, figures.hours) == (2, 2, Decimal("4"))
    figures = selectors.statistics(
        actor=world.organiser, under=tree.branch_a1, start=start, end=end
    )
    assert (figures.activities, figures.person_times, figures.hours) == (1, 2, Decimal("4"))
