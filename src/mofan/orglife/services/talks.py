"""谈心谈话: heart-to-heart talks recorded by a branch."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    HeartTalk,
    TalkPairing,
)
from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind

# ---- 谈心谈话 -----------------------------------------------------------------------------


def committee_on(org: Organisation, day: date) -> set[int]:
    """The members holding a committee seat of `org` on `day`."""
    return set(
        CommitteeSeat.objects.filter(org=org, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("holder_id", flat=True)
    )


def pairing_of(committee: set[int], a: int, b: int) -> str:
    inside = (a in committee) + (b in committee)
    return [
        TalkPairing.MEMBER_MEMBER,
        TalkPairing.COMMITTEE_MEMBER,
        TalkPairing.COMMITTEE_COMMITTEE,
    ][inside]


@transaction.atomic
def heart_talk_record(
    *,
    actor: Any,
    org: Organisation,
    initiator: Member,
    counterpart: Member,
    talked_on: date,
    summary: str,
) -> HeartTalk:
    access.require(actor, perms.MANAGE_MEETINGS, org)
    if org.kind != OrgKind.BRANCH:
        raise DomainError({"org": _("Heart-to-heart talks are recorded by a branch.")})
    if initiator.pk == counterpart.pk:
        raise DomainError({"counterpart": _("A talk needs two different people.")})
    for person in (initiator, counterpart):
        if person.org_id != org.pk or person.archived_at is not None:
            raise DomainError(
                {
                    "counterpart": _("%(name)s is not a member of this branch.")
                    % {"name": person.full_name}
                }
            )
    if talked_on > timezone.localdate():
        raise DomainError({"talked_on": _("The date cannot be in the future.")})
    summary = (summary or "").strip()
    if not summary:
        raise DomainError({"summary": _("Write down what was talked about.")})
    if len(summary) > 2000:
        raise DomainError({"summary": _("At most 2,000 characters.")})
    talk = HeartTalk.objects.create(
        org=org,
        initiator=initiator,
        counterpart=counterpart,
        pairing=pairing_of(committee_on(org, talked_on), initiator.pk, counterpart.pk),
        talked_on=talked_on,
        summary=summary,
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="orglife.talk.record",
        target=talk,
        org=org,
        changes={
            "initiator": [None, initiator.full_name],
            "counterpart": [None, counterpart.full_name],
            "talked_on": [None, talked_on],
            "pairing": [None, TalkPairing(talk.pairing).label],
        },
    )
    return talk
