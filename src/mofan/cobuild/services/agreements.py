"""Writes of co-building agreements: their parties and duties, joint meetings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    Agreement,
    AgreementParty,
    JointMeeting,
)
from mofan.cobuild.services.common import clean
from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.core.uploads import check_upload
from mofan.orgs.models import Organisation, PartnerUnit

RENEWAL_NOTICE_DAYS = 60  # the keepers are reminded this many days before an agreement ends


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    org: Organisation,
    title: str,
    signed_on: date,
    ends_on: date,
    party_orgs: list[Organisation],
    party_partners: list[PartnerUnit],
    summary: str = "",
    scan: Any = None,
) -> Agreement:
    """Record a signed agreement kept by `org`, with two or more parties."""
    access.require(actor, perms.MANAGE, org)
    title = clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if ends_on <= signed_on:
        raise DomainError({"ends_on": _("The term ends after the signing date.")})
    if signed_on > timezone.localdate():
        raise DomainError({"signed_on": _("The signing date cannot be in the future.")})
    orgs = list({o.pk: o for o in party_orgs}.values())
    partners = list({p.pk: p for p in party_partners}.values())
    if len(orgs) + len(partners) < 2:
        raise DomainError(_("An agreement has at least two parties."))
    if not orgs:
        raise DomainError({"party_orgs": _("At least one party organisation of ours signs it.")})
    agreement = Agreement(
        org=org,
        title=title,
        signed_on=signed_on,
        ends_on=ends_on,
        summary=(summary or "").strip(),
        created_by=actor if actor is not None else None,
    )
    if scan:
        checked = check_upload(scan)
        agreement.scan.save(checked.stored_name, checked.upload, save=False)
        agreement.scan_name, agreement.scan_type = checked.name, checked.kind.content_type
    agreement.save()
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, org=o) for o in orgs]
        + [AgreementParty(agreement=agreement, partner=p) for p in partners]
    )
    audit_record(
        actor=actor,
        action="cobuild.agreement.create",
        target=agreement,
        org=org,
        changes=diff(
            {},
            {
                "title": title,
                "signed_on": signed_on,
                "ends_on": ends_on,
                "parties": "、".join([o.name for o in orgs] + [p.name for p in partners]),
            },
        ),
    )
    return agreement


@transaction.atomic
def party_duties_save(*, actor: Any, party: AgreementParty, duties: str) -> AgreementParty:
    agreement = (
        Agreement.objects.select_for_update().select_related("org").get(pk=party.agreement_id)
    )
    access.require(actor, perms.MANAGE, agreement.org)
    party = AgreementParty.objects.get(pk=party.pk)
    before = party.duties
    party.duties = (duties or "").strip()[:2000]
    party.save(update_fields=["duties"])
    audit_record(
        actor=actor,
        action="cobuild.agreement.duties",
        target=agreement,
        org=agreement.org,
        target_label=f"{agreement} · {party}",
        changes={"duties": [before, party.duties]},
    )
    return party


@transaction.atomic
def agreement_end(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    """End an agreement before its term (the record stays)."""
    agreement = Agreement.objects.select_for_update().select_related("org").get(pk=agreement.pk)
    access.require(actor, perms.MANAGE, agreement.org)
    if agreement.ended_at is not None:
        raise DomainError(_("The agreement has already ended."))
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action="cobuild.agreement.end",
        target=agreement,
        org=agreement.org,
        changes={"reason": [None, reason]},
    )
    return agreement


@transaction.atomic
def joint_meeting_record(
    *,
    actor: Any,
    agreement: Agreement,
    held_on: date,
    attendees: str,
    place: str = "",
    minutes: str = "",
    decisions: str = "",
) -> JointMeeting:
    access.require(actor, perms.MANAGE, agreement.org)
    attendees = clean(attendees)
    if not attendees:
        raise DomainError({"attendees": _("Say who took part.")})
    if held_on > timezone.localdate():
        raise DomainError({"held_on": _("The date cannot be in the future.")})
    if held_on < agreement.signed_on:
        raise DomainError(
            {"held_on": _("A joint meeting under the agreement follows its signing.")}
        )
    meeting = JointMeeting.objects.create(
        agreement=agreement,
        held_on=held_on,
        place=clean(place),
        attendees=attendees[:500],
        minutes=richtext.clean(minutes),
        decisions=(decisions or "").strip(),
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="cobuild.joint_meeting",
        target=agreement,
        org=agreement.org,
        target_label=f"{agreement} · {held_on}",
        changes={"held_on": [None, held_on], "attendees": [None, attendees]},
    )
    return meeting
