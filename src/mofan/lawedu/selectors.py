"""Reads of 模法师, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mofan.core import access
from mofan.lawedu import permissions as perms
from mofan.lawedu.models import Material, MaterialMovement


def material_list(*, actor: Any, permission: str = perms.VIEW) -> QuerySet[Material]:
    return access.scope(
        Material.objects.filter(archived_at__isnull=True).select_related("org"), actor, permission
    ).order_by("org__path", "name")


def material_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Material:
    return access.get_for_actor(Material.objects.select_related("org"), actor, permission, pk=pk)


def movement_list(*, material: Material) -> QuerySet[MaterialMovement]:
    """A handout's movements, newest first (the caller has fetched the handout in scope)."""
    return MaterialMovement.objects.filter(material=material).select_related("created_by")


def recent_movements(*, actor: Any, limit: int = 30) -> list[MaterialMovement]:
    return list(
        access.scope(
            MaterialMovement.objects.select_related("material", "created_by"), actor, perms.VIEW
        ).order_by("-created_at", "-id")[:limit]
    )
