"""Benchmark: study hours (学时) of every member of a city for a year.

Scale (DOMAIN_RULES.md §8): a city's 市直机关 has about 10⁴ members. The default here is 400
branches of 25 members, each branch with a 双周学习 group (26 sessions a year), and one
理论学习中心组 of 20 per 20 branches (12 sessions): about 10,800 study sessions and 265,000
attendance rows, nine in ten present.

Figure: median time of `study.selectors.study_hours` for all members, and its ratio to the
lower bound — one hand-written SQL query summing the same session lengths per member and kind.

Run: `make bench` (SQLite under var/bench-study) or with DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
YEAR = 2025


def build(branches: int, members_per: int) -> int:
    """Synthetic rows written in bulk (the services are tested elsewhere; this is data).
    Returns the number of attendance rows."""
    from django.db import transaction
    from django.utils import timezone

    from mofan.members.models import Member
    from mofan.members.synthetic import path_step as step
    from mofan.orglife.models import Attendance, Meeting, MeetingKind, MeetingStatus
    from mofan.orgs.models import Organisation, OrgKind
    from mofan.study.models import StudyGroup, StudyGroupMembership, StudyKind, StudySession

    zone = timezone.get_current_timezone()
    with transaction.atomic():
        for model in (
            StudySession,
            StudyGroupMembership,
            StudyGroup,
            Attendance,
            Meeting,
            Member,
        ):
            model.objects.all().delete()
        Organisation.objects.all().delete()
        root = Organisation.objects.create(
            name="基准工委", kind=OrgKind.WORK_COMMITTEE, path=step(1), depth=1, numchild=1
        )
        committee = Organisation.objects.create(
            name="基准机关党委",
            kind=OrgKind.PARTY_COMMITTEE,
            path=root.path + step(1),
            depth=2,
            numchild=branches,
        )
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"第{b}支部",
                    kind=OrgKind.BRANCH,
                    path=committee.path + step(b),
                    depth=3,
                    numchild=0,
                )
                for b in range(1, branches + 1)
            ],
            batch_size=2000,
        )
        branch_ids = list(
            Organisation.objects.filter(kind=OrgKind.BRANCH)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        Member.objects.bulk_create(
            [
                Member(full_name=f"党员{b}-{i}", org_id=b)
                for b in branch_ids
                for i in range(members_per)
            ],
            batch_size=5000,
        )
        people: dict[int, list[int]] = {}
        for pk, org_id in Member.objects.order_by("pk").values_list("pk", "org_id"):
            people.setdefault(org_id, []).append(pk)

        # (org id, kind, member ids, sessions: list of (start, length))
        plans: list[tuple[int, str, list[int], list[tuple[datetime, timedelta]]]] = []
        first = datetime(YEAR, 1, 3, 16, tzinfo=zone)
        for org_id in branch_ids:
            sessions = [
                (first + timedelta(days=14 * n), timedelta(hours=1, minutes=30)) for n in range(26)
            ]
            plans.append((org_id, StudyKind.BIWEEKLY, people[org_id], sessions))
        for chunk in range(0, len(branch_ids), 20):
            leaders = [people[b][0] for b in branch_ids[chunk : chunk + 20]]
            sessions = [
                (datetime(YEAR, month, 10, 9, tzinfo=zone), timedelta(hours=2, minutes=30))
                for month in range(1, 13)
            ]
            plans.append((committee.pk, StudyKind.CENTRAL_GROUP, leaders, sessions))

        groups = StudyGroup.objects.bulk_create(
            [
                StudyGroup(org_id=org_id, kind=kind, name=f"{kind}-{n}")
                for n, (org_id, kind, _m, _s) in enumerate(plans)
            ]
        )
        StudyGroupMembership.objects.bulk_create(
            [
                StudyGroupMembership(group=group, member_id=pk, joined_on=first.date())
                for group, (_o, _k, members, _s) in zip(groups, plans, strict=True)
                for pk in members
            ],
            batch_size=5000,
        )
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    org_id=org_id,
                    kind=MeetingKind.STUDY_SESSION,
                    topic="集中学习",
                    starts_at=start,
                    ends_at=start + length,
                    status=MeetingStatus.HELD,
                )
                for org_id, _k, _m, sessions in plans
                for start, length in sessions
            ],
            batch_size=5000,
        )
        session_rows, attendance_rows = [], []
        index = 0
        for group, (_o, _k, members, sessions) in zip(groups, plans, strict=True):
            for _session in sessions:
                meeting = meetings[index]
                index += 1
                session_rows.append(StudySession(meeting=meeting, group=group))
                for n, pk in enumerate(members):
                    present = (n + index) % 10 != 0
                    attendance_rows.append(
                        Attendance(
                            meeting=meeting, member_id=pk, status="present" if present else "absent"
                        )
                    )
        StudySession.objects.bulk_create(session_rows, batch_size=5000)
        Attendance.objects.bulk_create(attendance_rows, batch_size=5000)
    return len(attendance_rows)


def _lower_bound() -> dict[int, dict[str, Decimal]]:
    from django.db import connection

    from mofan.study.selectors import hours_of, year_bounds

    if connection.vendor == "postgresql":
        seconds = "SUM(EXTRACT(EPOCH FROM m.ends_at - m.starts_at))"
    else:
        seconds = "SUM((julianday(m.ends_at) - julianday(m.starts_at)) * 86400.0)"
    start, end = year_bounds(YEAR)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.member_id, g.kind, {seconds} "  # no user input in the query
            "FROM orglife_attendance a "
            "JOIN orglife_meeting m ON m.id = a.meeting_id "
            "JOIN study_studysession s ON s.meeting_id = m.id "
            "JOIN study_studygroup g ON g.id = s.group_id "
            "WHERE a.status = 'present' AND m.status <> 'cancelled' "
            "AND m.starts_at >= %s AND m.starts_at < %s "
            "GROUP BY a.member_id, g.kind",
            [start, end],
        )
        result: dict[int, dict[str, Decimal]] = {}
        for member_id, kind, total in cursor.fetchall():
            result.setdefault(member_id, {})[kind] = hours_of(
                timedelta(seconds=round(float(total)))
            )
    return result


def measure(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.study.selectors import study_hours

    def ours() -> dict[int, dict[str, Decimal]]:
        return study_hours(year=YEAR)

    def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
        samples, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), result

    with CaptureQueriesContext(connection) as ctx:
        ours()  # warm, and count the queries
    ours_time, hours = timed(ours)
    bound_time, bound = timed(_lower_bound)
    if hours != bound:
        raise SystemExit("study_hours and the hand-written SQL disagree")
    return {
        "members": len(hours),
        "hours": sum((h for kinds in hours.values() for h in kinds.values()), Decimal(0)),
        "queries": len(ctx.captured_queries),
        "p50": ours_time,
        "sql_p50": bound_time,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=400)
    parser.add_argument("--members", type=int, default=25, help="members per branch")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--wipe-database",
        action="store_true",
        help="required with DATABASE_URL: the benchmark empties the tree and the meetings",
    )
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and not args.wipe_database:
        parser.error(
            "DATABASE_URL is set and the benchmark deletes every organisation, member and "
            "meeting there; pass --wipe-database if that database is disposable"
        )

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    rows = build(args.branches, args.members)
    figures = measure(args.repeat)
    from django.db import connection

    print(
        f"study_hours_scale [{connection.vendor}] members={figures['members']} "
        f"attendance rows={rows} hours={figures['hours']}"
    )
    print(f"  study_hours median   {figures['p50'] * 1000:8.1f} ms ({figures['queries']} query)")
    print(f"  lower bound (1 SQL)  {figures['sql_p50'] * 1000:8.1f} ms")
    print(f"  ratio                {figures['p50'] / figures['sql_p50']:8.2f}")
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-study"))
    raise SystemExit(main())
