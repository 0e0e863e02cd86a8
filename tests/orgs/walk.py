"""The organisations' part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): a committee seat of side A's first branch, a partner unit
of side A with a contact."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from mofan.accounts.models import Role
from mofan.orgs.models import CommitteeSeat, PartnerContact, PartnerUnit
from mofan.orgs.services import partner_contact_add, partner_create, seat_assign, term_start
from tests.conftest import Post, Tree, World

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("orgs:tree", "work_committee_admin", 12),
    ("orgs:terms", "work_committee_admin", 12),
    ("orgs:flags", "work_committee_admin", 12),
    ("orgs:partners", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    seat = seat_assign(
        actor=None,
        org=tree.branch_a1,
        position="secretary",
        holder=world["_members"][0],
        starts_on=date(2025, 1, 1),
    )
    partner = partner_create(actor=None, org=tree.committee_a, name="甲社区", kind="community")
    contact = partner_contact_add(actor=None, partner=partner, name="联络人")
    world.update(
        {
            "org_id": tree.branch_a1.pk,
            "seat_id": seat.pk,
            "partner_id": partner.pk,
            "partner_contact_id": contact.pk,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        CommitteeSeat.objects.filter(ends_on__isnull=True).count(),
        PartnerUnit.objects.count(),
        sorted(PartnerContact.objects.values_list("pk", "user_id")),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    org = world["org_id"]
    return [
        Post(reverse("orgs:edit", args=[org]), {"name": "改名"}),
        Post(reverse("orgs:move", args=[org]), {"new_parent": tree.committee_b.pk}),
        Post(reverse("orgs:archive", args=[org]), {"reason": "撤销"}),
        Post(reverse("orgs:seat_end", args=[world["seat_id"]]), {"ends_on": "2026-01-01"}),
        Post(reverse("orgs:term_create", args=[org]), {"starts_on": "2026-01-01"}),
        Post(reverse("orgs:partner_contact_add", args=[world["partner_id"]]), {"name": "张三"}),
        Post(
            reverse("orgs:partner_contact_login", args=[world["partner_contact_id"]]),
            {"username": "target"},
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A secretary, a term and a partner community of the branch."""
    branch = rows["branch"]
    seat_assign(
        actor=None,
        org=branch,
        position="secretary",
        holder=rows["people"][0],
        starts_on=date(2024, 1, 1),
    )
    term_start(actor=None, org=branch, starts_on=date(2023, 1, 1))
    partner_create(actor=None, org=branch, name=f"社区{rows['tag']}", kind="community")
