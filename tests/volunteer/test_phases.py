"""What an activity and a participation show: the stored state read with the dates, times and
hours — a coming activity is not 进行中, a finished service is not 已报名."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mofan.volunteer import services
from mofan.volunteer.models import ActivityPhase, ParticipationPhase
from tests.conftest import Tree, login
from tests.volunteer.conftest import World, make_activity

pytestmark = pytest.mark.django_db


def test_an_activity_phase_follows_its_dates(world: World, tree: Tree) -> None:
    now = timezone.now()
    activity = make_activity(world, tree, starts_at=now + timedelta(days=3), hours=3)
    activity.signup_deadline = now + timedelta(days=2)
    assert activity.phase_at(now) == ActivityPhase.SIGNUP
    assert activity.phase_at(now + timedelta(days=2, hours=1)) == ActivityPhase.NOT_STARTED
    assert activity.phase_at(now + timedelta(days=3, hours=1)) == ActivityPhase.IN_PROGRESS
    assert activity.phase_at(now + timedelta(days=3, hours=3)) == ActivityPhase.ENDED
    assert activity.phase == ActivityPhase.SIGNUP
    assert str(ActivityPhase.SIGNUP.label) == "报名中"

    past = make_activity(world, tree, starts_at=now - timedelta(days=2), hours=3)
    assert past.phase == ActivityPhase.ENDED
    services.hours_confirm(actor=world.organiser, activity=past)
    past.refresh_from_db()
    assert past.phase == ActivityPhase.CLOSED

    called_off = make_activity(world, tree, starts_at=now + timedelta(days=5))
    services.activity_cancel(actor=world.organiser, activity=called_off, reason="天气原因")
    called_off.refresh_from_db()
    assert called_off.phase_at(now) == ActivityPhase.CANCELLED


def test_a_participation_phase_follows_times_and_hours(world: World, tree: Tree) -> None:
    now = timezone.now()
    activity = make_activity(world, tree, starts_at=now - timedelta(hours=4), hours=3, capacity=3)
    rows = [
        services.participant_add(actor=world.organiser, activity=activity, member=person)[0]
        for person in world.people
    ]
    came, left, stayed, absent = rows
    assert [r.phase for r in rows] == [ParticipationPhase.SIGNED_UP] * 3 + [
        ParticipationPhase.WAITLISTED
    ]
    start = activity.starts_at
    services.times_record(
        actor=world.organiser, participation=came, checked_in_at=start, checked_out_at=None
    )
    services.times_record(
        actor=world.organiser,
        participation=left,
        checked_in_at=start,
        checked_out_at=start + timedelta(hours=3),
    )
    came.refresh_from_db()
    left.refresh_from_db()
    assert came.phase == ParticipationPhase.CHECKED_IN
    assert left.phase == ParticipationPhase.COMPLETED  # before the hours are confirmed
    services.hours_confirm(actor=world.organiser, activity=activity)
    for row in rows:
        row.refresh_from_db()
    # Checked in without checking out: no time to credit; never came: none either.
    assert [r.phase for r in rows] == [
        ParticipationPhase.NOT_CREDITED,
        ParticipationPhase.COMPLETED,
        ParticipationPhase.NOT_CREDITED,
        ParticipationPhase.WAITLISTED,
    ]
    assert left.hours == 3 and stayed.hours == 0 and absent.hours == 0


def test_pages_show_the_phases_in_chinese(client: Any, world: World, tree: Tree) -> None:
    now = timezone.now()
    coming = make_activity(world, tree, starts_at=now + timedelta(days=7))
    done = make_activity(world, tree, starts_at=now - timedelta(days=2), hours=3)
    participation, _added = services.participant_add(
        actor=world.organiser, activity=done, member=world.people[0]
    )
    services.times_record(
        actor=world.organiser,
        participation=participation,
        checked_in_at=done.starts_at,
        checked_out_at=done.ends_at,
    )
    services.hours_confirm(actor=world.organiser, activity=done)

    login(client, world.organiser)
    listing = client.get("/volunteer/activities/").content.decode()
    assert listing.count('data-testid="activity-phase">报名中<') == 1
    assert listing.count('data-testid="activity-phase">时长已确认<') == 1
    assert "进行中" not in listing
    page = client.get(f"/volunteer/activities/{coming.pk}/").content.decode()
    assert 'data-testid="activity-status">报名中<' in page
    page = client.get(f"/volunteer/activities/{done.pk}/").content.decode()
    assert 'data-testid="participation-phase">已完成<' in page

    login(client, world.users[0])
    mine = client.get(f"/volunteer/activities/{done.pk}/").content.decode()
    assert 'data-testid="my-participation">已完成<' in mine and "3.00" in mine
    record = client.get("/volunteer/").content.decode()
    assert 'data-testid="my-signup-phase">已完成<' in record
    assert 'data-testid="my-signup-phase">已报名<' not in record
