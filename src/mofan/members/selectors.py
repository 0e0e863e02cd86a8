"""Reads of member records, scoped to the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mofan.core import access, crypto, identity
from mofan.core.models import AuditEvent, ImportJob
from mofan.core.paths import pinyin_prefix_q, subtree_q
from mofan.members import permissions as perms
from mofan.members.models import Member, MemberTransfer
from mofan.members.rules import AGE_BANDS, STANDING_BANDS, band_date_range
from mofan.orgs.models import Organisation

ASCII = re.compile(r"^[a-z]+$")
SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "standing": ("-joined_on", "id"),
    "-standing": ("joined_on", "id"),
    "branch": ("org__path", "name_pinyin", "id"),
}


@dataclass
class MemberFilters:
    org: Organisation | None = None  # this organisation's subtree
    query: str = ""
    status: str = ""
    gender: str = ""
    age_band: str = ""
    standing_band: str = ""
    education: str = ""
    leading_cadre: bool | None = None
    archived: bool = False
    sort: str = "name"


def _search(qs: QuerySet[Member], query: str) -> QuerySet[Member]:
    text = identity.normalise_id(query).lower()
    if not text:
        return qs
    if identity.ID_PATTERN.match(text.upper()):
        return qs.filter(id_number_hash=crypto.keyed_hash(text.upper()))
    if identity.MOBILE_PATTERN.match(text):
        return qs.filter(mobile_hash=crypto.keyed_hash(text))
    if ASCII.match(text):
        # 拼音: `zs` (initials) and `zhangs` (full, any prefix) both find 张三.
        return qs.filter(
            pinyin_prefix_q("name_initials", text) | pinyin_prefix_q("name_pinyin", text)
        )
    return qs.filter(full_name__contains=query.strip())


def _band(qs: QuerySet[Member], field: str, bands: Any, key: str, today: date) -> QuerySet[Member]:
    for band_key, _label, lowest, highest in bands:
        if band_key == key:
            earliest, latest = band_date_range(lowest, highest, today)
            if earliest is not None:
                qs = qs.filter(**{f"{field}__gt": earliest})
            if latest is not None:
                qs = qs.filter(**{f"{field}__lte": latest})
    return qs


def member_list(*, actor: Any, filters: MemberFilters | None = None) -> QuerySet[Member]:
    filters = filters or MemberFilters()
    qs = access.scope(Member.objects.all(), actor, perms.VIEW).select_related(
        "org", "group", "organ"
    )
    qs = qs.filter(archived_at__isnull=not filters.archived)
    if filters.org is not None:
        qs = qs.filter(subtree_q(filters.org.path, "org"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.education:
        qs = qs.filter(education=filters.education)
    if filters.leading_cadre is not None:
        qs = qs.filter(is_leading_cadre=filters.leading_cadre)
    today = timezone.localdate()
    if filters.age_band:
        qs = _band(qs, "birth_date", AGE_BANDS, filters.age_band, today)
    if filters.standing_band:
        qs = _band(qs, "joined_on", STANDING_BANDS, filters.standing_band, today)
    qs = _search(qs, filters.query)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def member_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Member:
    return access.get_for_actor(
        Member.objects.select_related("org", "group", "organ", "user"), actor, permission, pk=pk
    )


def member_history(*, member: Member) -> QuerySet[AuditEvent]:
    """The record's history, read from the one audit log."""
    return AuditEvent.objects.filter(
        target_type="members.member", target_id=str(member.pk)
    ).order_by("-id")


def member_transfers(*, actor: Any, member: Member | None = None) -> QuerySet[MemberTransfer]:
    """Transfers that either branch may see: into or out of the actor's scope."""
    qs = MemberTransfer.objects.select_related("member", "from_org", "to_org", "created_by")
    inbound = access.scope(qs, actor, perms.VIEW)
    outbound_ids = access.scope(Organisation.objects.all(), actor, perms.VIEW).values("pk")
    qs = qs.filter(Q(pk__in=inbound.values("pk")) | Q(from_org__in=outbound_ids))
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("-transferred_on", "-id")


def import_jobs(*, actor: Any) -> QuerySet[ImportJob]:
    return access.scope(
        ImportJob.objects.filter(kind="members.roster"), actor, perms.MANAGE
    ).select_related("org", "created_by")


def import_job_get(*, actor: Any, pk: int) -> ImportJob:
    return access.get_for_actor(import_jobs(actor=actor), actor, perms.MANAGE, pk=pk)


def own_record(*, actor: Any) -> Member | None:
    """The record linked to the actor's login (self-service, no grant needed)."""
    return (
        Member.objects.select_related("org", "group", "organ")
        .filter(user_id=actor.pk, archived_at__isnull=True)
        .first()
    )
