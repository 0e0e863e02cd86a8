"""Theory study's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): a study group of side A's first branch with a coming
session, and a study plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.study.models import Speech, StudyGroup, StudyGroupMembership, StudyPlan, StudySession
from mofan.study.services import study_group_create, study_plan_create, study_session_schedule
from tests.conftest import Post, Tree, World

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("study:groups", "work_committee_admin", 12),
    ("study:plans", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    group = study_group_create(
        actor=None,
        org=tree.branch_a1,
        kind="biweekly",
        name="双周学习",
        members=world["_members"][:2],
    )
    session = study_session_schedule(
        actor=None,
        group=group,
        topic="双周学习",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    plan = study_plan_create(
        actor=None, org=tree.branch_a1, year=timezone.localdate().year, title="学习计划"
    )
    world.update({"group_id": group.pk, "study_session_id": session.pk, "plan_id": plan.pk})


def snapshot() -> tuple[Any, ...]:
    return (
        StudyGroup.objects.count(),
        StudyGroupMembership.objects.filter(left_on__isnull=True).count(),
        StudySession.objects.count(),
        Speech.objects.count(),
        StudyPlan.objects.count(),
        sorted(StudyPlan.objects.values_list("title", flat=True)),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    group, member = world["group_id"], world["member_id"]
    return [
        Post(reverse("study:group_members_add", args=[group]), {"members": [member]}),
        Post(reverse("study:group_member_remove", args=[group, member]), {}),
        Post(
            reverse("study:session_create", args=[group]),
            {
                "topic": "越权学习",
                "starts_at": "2026-12-20T09:00",
                "ends_at": "2026-12-20T11:00",
            },
        ),
        Post(
            reverse("study:speech_add", args=[world["study_session_id"]]),
            {"speaker": member, "title": "越权发言"},
        ),
        Post(
            reverse("study:plan_edit", args=[world["plan_id"]]),
            {"title": "篡改", "content": "篡改"},
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A study group of the branch with a past session, and a study plan."""
    branch = rows["branch"]
    group = study_group_create(
        actor=None, org=branch, kind="biweekly", name="双周学习", members=rows["people"][:2]
    )
    study_session_schedule(
        actor=None,
        group=group,
        topic="双周学习",
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )
    study_plan_create(
        actor=None, org=branch, year=timezone.localdate().year, title=f"学习计划{rows['tag']}"
    )
