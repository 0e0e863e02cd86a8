"""Reads of micro-wishes: staff lists, what a member is offered, the public wall."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mofan.cobuild.selectors import partners_linked_to
from mofan.core import access
from mofan.members.models import Member
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    CommunityRegistration,
    RegistrationState,
    Wish,
    WishStatus,
)
from mofan.volunteer.services.wishes import can_see_wish


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
    ancestors = [
        member.org.path[:i]
        for i in range(member.org.steplen, len(member.org.path) + 1, member.org.steplen)
    ]
    linked = partners_linked_to(member.org.path, member.org.steplen)
    registered = CommunityRegistration.objects.filter(
        member=member, state=RegistrationState.CONFIRMED
    ).values("community_id")
    return (
        Wish.objects.filter(
            Q(community__org__path__in=ancestors)
            | Q(community_id__in=linked)
            | Q(community_id__in=registered),
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


def wish_get_for(*, user: Any, pk: int) -> Wish:
    """A wish as the signed-in person may see it: staff in scope, the community's contacts,
    the claimer, or a member it is offered to. 404 otherwise."""
    wish = (
        Wish.objects.select_related("community", "community__org", "claimed_by", "claimed_for")
        .filter(pk=pk)
        .first()
    )
    if wish is None:
        raise Http404
    if access.can(user, perms.VIEW, wish.community.org) or access.is_partner_contact(
        user, wish.community
    ):
        return wish
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )
    if member is not None and (
        wish.claimed_by_id == member.pk
        or (wish.status == WishStatus.PUBLISHED and can_see_wish(member, wish))
    ):
        return wish
    raise Http404


def wish_for_claim(*, user: Any, pk: int) -> tuple[Wish, Member | None]:
    """The wish a member asks to claim: one offered to them (its community looks after their
    organisation) that has been published, whatever became of it since — so that those who
    lose a race for it are told someone else claimed it rather than shown 404 — or else as
    `wish_get_for` shows it. 404 otherwise. With the user's member record, read for the
    check (None if they have none), which the claim then uses rather than read it again."""
    wish = (
        Wish.objects.select_related("community", "community__org")
        .filter(pk=pk)
        .exclude(status__in=[WishStatus.SUBMITTED, WishStatus.REJECTED])
        .first()
    )
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )
    if wish is not None and member is not None and can_see_wish(member, wish):
        return wish, member
    return wish_get_for(user=user, pk=pk), member


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
