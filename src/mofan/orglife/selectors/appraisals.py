"""Reads of the democratic appraisal: the branch's side and the member's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from mofan.core import access
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Appraisal,
    AppraisalEntry,
    AppraisalGrade,
    AppraisalState,
    PeerRating,
)


def appraisal_list(*, actor: Any, year: int) -> QuerySet[Appraisal]:
    return (
        access.scope(Appraisal.objects.select_related("org"), actor, perms.VIEW)
        .filter(year=year)
        .annotate(
            n_members=Count("entries", distinct=True),
            n_self=Count(
                "entries", filter=Q(entries__self_assessed_at__isnull=False), distinct=True
            ),
        )
        .order_by("org__path")
    )


def appraisal_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Appraisal:
    return access.get_for_actor(
        Appraisal.objects.select_related("org", "meeting"), actor, permission, pk=pk
    )


def appraisal_entries(*, appraisal: Appraisal) -> QuerySet[AppraisalEntry]:
    """The members of an appraisal with their peer assessments counted by grade."""
    tallies = {
        f"peer_{grade}": Count("peer_ratings", filter=Q(peer_ratings__grade=grade))
        for grade in AppraisalGrade.values
    }
    return (
        appraisal.entries.select_related("member")
        .annotate(peer_total=Count("peer_ratings"), **tallies)
        .order_by("probationary", "member__name_pinyin")
    )


@dataclass
class MyAppraisal:
    appraisal: Appraisal
    entry: AppraisalEntry
    peers: list[tuple[AppraisalEntry, str]]  # each other member with the grade I gave ("")


def my_appraisals(*, user: Any) -> list[MyAppraisal]:
    """The open appraisals the signed-in member takes part in, with the peers to assess."""
    mine = list(
        AppraisalEntry.objects.filter(
            member__user_id=user.pk,
            member__archived_at__isnull=True,
            appraisal__state=AppraisalState.OPEN,
        ).select_related("appraisal", "appraisal__org", "member")
    )
    if not mine:
        return []
    appraisal_ids = [e.appraisal_id for e in mine]
    given = dict(
        PeerRating.objects.filter(
            rater_id=mine[0].member_id, entry__appraisal_id__in=appraisal_ids
        ).values_list("entry_id", "grade")
    )
    others: dict[int, list[AppraisalEntry]] = {}
    for entry in (
        AppraisalEntry.objects.filter(appraisal_id__in=appraisal_ids, probationary=False)
        .exclude(member_id=mine[0].member_id)
        .select_related("member")
        .order_by("member__name_pinyin")
    ):
        others.setdefault(entry.appraisal_id, []).append(entry)
    return [
        MyAppraisal(
            e.appraisal,
            e,
            [(peer, given.get(peer.pk, "")) for peer in others.get(e.appraisal_id, [])],
        )
        for e in mine
    ]
