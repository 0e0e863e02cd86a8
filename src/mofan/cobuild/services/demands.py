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
    ServiceProject,
)
from mofan.cobuild.services.common import clean
from mofan.cobuild.workflows import DEMAND
from mofan.core import access
from mofan.core.audit import diff
from mofan.core.errors import DomainError
from mofan.orgs.models import PartnerUnit


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
    return DEMAND.started(
        actor,
        demand,
        "post",
        changes=diff({}, {"partner": partner.name, "title": title, "wanted_by": wanted_by}),
    )


@transaction.atomic
def demand_match(*, actor: Any, demand: Demand, project: ServiceProject) -> Demand:
    """A coordinator of the project answers an open demand with it; the partner can then
    order from its menu and is told."""
    project = ServiceProject.objects.select_related("org").get(pk=project.pk)
    # Who coordinates the project is asked first, before the demand is looked at.
    access.require(actor, perms.COORDINATE, project.org)
    demand = DEMAND.begin(actor, demand, "match")
    if project.archived_at is not None:
        raise DomainError({"project": _("The project is archived.")})
    demand.project, demand.matched_at = project, timezone.now()
    return DEMAND.finish(
        actor,
        demand,
        "match",
        fields=["project", "matched_at"],
        changes={"project": [None, project.name]},
    )


@transaction.atomic
def demand_close(*, actor: Any, demand: Demand) -> Demand:
    """The partner (or staff for it) closes a demand: met or no longer wanted."""
    demand = Demand.objects.select_related("partner__org").get(pk=demand.pk)
    # Who acts for the partner is asked before the state, as it always was.
    access.require_partner_or(actor, demand.partner, perms.MANAGE)
    demand = DEMAND.begin(actor, demand, "close")
    demand.closed_at = timezone.now()
    return DEMAND.finish(actor, demand, "close", fields=["closed_at"])
