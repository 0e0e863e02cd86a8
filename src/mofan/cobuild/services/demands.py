"""Writes of demands (需求清单): posted by a partner, matched to a project, closed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    Demand,
    DemandState,
    ServiceProject,
)
from mofan.cobuild.services.common import clean
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.orgs.models import PartnerUnit

# ── Demands (需求清单) ──


@transaction.atomic
def demand_post(
    *,
    actor: Any,
    partner: PartnerUnit,
    title: str,
    description: str = "",
    audience: str = "",
    wanted_by: date | None = None,
) -> Demand:
    """A partner's contact posts a demand, or staff who look after the partner post it."""
    access.require_partner_or(actor, partner, perms.MANAGE)
    title = clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if partner.archived_at is not None:
        raise DomainError(_("The partner unit is archived."))
    if wanted_by is not None and wanted_by < timezone.localdate():
        raise DomainError({"wanted_by": _("The date cannot be in the past.")})
    demand = Demand.objects.create(
        partner=partner,
        title=title,
        description=(description or "").strip(),
        audience=clean(audience)[:100],
        wanted_by=wanted_by,
        posted_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="cobuild.demand.post",
        target=demand,
        org=partner.org,
        changes=diff({}, {"partner": partner.name, "title": title, "wanted_by": wanted_by}),
    )
    return demand


@transaction.atomic
def demand_match(*, actor: Any, demand: Demand, project: ServiceProject) -> Demand:
    """A coordinator of the project answers an open demand with it; the partner can then
    order from its menu."""
    project = ServiceProject.objects.select_related("org").get(pk=project.pk)
    access.require(actor, perms.COORDINATE, project.org)
    demand = Demand.objects.select_for_update().select_related("partner").get(pk=demand.pk)
    if demand.state != DemandState.OPEN:
        raise DomainError(_("Only an open demand can be matched."))
    if project.archived_at is not None:
        raise DomainError({"project": _("The project is archived.")})
    demand.state, demand.project, demand.matched_at = DemandState.MATCHED, project, timezone.now()
    demand.save(update_fields=["state", "project", "matched_at"])
    audit_record(
        actor=actor,
        action="cobuild.demand.match",
        target=demand,
        org=demand.partner.org,
        changes={"project": [None, project.name]},
    )
    from mofan.cobuild.tasks import demand_matched_notify

    transaction.on_commit(lambda: demand_matched_notify(demand.pk))
    return demand


@transaction.atomic
def demand_close(*, actor: Any, demand: Demand) -> Demand:
    """The partner (or staff for it) closes a demand: met or no longer wanted."""
    demand = Demand.objects.select_for_update().select_related("partner__org").get(pk=demand.pk)
    access.require_partner_or(actor, demand.partner, perms.MANAGE)
    if demand.state == DemandState.CLOSED:
        raise DomainError(_("The demand is already closed."))
    before = demand.state
    demand.state, demand.closed_at = DemandState.CLOSED, timezone.now()
    demand.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action="cobuild.demand.close",
        target=demand,
        org=demand.partner.org,
        changes={"state": [before, demand.state]},
    )
    return demand
