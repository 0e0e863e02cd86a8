"""Benchmark: the compliance table for a whole synthetic city (issue 4's scale: 1,500 branches
× 12 months, 30,000 members). Each branch holds what a branch holds in a year — 支部党员大会 and
党课 each quarter, 主题党日 each month and 支委会 too where the branch has a committee (seven or
more members), 组织生活会 and 民主评议 in December — with one meeting in twelve missed: about
47,000 held meetings, and an attendance row for every member of the branch at each (about 0.94
million, one in ten absent). Compliance reads only the meetings; the attendance rows are there
so that the database has the size it would have.

Figure: median time of `orglife.selectors.compliance` for the work committee administrator,
beside the same answer from one hand-written SQL query (the branches and groups in scope, each
with its held meetings per kind and local month), as a ratio; and the query count. The
benchmark checks that both count the same meetings for every organisation and kind.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
YEAR = 2025
SEATED = date(2024, 1, 1)  # the committees' seats, held all through YEAR


def setup(branches: int, organs: int, members: int | None = None) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from mofan.accounts.models import Grant, Role, User
    from mofan.core.tasks import refresh_planner_statistics
    from mofan.members.models import Member
    from mofan.members.synthetic import CitySize, build_city
    from mofan.orglife.models import Meeting, MeetingKind, MeetingStatus
    from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind, SeatPosition

    if Meeting.objects.exists():
        return
    root = build_city(
        size=CitySize(organs=organs, branches=branches, members=members or branches * 20)
    )
    Organisation.objects.update(established_on=date(2020, 1, 1))
    # A branch of seven or more members elects a committee (three seats here), and only a
    # branch with a committee owes 支委会 meetings.
    by_branch: dict[int, list[int]] = {}
    for member_id, org_id in Member.objects.order_by("id").values_list("pk", "org_id"):
        by_branch.setdefault(org_id, []).append(member_id)
    committees = {org_id for org_id, people in by_branch.items() if len(people) >= 7}
    CommitteeSeat.objects.bulk_create(
        CommitteeSeat(
            org_id=org_id, position=position, holder_id=holder, starts_on=date(2024, 1, 1)
        )
        for org_id in sorted(committees)
        for position, holder in zip(
            (SeatPosition.SECRETARY, SeatPosition.ORGANISATION, SeatPosition.PUBLICITY),
            by_branch[org_id],
            strict=False,
        )
    )
    rng = random.Random(4)
    zone = timezone.get_current_timezone()
    rows = []
    for branch_id in Organisation.objects.filter(kind=OrgKind.BRANCH).values_list("pk", flat=True):
        for month in range(1, 13):
            kinds = [MeetingKind.THEMED_PARTY_DAY]
            if branch_id in committees:
                kinds.append(MeetingKind.COMMITTEE_MEETING)
            if month % 3 == 0:
                kinds += [MeetingKind.GENERAL_ASSEMBLY, MeetingKind.PARTY_LESSON]
            if month == 12:
                kinds += [MeetingKind.LIFE_MEETING, MeetingKind.DEMOCRATIC_APPRAISAL]
            for kind in kinds:
                if rng.random() < 0.08:
                    continue  # a realistic gap
                start = datetime(YEAR, month, rng.randrange(1, 28), 15, tzinfo=zone)
                rows.append(
                    Meeting(
                        org_id=branch_id,
                        kind=kind,
                        topic="会议",
                        starts_at=start,
                        ends_at=start + timedelta(hours=2),
                        status=MeetingStatus.HELD,
                    )
                )
    Meeting.objects.bulk_create(rows, batch_size=5000)
    # Every member of the branch at each of its meetings, one in ten absent: one statement.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orglife_attendance (meeting_id, member_id, status, leave_reason) "
            "SELECT m.id, p.id, CASE WHEN (m.id * 7 + p.id) % 10 = 0 THEN 'absent' "
            "ELSE 'present' END, '' "
            "FROM orglife_meeting m INNER JOIN members_member p ON p.org_id = m.org_id"
        )
    user = User.objects.create(username="bench-admin", must_change_password=False)
    Grant.objects.create(
        user=user,
        role=Role.objects.get(code="work_committee_admin"),
        org=root,
        include_subtree=True,
    )
    refresh_planner_statistics(full=True)


def measure(repeat: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.accounts.models import User
    from mofan.orglife.selectors import compliance

    user = User.objects.get(username="bench-admin")
    today = date(YEAR + 1, 1, 15)
    compliance(actor=user, under=None, year=YEAR, today=today)  # warm
    with CaptureQueriesContext(connection) as ctx:
        rows = compliance(actor=user, under=None, year=YEAR, today=today)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        compliance(actor=user, under=None, year=YEAR, today=today)
        samples.append((time.perf_counter() - start) * 1000)
    held = sum(c.held for r in rows for cells in r.cells.values() for c in cells)
    # Held meetings per (organisation, kind) over the year, from the selector's cells: every
    # organisation here existed all year, so each kind's windows cover the twelve months.
    ours_totals: dict[tuple[int, str], int] = {}
    for r in rows:
        for kind, cells in r.cells.items():
            if sum(c.held for c in cells):
                ours_totals[(r.org.pk, kind)] = sum(c.held for c in cells)

    # The same answer by hand: the branches and groups in the administrator's scope (a path
    # range under the root), each with its held meetings per kind and local month — month
    # boundaries at Beijing midnight, as the page counts them (grouping by the stored UTC
    # month would put a meeting at 07:00 on the 1st in the previous month).
    from django.utils import timezone

    from mofan.core.paths import PATH_MAX
    from mofan.orgs.models import Organisation

    root = Organisation.objects.get(depth=1)
    zone = timezone.get_current_timezone()
    edges = [
        connection.ops.adapt_datetimefield_value(
            datetime(YEAR + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=zone)
        )
        for m in range(1, 14)
    ]
    months = ", ".join(
        "COUNT(m.id) FILTER (WHERE m.starts_at >= %s AND m.starts_at < %s)" for _ in range(12)
    )
    sql = (
        f"SELECT o.id, o.name, o.kind, o.established_on, m.kind, {months} "
        "FROM orgs_organisation o LEFT JOIN orglife_meeting m ON m.org_id = o.id "
        "AND m.status = 'held' AND m.starts_at >= %s AND m.starts_at < %s "
        "WHERE o.path >= %s AND o.path <= %s AND o.kind IN ('branch', 'group') "
        "AND o.archived_at IS NULL GROUP BY o.id, o.name, o.kind, o.established_on, m.kind"
    )
    params = [edge for m in range(12) for edge in (edges[m], edges[m + 1])]
    params += [edges[0], edges[12], root.path, root.path + "Z" * (PATH_MAX - len(root.path))]
    bound = []
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            result = cursor.fetchall()
        bound.append((time.perf_counter() - start) * 1000)
    sql_totals = {(r[0], r[4]): sum(r[5:]) for r in result if r[4] is not None and sum(r[5:])}
    assert sql_totals == ours_totals, "the lower bound does not count what the page counts"
    total = sum(sql_totals.values())
    sql_orgs = len({r[0] for r in result})
    return {
        "p50": statistics.median(samples),
        "sql": statistics.median(bound),
        "queries": len(ctx.captured_queries),
        "held": held,
        "sql_total": total,
        "orgs": len(rows),
        "sql_orgs": sql_orgs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=1500)
    parser.add_argument("--organs", type=int, default=150)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    setup(args.branches, args.organs, args.members)
    from django.db import connection

    from mofan.orglife.models import Attendance, Meeting

    print(
        f"city: {Meeting.objects.count():,} meetings, "
        f"{Attendance.objects.count():,} attendance rows"
    )

    f = measure(args.repeat)
    print(
        f"compliance_scale [{connection.vendor}] organisations={f['orgs']} "
        f"held meetings counted={f['held']:.0f} (SQL: {f['sql_total']:.0f} in "
        f"{f['sql_orgs']:.0f} organisations)"
    )
    print(f"  compliance median  {f['p50']:8.1f} ms, {f['queries']:.0f} queries")
    print(f"  lower bound (1 SQL){f['sql']:8.1f} ms   ratio {f['p50'] / f['sql']:.2f}")
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-compliance"))
    raise SystemExit(main())
