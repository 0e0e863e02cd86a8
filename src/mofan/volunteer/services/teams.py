"""Volunteer teams, the list of kinds of activity and the dated hours rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.members.models import Member
from mofan.orgs.models import Organisation
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    ActivityKind,
    HoursRule,
    VolunteerTeam,
)
from mofan.volunteer.services.common import clean


@transaction.atomic
def team_create(*, actor: Any, org: Organisation, name: str) -> VolunteerTeam:
    access.require(actor, perms.MANAGE, org)
    name = clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name of the team.")})
    if VolunteerTeam.objects.filter(org=org, name=name).exists():
        raise DomainError({"name": _("This organisation already has a team of this name.")})
    with refuse_duplicates(_("This organisation already has a team of this name."), "name"):
        team = VolunteerTeam.objects.create(org=org, name=name)
    audit_record(
        actor=actor,
        action="volunteer.team.create",
        target=team,
        org=org,
        changes={"name": [None, name]},
    )
    return team


@transaction.atomic
def team_members_set(
    *, actor: Any, team: VolunteerTeam, add: list[Member], remove: list[Member]
) -> VolunteerTeam:
    """Add members (from the team's organisation and below) and take members off."""
    team = VolunteerTeam.objects.select_for_update().select_related("org").get(pk=team.pk)
    access.require(actor, perms.MANAGE, team.org)
    outside = [m.full_name for m in add if not m.org.path.startswith(team.org.path)]
    if outside:
        raise DomainError(
            _("Not members of %(org)s: %(names)s.")
            % {"org": team.org.name, "names": "、".join(outside)}
        )
    if add:
        team.members.add(*add)
    if remove:
        team.members.remove(*remove)
    audit_record(
        actor=actor,
        action="volunteer.team.members",
        target=team,
        org=team.org,
        changes={
            "added": [None, "、".join(m.full_name for m in add)],
            "removed": [None, "、".join(m.full_name for m in remove)],
        },
    )
    return team


@transaction.atomic
def kind_add(*, actor: Any, name: str) -> ActivityKind:
    """The kinds of activity are one list for the deployment, kept by those who organise
    volunteering at its root."""
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    name = clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name of the kind.")})
    existing = ActivityKind.objects.filter(name=name).first()
    if existing is not None and existing.archived_at is None:
        raise DomainError({"name": _("This kind is already on the list.")})
    if existing is not None:
        existing.archived_at = None
        existing.save(update_fields=["archived_at"])
        kind = existing
    else:
        with refuse_duplicates(_("This kind is already on the list."), "name"):
            kind = ActivityKind.objects.create(name=name)
    audit_record(
        actor=actor, action="volunteer.kind.add", target=kind, changes={"name": [None, name]}
    )
    return kind


@transaction.atomic
def kind_archive(*, actor: Any, kind: ActivityKind) -> ActivityKind:
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    kind = ActivityKind.objects.select_for_update().get(pk=kind.pk)
    if kind.archived_at is not None:
        raise DomainError(_("This kind is already off the list."))
    kind.archived_at = timezone.now()
    kind.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="volunteer.kind.archive",
        target=kind,
        changes={"name": [kind.name, None]},
    )
    return kind


@transaction.atomic
def hours_rule_add(
    *,
    actor: Any,
    effective_from: date,
    presence_threshold: Decimal,
    star_hours: list[int],
    open_claims_per_member: int,
    registration_hours_target: int = 0,
) -> HoursRule:
    """A new hours rule from a date on (rules are data with dates: activities keep the
    threshold in force when they were created)."""
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    if not Decimal("0.1") <= presence_threshold <= Decimal(1):
        raise DomainError({"presence_threshold": _("Between 10 and 100 per cent.")})
    if (
        len(star_hours) != 5
        or any(h <= 0 for h in star_hours)
        or star_hours != sorted(set(star_hours))
    ):
        raise DomainError(
            {"star_hours": _("Five numbers of hours, each larger than the one before.")}
        )
    if not 1 <= open_claims_per_member <= 20:
        raise DomainError({"open_claims_per_member": _("From 1 to 20.")})
    if not 0 <= registration_hours_target <= 500:
        raise DomainError({"registration_hours_target": _("From 0 to 500.")})
    if HoursRule.objects.filter(effective_from=effective_from).exists():
        raise DomainError({"effective_from": _("A rule already starts on this day.")})
    with refuse_duplicates(_("A rule already starts on this day."), "effective_from"):
        rule = HoursRule.objects.create(
            effective_from=effective_from,
            presence_threshold=presence_threshold,
            star_hours=star_hours,
            open_claims_per_member=open_claims_per_member,
            registration_hours_target=registration_hours_target,
        )
    audit_record(
        actor=actor,
        action="volunteer.hours_rule",
        target=rule,
        changes=diff(
            {},
            {
                "effective_from": effective_from,
                "presence_threshold": str(presence_threshold),
                "star_hours": "/".join(str(h) for h in star_hours),
                "open_claims_per_member": open_claims_per_member,
                "registration_hours_target": registration_hours_target,
            },
        ),
    )
    return rule
