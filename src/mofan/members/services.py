"""Writes to member records. The platform core needs creation; M2 adds the rest."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.members import permissions as perms
from mofan.members.models import Member, MemberStatus
from mofan.orgs.models import Organisation, OrgKind


@transaction.atomic
def member_create(
    *,
    actor: Any,
    full_name: str,
    org: Organisation,
    status: str = MemberStatus.FULL,
    group: Organisation | None = None,
    is_leading_cadre: bool = False,
    user: Any = None,
) -> Member:
    access.require(actor, perms.MANAGE, org)
    full_name = "".join((full_name or "").split())
    if not full_name:
        raise DomainError({"full_name": _("Enter a name.")})
    if org.kind != OrgKind.BRANCH or org.is_archived:
        raise DomainError({"org": _("A member belongs to a current branch.")})
    if group is not None and (
        group.kind != OrgKind.GROUP or Organisation.objects.get_parent(group) != org
    ):
        raise DomainError({"group": _("The party group must be inside the member's branch.")})
    member = Member.objects.create(
        full_name=full_name,
        org=org,
        status=status,
        group=group,
        is_leading_cadre=is_leading_cadre,
        user=user,
    )
    audit_record(
        actor=actor,
        action="members.member.create",
        target=member,
        org=org,
        changes=diff(
            {},
            {
                "full_name": full_name,
                "status": member.get_status_display(),
                "group": group,
                "is_leading_cadre": is_leading_cadre,
            },
        ),
    )
    return member
