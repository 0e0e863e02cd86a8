from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.members.models import Member
from mofan.orgs.models import PartnerContact, PartnerUnit
from mofan.orgs.services import partner_create
from mofan.volunteer import services
from mofan.volunteer.models import ActivityKind, VolunteerActivity
from tests.conftest import Tree, make_members, make_user


@dataclass
class World:
    organiser: Any
    community: PartnerUnit
    contact: Any
    people: list[Member]
    users: list[Any]
    kind: ActivityKind


@pytest.fixture
def world(tree: Tree, roles: dict[str, Role]) -> World:
    organiser = make_user("zuzhi", grants=[(roles["committee_admin"], tree.committee_a, True)])
    community = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    contact = make_user("shequ")
    PartnerContact.objects.create(partner=community, name="王主任", user=contact)
    people = make_members(tree.branch_a1, 4)
    users = []
    for i, person in enumerate(people):
        user = make_user(f"dy{i}")
        Member.objects.filter(pk=person.pk).update(user=user)
        users.append(user)
    kind = ActivityKind.objects.get_or_create(name="法律援助进社区")[0]  # survives a flush
    return World(organiser, community, contact, people, users, kind)


def make_activity(
    world: World,
    tree: Tree,
    *,
    starts_at: datetime | None = None,
    hours: float = 2,
    capacity: int = 2,
) -> VolunteerActivity:
    start = starts_at or timezone.now() + timedelta(days=1)
    return services.activity_create(
        actor=world.organiser,
        org=tree.committee_a,
        kind=world.kind,
        title="法律援助进社区",
        place="桥门社区服务中心",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=capacity,
        partner=world.community,
    )
