"""Reads of co-building."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import Agreement, AgreementParty
from mofan.core import access


def agreement_list(*, actor: Any) -> QuerySet[Agreement]:
    return (
        access.scope(Agreement.objects.select_related("org"), actor, perms.VIEW)
        .prefetch_related("parties__org", "parties__partner")
        .order_by("-signed_on", "-id")
    )


def agreement_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Agreement:
    return access.get_for_actor(
        Agreement.objects.select_related("org", "created_by"), actor, permission, pk=pk
    )


def active_q(today: date | None = None, prefix: str = "") -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}ended_at__isnull": True, f"{prefix}ends_on__gte": today})


def partners_linked_to(org_path: str, steplen: int, today: date | None = None) -> QuerySet[Any]:
    """Partner units under an active agreement to which the organisation at `org_path`, or one
    above it, is a party: the communities its members serve (and see the wishes of)."""
    ancestors = [org_path[:i] for i in range(steplen, len(org_path) + 1, steplen)]
    agreements = AgreementParty.objects.filter(
        active_q(today, "agreement__"), org__path__in=ancestors
    ).values("agreement_id")
    return AgreementParty.objects.filter(agreement_id__in=agreements, partner__isnull=False).values(
        "partner_id"
    )
