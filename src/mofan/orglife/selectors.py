"""Reads of organisational life: meetings and compliance, computed from records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from mofan.core import access
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.members.selectors import member_of_user
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Appraisal,
    AppraisalEntry,
    AppraisalGrade,
    AppraisalState,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    FrequencyRule,
    HeartTalk,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingReview,
    MeetingStatus,
    PeerRating,
    ReviewState,
)
from mofan.orglife.rules import COMMITTEE_MIN_SEATS, HELD_BY, Window, windows_in_year
from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind


def meeting_list(
    *, actor: Any, org: Organisation | None = None, kind: str = "", year: int | None = None
) -> QuerySet[Meeting]:
    qs = access.scope(Meeting.objects.select_related("org", "host", "recorder"), actor, perms.VIEW)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org"))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(starts_at__gte=_start_of(year), starts_at__lt=_start_of(year + 1))
    on_leave = [AttendanceStatus.LEAVE, AttendanceStatus.LEAVE_REQUESTED]
    return qs.annotate(
        n_expected=Count("attendances"),
        n_present=Count("attendances", filter=Q(attendances__status="present")),
        n_leave=Count("attendances", filter=Q(attendances__status__in=on_leave)),
        n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
    ).order_by("-starts_at", "-id")


def meeting_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Meeting:
    return access.get_for_actor(
        Meeting.objects.select_related("org", "host", "recorder", "created_by"),
        actor,
        permission,
        pk=pk,
    )


def attendee_meeting_get(*, user: Any, pk: int) -> Meeting:
    """A meeting the signed-in member is expected at (asking for leave): 404 for any other."""
    member = member_of_user(user, related=())
    meeting = (
        Meeting.objects.select_related("org").filter(pk=pk, attendances__member=member).first()
        if member is not None
        else None
    )
    if meeting is None:
        raise Http404
    return meeting


def checkin_meeting(*, pk: int) -> Meeting | None:
    """The meeting a signed check-in code names (the code is the proof: it is not scoped)."""
    return Meeting.objects.select_related("org").filter(pk=pk).first()


def attendance_get(*, actor: Any, pk: int, permission: str = perms.MANAGE_MEETINGS) -> Attendance:
    return access.get_for_actor(
        Attendance.objects.select_related("meeting"), actor, permission, pk=pk
    )


def calendar_feed_of(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=int(user.pk or 0)).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed whose secret is `token`, of an active login (the token is the key)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed if feed is not None and feed.user.is_active else None


def branch_people(*, org: Organisation) -> list[tuple[int, str]]:
    """The current members of a branch, for a form's choices (a heart-to-heart talk)."""
    return list(
        Member.objects.filter(org=org, archived_at__isnull=True)
        .order_by("name_pinyin")
        .values_list("pk", "full_name")
    )


def members_by_pk(pks: list[int]) -> dict[int, Member]:
    """The members chosen on a form (host and recorder, a talk's two people), by id."""
    return Member.objects.select_related("org").in_bulk([pk for pk in pks if pk])


def review_queue(*, actor: Any, state: str = ReviewState.SUBMITTED) -> QuerySet[Meeting]:
    """Meeting records of the organisations below the actor, in one review state (oldest
    submission first, so nothing waits forever)."""
    return (
        access.scope_below(Meeting.objects.select_related("org"), actor, perms.REVIEW_MEETINGS)
        .filter(review_state=state)
        .annotate(
            n_expected=Count("attendances", distinct=True),
            n_present=Count("attendances", filter=Q(attendances__status="present"), distinct=True),
        )
        .order_by("starts_at", "id")
    )


def review_steps(*, meeting: Meeting) -> QuerySet[MeetingReview]:
    return meeting.reviews.select_related("actor").order_by("at", "id")


def attachment_list(*, meeting: Meeting) -> QuerySet[MeetingAttachment]:
    return meeting.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id")


def attachment_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> MeetingAttachment:
    return access.get_for_actor(
        MeetingAttachment.objects.select_related("meeting", "meeting__org").filter(
            removed_at__isnull=True
        ),
        actor,
        permission,
        pk=pk,
    )


def host_choices(*, meeting: Meeting) -> list[tuple[int, str]]:
    """Who may chair or record a meeting: its attendees and the current members of its branch
    (a party group's meeting: of the group's branch), attendees first. A meeting above the
    branches (a committee's study session) takes them from its attendees only."""
    branch = meeting.org
    attendees = list(
        meeting.attendances.order_by("member__name_pinyin", "member_id").values_list(
            "member_id", "member__full_name"
        )
    )
    if branch.kind not in {OrgKind.BRANCH, OrgKind.GROUP}:
        return attendees
    if branch.kind == OrgKind.GROUP:
        branch = branch.get_parent() or branch
    seen = {pk for pk, _name in attendees}
    others = (
        Member.objects.filter(subtree_q(branch.path, "org"), archived_at__isnull=True)
        .exclude(pk__in=seen)
        .order_by("name_pinyin", "id")
        .values_list("pk", "full_name")
    )
    return attendees + list(others)


def attendance_list(*, meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("member").order_by("member__name_pinyin")


def _month_start(year: int, month: int) -> datetime:
    """Local midnight of the 1st (month 13 is next January)."""
    return datetime.combine(
        date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1),
        time.min,
        tzinfo=timezone.get_current_timezone(),
    )


def _start_of(year: int) -> datetime:
    return datetime.combine(date(year, 1, 1), time.min, tzinfo=timezone.get_current_timezone())


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


def my_meetings(*, user: Any) -> QuerySet[Attendance]:
    """The member's own meetings from a week ago on (我的待办), self-service."""
    since = timezone.now() - timedelta(days=7)
    return (
        Attendance.objects.filter(
            member__user_id=user.pk, member__archived_at__isnull=True, meeting__ends_at__gte=since
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__org")
        .order_by("meeting__starts_at")
    )


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
