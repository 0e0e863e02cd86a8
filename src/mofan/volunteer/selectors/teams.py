"""Reads of volunteer teams."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mofan.core import access
from mofan.core.paths import pinyin_prefix_q, subtree_q
from mofan.members.models import Member
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    ActivityKind,
    HoursRule,
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


def team_members(*, team: VolunteerTeam) -> QuerySet[Member]:
    return team.members.select_related("org").order_by("name_pinyin")


def members_by_ids(*, ids: list[int]) -> list[Member]:
    """Current members by primary key (the service checks where they belong)."""
    return list(Member.objects.filter(pk__in=ids, archived_at__isnull=True).select_related("org"))


def team_members_by_ids(*, team: VolunteerTeam, ids: list[int]) -> list[Member]:
    return list(team.members.filter(pk__in=ids))


def kinds_in_use() -> QuerySet[ActivityKind]:
    return ActivityKind.objects.filter(archived_at__isnull=True).order_by("id")


def kind_get(*, pk: int) -> ActivityKind:
    kind = ActivityKind.objects.filter(pk=pk).first()
    if kind is None:
        raise Http404
    return kind


def hours_rules() -> QuerySet[HoursRule]:
    return HoursRule.objects.order_by("-effective_from")
