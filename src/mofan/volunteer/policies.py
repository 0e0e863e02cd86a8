"""Who may do what in volunteering, written once from `core.access`: the services, the
workflows, the selectors and the views ask these, never the grants themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mofan.cobuild.selectors import partners_linked_to
from mofan.core import access
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orgs.models import PartnerContact, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import CommunityRegistration, RegistrationState, Wish, WishStatus


def manages(actor: Any, org: Any) -> bool:
    """Organises volunteering at `org` (activities, teams, certificates)."""
    return access.can(actor, perms.MANAGE, org)


def acts_for_community(actor: Any, community: PartnerUnit) -> bool:
    """A contact of the community, or staff who look after it (review its wishes)."""
    return access.is_partner_contact(actor, community) or access.can(
        actor, perms.REVIEW_WISHES, community.org
    )


def require_acts_for_community(actor: Any, community: PartnerUnit) -> None:
    access.require_partner_or(actor, community, perms.REVIEW_WISHES)


def looks_at_community(actor: Any, community: PartnerUnit) -> bool:
    """A contact of the community, or staff who see volunteering where it is managed."""
    return access.is_partner_contact(actor, community) or access.can(
        actor, perms.VIEW, community.org
    )


def reviews_wishes(actor: Any, wish: Wish) -> bool:
    return access.can(actor, perms.REVIEW_WISHES, wish.community.org)


def communities_q(actor: Any) -> Q:
    """The communities `actor` may post wishes for: those they are a contact of, and those
    managed where they review wishes."""
    return Q(contacts__user_id=actor.pk) | access.scope_q(actor, perms.REVIEW_WISHES, "org")


def community_roles_q(actor: Any) -> Q:
    """The communities `actor` looks at: those they are a contact of, and those managed where
    they see volunteering."""
    return Q(
        pk__in=PartnerContact.objects.filter(user_id=actor.pk).values("partner_id")
    ) | access.scope_q(actor, perms.VIEW, "org")


def wish_offered_q(member: Member) -> Q:
    """The wishes offered to a member: of communities managed by the member's organisation or
    one above it, linked to it by an active co-building agreement, or where the member is
    registered (confirmed). The one definition; `wish_offered_to` asks it of one wish."""
    ancestors = [
        member.org.path[:i]
        for i in range(member.org.steplen, len(member.org.path) + 1, member.org.steplen)
    ]
    linked = partners_linked_to(member.org.path, member.org.steplen)
    registered = CommunityRegistration.objects.filter(
        member=member, state=RegistrationState.CONFIRMED
    ).values("community_id")
    return (
        Q(community__org__path__in=ancestors)
        | Q(community_id__in=linked)
        | Q(community_id__in=registered)
    )


def wish_offered_to(member: Member, wish: Wish) -> bool:
    """A wish is offered to the members of the organisations linked to its community: those
    under the organisation that manages the partnership, those registered with it, and those
    under a party to an active co-building agreement with it."""
    if member.org.path.startswith(wish.community.org.path):
        return True  # answered without a query: the common case
    return Wish.objects.filter(wish_offered_q(member), pk=wish.pk).exists()


def wish_visible_q(actor: Any, member: Member | None) -> Q:
    """The wishes `actor` may open: staff in scope, the community's contacts, the claimer, or
    a member the published wish is offered to. `member`: the actor's member record (None: no
    party member)."""
    condition = access.scope_q(actor, perms.VIEW, "community__org") | Q(
        community_id__in=PartnerContact.objects.filter(user_id=actor.pk).values("partner_id")
    )
    if member is not None:
        condition |= Q(claimed_by=member) | (
            Q(status=WishStatus.PUBLISHED) & wish_offered_q(member)
        )
    return condition


def claimed_it(actor: Any, wish: Wish) -> bool:
    member = member_of_user(actor)
    return member is not None and wish.claimed_by_id == member.pk
