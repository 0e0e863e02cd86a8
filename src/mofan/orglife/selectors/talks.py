"""Reads of heart-to-heart talks and how far they reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    HeartTalk,
)
from mofan.orgs.models import CommitteeSeat, Organisation


def talk_list(
    *, actor: Any, org: Organisation | None = None, year: int | None = None
) -> QuerySet[HeartTalk]:
    qs = access.scope(
        HeartTalk.objects.select_related("org", "initiator", "counterpart"), actor, perms.VIEW
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    if year:
        qs = qs.filter(talked_on__year=year)
    return qs.order_by("-talked_on", "-id")


@dataclass
class TalkCoverage:
    """How far a branch's talks this year reach (DOMAIN_RULES §2: each pairing at least once a
    year). 委员之间: every pair of committee members; 委员与党员: every member with at least one
    committee member; 党员之间: every member with at least one other member."""

    committee_pairs: int
    committee_pairs_done: int
    members: int
    with_committee_done: int
    with_member_done: int
    missing_committee_pairs: list[tuple[str, str]]
    missing_with_committee: list[str]
    missing_with_member: list[str]


def talk_coverage(*, org: Organisation, year: int, today: date | None = None) -> TalkCoverage:
    """Three queries: the members, the committee, the year's talks."""
    today = today or timezone.localdate()
    day = min(today, date(year, 12, 31))
    members = dict(
        Member.objects.filter(org=org, archived_at__isnull=True)
        .order_by("name_pinyin")
        .values_list("pk", "full_name")
    )
    committee = sorted(
        pk
        for pk in CommitteeSeat.objects.filter(org=org, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("holder_id", flat=True)
        if pk in members
    )
    pairs: set[frozenset[int]] = {
        frozenset(p)
        for p in HeartTalk.objects.filter(org=org, talked_on__year=year).values_list(
            "initiator_id", "counterpart_id"
        )
    }
    chairs = set(committee)
    ordinary = [pk for pk in members if pk not in chairs]
    committee_pairs = [(a, b) for i, a in enumerate(committee) for b in committee[i + 1 :]]
    missing_pairs = [(a, b) for a, b in committee_pairs if frozenset((a, b)) not in pairs]
    partners: dict[int, set[int]] = {}
    for pair in pairs:
        a, b = tuple(pair)
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    no_committee = [pk for pk in ordinary if not partners.get(pk, set()) & chairs]
    no_member = [pk for pk in ordinary if not partners.get(pk, set()) - chairs]
    return TalkCoverage(
        committee_pairs=len(committee_pairs),
        committee_pairs_done=len(committee_pairs) - len(missing_pairs),
        members=len(ordinary),
        with_committee_done=len(ordinary) - len(no_committee),
        with_member_done=len(ordinary) - len(no_member),
        missing_committee_pairs=[(members[a], members[b]) for a, b in missing_pairs],
        missing_with_committee=[members[pk] for pk in no_committee],
        missing_with_member=[members[pk] for pk in no_member],
    )
