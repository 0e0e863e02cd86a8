"""Legal-counsellor appointments (法治辅导员 / 法治副校长): made and ended early."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild.models import ProjectMember
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.lawedu import permissions as perms
from mofan.lawedu import rules
from mofan.lawedu.models import (
    Appointment,
    CounsellorTitle,
)
from mofan.lawedu.services.common import clean
from mofan.orgs.models import PartnerUnit

# ── Legal-counsellor appointments (法治辅导员 / 法治副校长) ──


@transaction.atomic
def appointment_create(
    *,
    actor: Any,
    person: ProjectMember,
    partner: PartnerUnit,
    starts_on: date,
    ends_on: date | None = None,
    title: str = CounsellorTitle.COUNSELLOR,
) -> Appointment:
    """A school (or another partner) appoints a person of a project's team. Without an end,
    the term is the rule's default (five years). A person may hold one appointment at a time
    at one school; serving more than two schools is allowed but warned about
    (`selectors.schools_at_once`)."""
    # One person's appointments are serialised, so the overlap check holds under concurrency.
    person = (
        ProjectMember.objects.select_for_update(of=("self",))
        .select_related("project__org")
        .get(pk=person.pk)
    )
    access.require(actor, perms.MANAGE, person.project.org)
    if person.left_at is not None:
        raise DomainError({"person": _("This person has left the team.")})
    if partner.archived_at is not None:
        raise DomainError({"partner": _("This partner unit is archived.")})
    if title not in CounsellorTitle.values:
        raise DomainError({"title": _("Choose the title.")})
    if ends_on is None:
        ends_on = rules.default_end(starts_on)
    if ends_on <= starts_on:
        raise DomainError({"ends_on": _("The term ends after it starts.")})
    overlapping = (
        Appointment.objects.filter(person=person, partner=partner, starts_on__lte=ends_on)
        .filter(Q(ended_on__isnull=True, ends_on__gte=starts_on) | Q(ended_on__gte=starts_on))
        .exists()
    )
    if overlapping:
        raise DomainError(
            {"partner": _("This person is already appointed there for part of this term.")}
        )
    appointment = Appointment.objects.create(
        person=person,
        partner=partner,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="lawedu.appointment.create",
        target=appointment,
        org=person.project.org,
        changes=diff(
            {},
            {
                "person": person.name,
                "partner": partner.name,
                "title": appointment.get_title_display(),
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        ),
    )
    return appointment


@transaction.atomic
def appointment_end(
    *, actor: Any, appointment: Appointment, ended_on: date, reason: str
) -> Appointment:
    """End an appointment before its term, with the reason (the record stays)."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("person__project__org", "partner")
        .get(pk=appointment.pk)
    )
    access.require(actor, perms.MANAGE, appointment.person.project.org)
    if appointment.ended_on is not None:
        raise DomainError(_("The appointment has already ended."))
    reason = clean(reason)[:200]
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    if ended_on < appointment.starts_on:
        raise DomainError({"ended_on": _("The appointment cannot end before it starts.")})
    if ended_on >= appointment.ends_on:
        raise DomainError(
            {"ended_on": _("That is not early: the term ends on that day or before.")}
        )
    if ended_on > timezone.localdate():
        raise DomainError({"ended_on": _("The date cannot be in the future.")})
    appointment.ended_on = ended_on
    appointment.end_reason = reason
    appointment.save(update_fields=["ended_on", "end_reason"])
    audit_record(
        actor=actor,
        action="lawedu.appointment.end",
        target=appointment,
        org=appointment.person.project.org,
        changes={"ended_on": [None, ended_on], "reason": [None, reason]},
    )
    return appointment
