"""达标情况 and 双重组织生活, computed from the meetings held."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Attendance,
    FrequencyRule,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from mofan.orglife.rules import COMMITTEE_MIN_SEATS, HELD_BY, Window, windows_in_year
from mofan.orglife.selectors.meetings import _month_start, _start_of
from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind


@dataclass(frozen=True, slots=True)
class Cell:
    window: Window
    required: int
    held: int

    def status(self, today: date) -> str:
        if self.held >= self.required:
            return "met"
        return "overdue" if self.window.ends <= today else "due"


@dataclass(frozen=True)
class OrgRef:
    """The little of an organisation a compliance row shows (its link and name): read as
    plain values, because making 1,500 model instances cost more than the counting."""

    pk: int
    name: str
    kind: str
    established_on: date | None

    def __str__(self) -> str:
        return self.name


@dataclass
class OrgCompliance:
    org: OrgRef
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # kind → windows of the year

    def count(self, status: str, today: date) -> int:
        return sum(1 for cells in self.cells.values() for c in cells if c.status(today) == status)

    def summary(self, kind: str, today: date) -> tuple[int, int, int]:
        """(windows met, windows required so far, windows overdue) for one kind."""
        cells = [c for c in self.cells.get(kind, []) if c.window.starts <= today]
        met = sum(1 for c in cells if c.status(today) == "met")
        overdue = sum(1 for c in cells if c.status(today) == "overdue")
        return met, len(cells), overdue


def _rule_for(rules: list[FrequencyRule], kind: str, day: date) -> FrequencyRule | None:
    found = None
    for rule in rules:  # ordered by effective_from
        if rule.kind == kind and rule.effective_from <= day:
            found = rule
    return found


def compliance(
    *, actor: Any, under: Organisation | None, year: int, today: date | None = None
) -> list[OrgCompliance]:
    """For each branch and party group in scope: each kind's windows in `year`, what was
    required (by the rule in force at the window's start, and only if the organisation
    existed then) and how many meetings were held. Three queries whatever the size."""
    today = today or timezone.localdate()
    everything = Organisation.objects.all()  # actor=None: the system (periodic alerts)
    orgs_qs = (everything if actor is None else access.scope(everything, actor, perms.VIEW)).filter(
        kind__in=[OrgKind.BRANCH, OrgKind.GROUP], archived_at__isnull=True
    )
    if under is not None:
        orgs_qs = orgs_qs.filter(subtree_q(under.path))
    # Each organisation's committee seats held now, read with it: a branch without a 支委会
    # owes no 支委会 meetings.
    seats = (
        CommitteeSeat.objects.filter(org=OuterRef("pk"), ends_on__isnull=True)
        .order_by()
        .values("org")
        .annotate(n=Count("id"))
        .values("n")
    )
    orgs = []
    committees = set()
    for pk, name, kind, established_on, held_seats in (
        orgs_qs.annotate(seats_held=Subquery(seats))
        .order_by("path")
        .values_list("id", "name", "kind", "established_on", "seats_held")
    ):
        orgs.append(OrgRef(pk, name, kind, established_on))
        if (held_seats or 0) >= COMMITTEE_MIN_SEATS:
            committees.add(pk)
    # The scope as a subquery: the database joins it, and no list of ids is bound.
    in_scope = orgs_qs.values_list("pk", flat=True)
    rules = list(FrequencyRule.objects.order_by("effective_from"))
    # Held meetings per organisation, kind and month: twelve conditional counts in one grouped
    # query (month boundaries as instants, so no per-row time-zone conversion in the database).
    starts = [_month_start(year, month) for month in range(1, 14)]
    per_month = {
        f"m{month}": Count(
            "id", filter=Q(starts_at__gte=starts[month - 1], starts_at__lt=starts[month])
        )
        for month in range(1, 13)
    }
    held_qs = (
        Meeting.objects.filter(
            org__in=in_scope,
            status=MeetingStatus.HELD,
            starts_at__gte=starts[0],
            starts_at__lt=starts[12],
        )
        .values("org_id", "kind")
        .annotate(**per_month)
        .values_list("org_id", "kind", *per_month)
    )
    # The ORM's own SQL, read as plain tuples: integers need no conversion, and converting
    # 14 columns of thousands of rows cost more than the rest of the loop.
    sql, params = held_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # (organisation, kind) → held meetings in each month, January first.
        monthly: dict[tuple[int, str], tuple[int, ...]] = {
            (row[0], row[1]): tuple(row[2:]) for row in cursor.fetchall()
        }
    # The windows of each kind and what its rule asks in each: the same for every organisation.
    # Each window's months as a slice of the twelve monthly counts.
    plans: dict[str, list[tuple[Window, int, int, int]]] = {}
    for kind in MeetingKind.values:
        last = _rule_for(rules, kind, date(year, 12, 31))
        if last is None:
            continue
        plan = []
        for window in windows_in_year(last.period, year):
            rule = _rule_for(rules, kind, window.starts)
            if rule is not None:
                plan.append((window, rule.count, window.starts.month - 1, _last_month(window)))
        plans[kind] = plan
    none_held = (0,) * 12
    year_start = date(year, 1, 1)
    # Organisations with the same months held (and existing all year) get the same cells:
    # cells are immutable, so they are made once and shared (most branches meet alike).
    made: dict[tuple[str, tuple[int, ...], date], list[Cell]] = {}
    by_org_kind = {
        org_kind: [(kind, plan) for kind, plan in plans.items() if org_kind in HELD_BY[kind]]
        for org_kind in {org.kind for org in orgs}
    }
    result = []
    for org in orgs:
        pk, existed = org.pk, max(org.established_on or year_start, year_start)
        row = OrgCompliance(org)
        for kind, plan in by_org_kind[org.kind]:
            if kind == MeetingKind.COMMITTEE_MEETING and pk not in committees:
                continue
            key = (kind, monthly.get((pk, kind), none_held), existed)
            cells = made.get(key)
            if cells is None:
                held = key[1]
                cells = made[key] = [
                    Cell(window, required, sum(held[first:end]))
                    for window, required, first, end in plan
                    if existed <= window.starts  # the organisation existed when it began
                ]
            row.cells[kind] = list(cells)
        result.append(row)
    return result


def _last_month(window: Window) -> int:
    return 12 if window.ends.year > window.starts.year else window.ends.month - 1


def month_status(row: OrgCompliance, month: int, year: int, today: date) -> str:
    """One cell of the branches × months table: the periods that end with this month (the
    month itself, its quarter when it closes one, the year in December) — 'met' when all of
    them are, 'overdue' when one is, 'due' while one is still open, '' when none ends here."""
    ends = date(year + month // 12, month % 12 + 1, 1)
    statuses = [
        cell.status(today)
        for cells in row.cells.values()
        for cell in cells
        if cell.window.ends == ends
    ]
    if not statuses:
        return ""
    if "overdue" in statuses:
        return "overdue"
    return "due" if "due" in statuses else "met"


# ---- Yearly processes: 民主评议, 谈心谈话, 双重组织生活 ---------------------------------------


@dataclass
class DualLifeRow:
    member: Any
    expected: int
    present: int
    leave: int
    absent: int
    unrecorded: int  # expected at a held meeting, but nothing was recorded


def dual_life(*, actor: Any, under: Organisation | None, year: int) -> list[DualLifeRow]:
    """双重组织生活: each leading cadre in scope and their attendance, this year, at the
    meetings of their own branch and party group. Two queries."""
    cadres_qs = access.scope(
        Member.objects.filter(is_leading_cadre=True, archived_at__isnull=True).select_related(
            "org", "organ"
        ),
        actor,
        perms.VIEW,
    )
    if under is not None:
        cadres_qs = cadres_qs.filter(subtree_q(under.path, "org"))
    cadres = list(cadres_qs.order_by("org__path", "name_pinyin"))
    starts, ends = _start_of(year), _start_of(year + 1)
    counts = {
        row["member_id"]: row
        for row in Attendance.objects.filter(
            member__in=[c.pk for c in cadres],
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__gte=starts,
            meeting__starts_at__lt=ends,
        )
        .filter(Q(meeting__org_id=F("member__org_id")) | Q(meeting__org_id=F("member__group_id")))
        .values("member_id")
        .annotate(
            expected=Count("id"),
            present=Count("id", filter=Q(status="present")),
            leave=Count("id", filter=Q(status="leave")),
            absent=Count("id", filter=Q(status="absent")),
        )
    }
    rows = []
    for cadre in cadres:
        row: dict[str, Any] = dict(counts.get(cadre.pk, {}))
        expected, present = row.get("expected", 0), row.get("present", 0)
        leave, absent = row.get("leave", 0), row.get("absent", 0)
        rows.append(
            DualLifeRow(
                cadre, expected, present, leave, absent, expected - present - leave - absent
            )
        )
    return rows
