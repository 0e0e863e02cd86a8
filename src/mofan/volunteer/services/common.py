"""What the volunteer services share: text cleaning, the member acting, telling people."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mofan.core.errors import DomainError
from mofan.core.services import message_send
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orgs.models import PartnerContact, PartnerUnit


def clean(text: str) -> str:
    return " ".join((text or "").split())


def own_member(user: Any) -> Member:
    """The member acting, through `members.selectors.member_of_user`; refused as a domain error
    (the message on the page the member came from), as the volunteer services always were."""
    member = member_of_user(user)
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    return member


def tell(user_ids: list[int] | set[int], title: str, link: str, body: str = "") -> None:
    for user_id in sorted(set(user_ids)):
        message_send(user_id=user_id, title=title, body=body, link=link)


def contacts_of(community: PartnerUnit) -> list[int]:
    return list(
        PartnerContact.objects.filter(partner=community, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
