"""Reads of member records, scoped to the actor."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from mofan.core import access, crypto, identity
from mofan.core.models import AuditEvent, ImportJob, Notice
from mofan.core.paths import PINYIN_MAX, subtree_q
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


# The list's filters are written once, as SQL over `m` (the member) and `o` (their branch):
# the list page reads its page of rows and the total from one query with it, and the export
# and every other reader of `member_list` filter by it too, so both always agree.


def _search_terms(query: str, *, by_id: bool = True) -> tuple[str, list[Any]] | None:
    """`by_id`: whether a whole ID number may be searched. Only for holders of the sensitive
    permission: to others a hit would confirm a guess, and the masked number with the year of
    birth leaves few enough guesses to try them all."""
    text = identity.normalise_id(query).lower()
    if not text:
        return None
    if identity.ID_PATTERN.match(text.upper()):
        if not by_id:
            return "1 = 0", []
        return "m.id_number_hash = %s", [crypto.keyed_hash(text.upper())]
    if identity.MOBILE_PATTERN.match(text):
        return "m.mobile_hash = %s", [crypto.keyed_hash(text)]
    if ASCII.match(text):
        # 拼音: `zs` (initials) and `zhangs` (full, any prefix) both find 张三 — as index ranges.
        high = text + "z" * (PINYIN_MAX - len(text))
        return (
            "((m.name_initials >= %s AND m.name_initials <= %s) "
            "OR (m.name_pinyin >= %s AND m.name_pinyin <= %s))",
            [text, high, text, high],
        )
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "m.full_name LIKE %s ESCAPE '\\'", [f"%{escaped}%"]


def _band_terms(column: str, bands: Any, key: str, today: date) -> list[tuple[str, Any]]:
    terms: list[tuple[str, Any]] = []
    for band_key, _label, lowest, highest in bands:
        if band_key == key:
            earliest, latest = band_date_range(lowest, highest, today)
            if earliest is not None:
                terms.append((f"{column} > %s", earliest))
            if latest is not None:
                terms.append((f"{column} <= %s", latest))
    return terms


def _list_where(actor: Any, filters: MemberFilters) -> tuple[str, list[Any]] | None:
    """The WHERE clause of the member list (scope and filters), or None when the actor may
    see no member there."""
    found = access.path_scope(actor, perms.VIEW)
    if filters.org is not None:
        found = found.under(filters.org.path)
    if found.empty:
        return None
    scope, params = found.sql("o")
    terms = [scope]
    terms.append("m.archived_at IS NOT NULL" if filters.archived else "m.archived_at IS NULL")
    for column, value in (
        ("m.status", filters.status),
        ("m.gender", filters.gender),
        ("m.education", filters.education),
    ):
        if value:
            terms.append(f"{column} = %s")
            params.append(value)
    if filters.leading_cadre is not None:
        terms.append("m.is_leading_cadre = %s")
        params.append(filters.leading_cadre)
    today = timezone.localdate()
    bands = _band_terms("m.birth_date", AGE_BANDS, filters.age_band, today) + _band_terms(
        "m.joined_on", STANDING_BANDS, filters.standing_band, today
    )
    for term, value in bands:
        terms.append(term)
        params.append(value)
    search = _search_terms(filters.query, by_id=access.has_permission(actor, perms.VIEW_SENSITIVE))
    if search is not None:
        terms.append(search[0])
        params += search[1]
    return " AND ".join(terms), params


# `{where}`: from `_list_where`, its values bound as parameters; `{order}`: from `_sql_order`.
LIST_FROM = "FROM members_member m INNER JOIN orgs_organisation o ON o.id = m.org_id"
LIST_IDS_SQL = "SELECT m.id " + LIST_FROM + " WHERE {where}"
LIST_COUNT_SQL = "SELECT COUNT(*) " + LIST_FROM + " WHERE {where}"
LIST_PAGE_SQL = """
SELECT m.id, m.full_name, m.is_leading_cadre, m.gender, m.birth_date, m.joined_on, m.status,
       m.mobile_masked, o.name, g.name, COUNT(*) OVER ()
FROM members_member m
INNER JOIN orgs_organisation o ON o.id = m.org_id
LEFT OUTER JOIN orgs_organisation g ON g.id = m.group_id
WHERE {where}
ORDER BY {order}
LIMIT %s OFFSET %s
"""


def member_list(*, actor: Any, filters: MemberFilters | None = None) -> QuerySet[Member]:
    """The members the actor may see that match `filters`, in the chosen order."""
    filters = filters or MemberFilters()
    where = _list_where(actor, filters)
    if where is None:
        return Member.objects.none()
    ids = RawSQL(LIST_IDS_SQL.format(where=where[0]), where[1])  # noqa: S611 - values are parameters
    return (
        Member.objects.filter(pk__in=ids)
        .select_related("org", "group", "organ")
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
    )


class MemberRow(NamedTuple):
    """One row of the member list: what the list shows, nothing more (no encrypted numbers)."""

    pk: int
    full_name: str
    is_leading_cadre: bool
    gender: str
    birth_date: date | None
    joined_on: date | None
    status: str
    mobile_masked: str
    branch: str
    group: str | None


def _sql_order(sort: str) -> str:
    """SORTS as SQL over `m` and `o`: one definition of each order for the page and the list."""
    columns = []
    for key in SORTS.get(sort, SORTS["name"]):
        name = key.lstrip("-")
        column = "o.path" if name == "org__path" else f"m.{name}"
        columns.append(f"{column} DESC" if key.startswith("-") else column)
    return ", ".join(columns)


def member_page(
    *, actor: Any, filters: MemberFilters, number: int, per_page: int = 20
) -> tuple[list[MemberRow], int, int]:
    """One page of the member list with the list's total: (rows, total, page number). One
    query with the rows and `COUNT(*) OVER ()`; a page past the end gives the last page (two
    more queries, only then)."""
    where = _list_where(actor, filters)
    if where is None:
        return [], 0, 1
    sql = LIST_PAGE_SQL.format(where=where[0], order=_sql_order(filters.sort))
    number = max(number, 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*where[1], per_page, (number - 1) * per_page])
        found = cursor.fetchall()
        if not found and number > 1:
            cursor.execute(LIST_COUNT_SQL.format(where=where[0]), where[1])
            total = cursor.fetchone()[0]
            number = max(1, -(-total // per_page))
            cursor.execute(sql, [*where[1], per_page, (number - 1) * per_page])
            found = cursor.fetchall()
    total = found[0][-1] if found else 0
    rows = [
        MemberRow(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in found
    ]
    return rows, total, number


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


def member_of_user(user: Any, *, related: tuple[str, ...] = ("org",)) -> Member | None:
    """The current member record of a login (a login has at most one), with `related` read
    along; None for a login that is no party member. Every "my …" page starts here."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related(*related)
        .first()
    )


def require_member_of_user(user: Any, *, related: tuple[str, ...] = ("org",)) -> Member:
    """`member_of_user` for services and views that act as the member: 403 with the reason
    when the login has no current member record."""
    member = member_of_user(user, related=related)
    if member is None:
        access.require_party_member(user)  # says why
        raise PermissionDenied  # linked a moment ago and archived since
    return member


def notice_audience(*, org: Organisation, audience: str) -> set[int]:
    """Party: the members of the subtree who have a login (`core.registry.provided`)."""
    if audience not in (Notice.Audience.PARTY, Notice.Audience.ALL):
        return set()
    member_users = Member.objects.filter(
        subtree_q(org.path, "org"),
        archived_at__isnull=True,
        user__isnull=False,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    return {uid for uid in member_users if uid is not None}


def member_org_paths(user_ids: Iterable[int]) -> dict[int, str]:
    """`member_of_user` for many logins at once, as the path of each one's organisation (one
    query): login id → path, for the logins that are party members."""
    return dict(
        Member.objects.filter(user_id__in=sorted(set(user_ids)), archived_at__isnull=True)
        .values_list("user_id", "org__path")
        .order_by("user_id")
    )
