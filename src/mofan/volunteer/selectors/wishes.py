"""Reads of micro-wishes: staff lists, what a member is offered, the public wall."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mofan.core import access
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orgs.models import PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import policies
from mofan.volunteer.models import (
    Wish,
    WishPhoto,
    WishStatus,
)


def wish_list(*, actor: Any, status: str = "") -> QuerySet[Wish]:
    qs = access.scope(
        Wish.objects.select_related("community", "claimed_by", "claimed_for"),
        actor,
        perms.VIEW,
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("deadline", "id")


def wishes_for_member(*, member: Member) -> QuerySet[Wish]:
    """Wishes offered to the member (communities linked to their organisations), open first."""
    return (
        Wish.objects.filter(
            policies.wish_offered_q(member),
            status=WishStatus.PUBLISHED,
            deadline__gte=timezone.localdate(),
        )
        .select_related("community")
        .order_by("deadline", "id")
    )


def my_claims(*, member: Member) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(claimed_by=member)
        .select_related("community")
        .order_by("-claimed_at", "-id")
    )


def wish_get_for(*, user: Any, pk: int, member: Member | None = None) -> Wish:
    """A wish as the signed-in person may see it (`policies.wish_visible_q`): staff in scope,
    the community's contacts, the claimer, or a member it is offered to. 404 otherwise.
    `member`: the user's member record if the caller has read it."""
    member = member if member is not None else member_of_user(user)
    wish = (
        Wish.objects.select_related("community", "community__org", "claimed_by", "claimed_for")
        .filter(policies.wish_visible_q(user, member), pk=pk)
        .first()
    )
    if wish is None:
        raise Http404
    return wish


def wish_for_claim(*, user: Any, pk: int) -> tuple[Wish, Member | None]:
    """The wish a member asks to claim: one offered to them (its community looks after their
    organisation) that has been published, whatever became of it since — so that those who
    lose a race for it are told someone else claimed it rather than shown 404 — or else as
    `wish_get_for` shows it. 404 otherwise. With the user's member record, read for the
    check (None if they have none), which the claim then uses rather than read it again."""
    # The wish first, then the member, and the check in Python when the member's organisation
    # lies under the community's (no query): a claim race's losers cost these two reads only.
    wish = (
        Wish.objects.select_related("community", "community__org")
        .filter(pk=pk)
        .exclude(status__in=[WishStatus.SUBMITTED, WishStatus.REJECTED])
        .first()
    )
    member = member_of_user(user)
    if wish is not None and member is not None and policies.wish_offered_to(member, wish):
        return wish, member
    return wish_get_for(user=user, pk=pk, member=member), member


def wish_is_open(*, pk: int) -> bool:
    return Wish.objects.filter(pk=pk, status=WishStatus.PUBLISHED).exists()


def wish_photo_get(*, user: Any, pk: int) -> WishPhoto:
    """A photo of a wish the user may see (404 otherwise)."""
    photo = WishPhoto.objects.filter(
        pk=pk, wish__in=Wish.objects.filter(policies.wish_visible_q(user, member_of_user(user)))
    ).first()
    if photo is None:
        raise Http404
    return photo


def communities_for_wishes(*, user: Any) -> QuerySet[PartnerUnit]:
    """The communities the user may post a wish for."""
    return (
        PartnerUnit.objects.filter(policies.communities_q(user), archived_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def wishes_of_contact(*, user: Any) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(community__contacts__user_id=user.pk)
        .select_related("community", "claimed_for")
        .order_by("-posted_at", "-id")
    )


def wall(*, limit: int = 60) -> QuerySet[Wish]:
    """The public wall: fulfilled wishes, newest first (shown anonymised)."""
    return (
        Wish.objects.filter(status=WishStatus.CONFIRMED)
        .select_related("community", "claimed_for")
        .order_by("-confirmed_at", "-id")[:limit]
    )
