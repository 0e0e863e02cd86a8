"""Volunteering's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): an activity of side A's committee with a participant and a
certificate, a community with a wish (and its photo), a team, and community registrations, one
confirmed with a reported task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.orgs.services import partner_create
from mofan.volunteer.models import (
    ActivityKind,
    Certificate,
    CommunityRegistration,
    Participation,
    RegistrationEvaluation,
    RegistrationTask,
    VolunteerActivity,
    VolunteerTeam,
    Wish,
    WishPhoto,
)
from mofan.volunteer.services import (
    activity_create,
    participant_add,
    team_create,
    team_members_set,
    wish_post,
    wish_review,
)
from tests.conftest import Post, Tree, World, png_bytes

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {"step": lambda world: "confirm"}  # a task's step
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("volunteer:activities", "work_committee_admin", 12),
    ("volunteer:wishes", "work_committee_admin", 12),
    ("volunteer:statistics", "work_committee_admin", 12),
    ("volunteer:teams", "work_committee_admin", 12),
    ("volunteer:registrations", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    members = world["_members"]
    start = timezone.now() + timedelta(days=3)
    activity = activity_create(
        actor=None,
        org=tree.committee_a,
        kind=ActivityKind.objects.get_or_create(name="环境整治")[0],
        title="环境整治",
        place="小区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
    )
    participation = Participation.objects.create(
        activity=activity, member=members[1], state="signed_up", signed_up_at=timezone.now()
    )
    certificate = Certificate.objects.create(
        number="ZYZM2026000001",
        check_code="ABCD1234",
        member=members[1],
        org=tree.committee_a,
        period_from=start.date(),
        period_to=start.date(),
        hours=2,
        activities=1,
        content="环境整治",
        person_in_charge="甲",
        handler="乙",
        handler_contact="1",
        issued_on=start.date(),
    )
    # Co-building signs its agreement with this community and takes its orders.
    community = partner_create(actor=None, org=tree.committee_a, name="乙社区", kind="community")
    wish = wish_post(
        actor=None,
        community=community,
        beneficiary="王某",
        title="轮椅",
        estimated_value="500",
        deadline=start.date(),
        photos=[SimpleUploadedFile("w.png", png_bytes())],
    )
    team = team_create(actor=None, org=tree.committee_a, name="志愿服务队")
    registration = CommunityRegistration.objects.create(member=members[1], community=community)
    confirmed = CommunityRegistration.objects.create(
        member=members[2], community=community, state="confirmed", decided_at=timezone.now()
    )
    task = RegistrationTask.objects.create(
        registration=confirmed, title="楼栋巡查", state="reported", hours=2, report="巡查"
    )
    world.update(
        {
            "registration_id": registration.pk,
            "confirmed_registration_id": confirmed.pk,
            "community_id": community.pk,
            "task_id": task.pk,
            "team_id": team.pk,
            "activity_id": activity.pk,
            "participation_id": participation.pk,
            "certificate_id": certificate.pk,
            "wish_id": wish.pk,
            "photo_id": WishPhoto.objects.get(wish=wish).pk,
            "_community": community,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        VolunteerActivity.objects.filter(status="open").count(),
        Participation.objects.exclude(checked_in_at=None).count(),
        VolunteerTeam.members.through.objects.count(),
        CommunityRegistration.objects.filter(state="pending").count(),
        Wish.objects.exclude(status="submitted").count(),
        list(RegistrationTask.objects.order_by("pk").values_list("state", flat=True)),
        RegistrationEvaluation.objects.count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    activity, participation = world["activity_id"], world["participation_id"]
    confirmed, task = world["confirmed_registration_id"], world["task_id"]
    return [
        Post(reverse("volunteer:cancel", args=[activity]), {"reason": "越权"}),
        Post(reverse("volunteer:confirm", args=[activity]), {}),
        Post(
            reverse("volunteer:times", args=[participation]), {"checked_in_at": "2026-01-01T09:00"}
        ),
        Post(
            reverse("volunteer:hours_correct", args=[participation]),
            {"hours": "1", "reason": "越权"},
        ),
        Post(reverse("volunteer:wish_act", args=[world["wish_id"]]), {"step": "publish"}),
        Post(reverse("volunteer:team", args=[world["team_id"]]), {"add": [world["member_id"]]}),
        Post(
            reverse("volunteer:registration_decide", args=[world["registration_id"]]),
            {"approve": "1"},
        ),
        Post(reverse("volunteer:task_assign", args=[confirmed]), {"title": "越权"}),
        Post(
            reverse("volunteer:registration_evaluate", args=[confirmed]),
            {"year": "2026", "grade": "good"},
        ),
        Post(reverse("volunteer:task_step", args=[task, "confirm"]), {}),
        Post(reverse("volunteer:task_step", args=[task, "report"]), {"hours": "1"}),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """An activity with a participant, a community's wish (approved) and a team of two."""
    branch, people, tag = rows["branch"], rows["people"], rows["tag"]
    start = timezone.now() + timedelta(days=5)
    activity = activity_create(
        actor=None,
        org=branch,
        kind=ActivityKind.objects.get_or_create(name="环境整治")[0],
        title=f"活动{tag}",
        place="社区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=3,
    )
    participant_add(actor=None, activity=activity, member=people[0])
    # Co-building signs its agreement with this community.
    community = partner_create(actor=None, org=branch, name=f"共建社区{tag}", kind="community")
    wish = wish_post(
        actor=None,
        community=community,
        beneficiary="王某",
        title=f"心愿{tag}",
        estimated_value="50",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    wish_review(actor=None, wish=wish, approve=True)
    team = team_create(actor=None, org=branch, name=f"服务队{tag}")
    team_members_set(actor=None, team=team, add=people[:2], remove=[])
    rows["community"] = community
