"""The members' part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): three members of side A's first branch and a roster import
waiting for confirmation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core.models import ImportJob
from mofan.members.models import Member, MemberTransfer
from mofan.members.services import member_transfer
from tests.conftest import Post, Tree, World, make_members

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("members:list", "work_committee_admin", 14),
    ("members:transfers", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    # Later apps use them: the first holds the secretary's seat, the others study, volunteer
    # and teach.
    members = make_members(tree.branch_a1, 3)
    job = ImportJob.objects.create(
        kind="members.roster",
        org=tree.branch_a1,
        created_by=world["_author"],
        file_name="名册.xlsx",
        status=ImportJob.Status.READY,
    )
    world.update({"member_id": members[1].pk, "job_id": job.pk, "_members": members})


def snapshot() -> tuple[Any, ...]:
    return (
        Member.objects.filter(archived_at__isnull=True).count(),
        MemberTransfer.objects.count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    member = world["member_id"]
    return [
        Post(reverse("members:edit", args=[member]), {"full_name": "改名"}),
        Post(
            reverse("members:transfer", args=[member]),
            {"to_org": tree.branch_b1.pk, "transferred_on": "2026-01-01", "reason": "调动"},
        ),
        Post(reverse("members:archive", args=[member]), {"reason": "death"}),
        Post(reverse("members:unmask", args=[member]), {}),
        Post(reverse("members:import_confirm", args=[world["job_id"]]), {}),
        Post(reverse("members:link_user", args=[member]), {"username": "target"}),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A leading cadre of the branch, and a member transferred to side A's first branch."""
    people = rows["people"]
    Member.objects.filter(pk=people[0].pk).update(is_leading_cadre=True)
    member_transfer(
        actor=None,
        member=people[2],
        to_org=tree.branch_a1,
        transferred_on=date(2026, 1, 1),
        reason="调动",
    )
