"""Reads of volunteer teams."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from mofan.core import access
from mofan.core.paths import pinyin_prefix_q, subtree_q
from mofan.members.models import Member
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    VolunteerTeam,
)


def team_list(*, actor: Any) -> QuerySet[Any]:
    return (
        access.scope(VolunteerTeam.objects.select_related("org"), actor, perms.VIEW)
        .annotate(n_members=Count("members", distinct=True))
        .order_by("org__path", "name")
    )


def team_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Any:
    return access.get_for_actor(
        VolunteerTeam.objects.select_related("org"), actor, permission, pk=pk
    )


def team_candidates(*, team: Any, q: str = "", limit: int = 100) -> list[Member]:
    """Members of the team's organisation and below who are not in the team, by name or 拼音."""
    qs = (
        Member.objects.filter(subtree_q(team.org.path, "org"), archived_at__isnull=True)
        .exclude(volunteer_teams=team)
        .select_related("org")
        .order_by("name_pinyin")
    )
    q = (q or "").strip()
    if q:
        text = q.lower()
        qs = qs.filter(
            Q(full_name__startswith=q)
            | pinyin_prefix_q("name_pinyin", text)
            | pinyin_prefix_q("name_initials", text)
        )
    return list(qs[:limit])
