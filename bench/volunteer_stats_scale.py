"""Benchmark: volunteering statistics for a whole synthetic city (issue 6's scale: about
20,000 activities, 300,000 participations and 50,000 micro-wishes, generated with bulk inserts
over eighteen months, the organisations and the statuses).

Figure: median warm time of `volunteer.selectors.statistics` for the work committee
administrator over one year (`selectors.period_bounds`), for the whole city and for one
committee's subtree, beside the same six figures from one hand-written SQL query, as a ratio;
and the query count. The benchmark checks that both give the same figures before timing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
YEAR = 2025
FIRST_DAY = date(2025, 1, 1)  # data spread over eighteen months from here
DAYS = 547


def _at(rng: random.Random, zone: Any) -> datetime:
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    return datetime(day.year, day.month, day.day, rng.choice([9, 14, 19]), tzinfo=zone)


def build(
    *, organs: int, branches: int, members: int, activities: int, per_activity: int, wishes: int
) -> None:
    """The city, then activities, participations and wishes with bulk inserts (not through
    the services): organised by branches and committees, eighteen months from January 2025,
    activities mostly closed with hours confirmed for those who came, wishes in every state."""
    from django.db import connection, transaction
    from django.utils import timezone

    from mofan.accounts.models import Grant, Role, User
    from mofan.members.models import Member
    from mofan.members.synthetic import CitySize, build_city
    from mofan.orgs.models import Organisation, OrgKind, PartnerUnit
    from mofan.volunteer.models import (
        ActivityKind,
        ActivityStatus,
        Participation,
        ParticipationState,
        VolunteerActivity,
        Wish,
        WishStatus,
    )

    rng = random.Random(6)
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        root = build_city(size=CitySize(organs=organs, branches=branches, members=members))
        orgs = list(
            Organisation.objects.filter(path__startswith=root.path, depth__gt=1)
            .order_by("path")
            .values_list("pk", "kind")
        )
        branch_ids = [pk for pk, kind in orgs if kind == OrgKind.BRANCH]
        committee_ids = [pk for pk, kind in orgs if kind != OrgKind.BRANCH]
        people = list(
            Member.objects.filter(org__path__startswith=root.path).values_list("pk", "org_id")
        )
        kinds = [
            ActivityKind.objects.get_or_create(name=name)[0]
            for name in ("法律援助进社区", "健康义诊进社区", "文明创建", "环境整治")
        ]
        # Two communities per committee: one it looks after, one a branch of it looks after.
        communities = PartnerUnit.objects.bulk_create(
            [
                PartnerUnit(name=f"合成社区{i:04d}", kind="community", org_id=org_id)
                for i, org_id in enumerate(
                    committee_ids + rng.sample(branch_ids, len(committee_ids))
                )
            ]
        )
        community_ids = [c.pk for c in communities] or list(
            PartnerUnit.objects.filter(name__startswith="合成社区").values_list("pk", flat=True)
        )

        rows = []
        for i in range(activities):
            starts = _at(rng, zone)
            past = starts < timezone.now()
            roll = rng.random()
            status = (
                ActivityStatus.CANCELLED
                if roll < 0.08
                else ActivityStatus.CLOSED
                if past and roll < 0.85
                else ActivityStatus.OPEN
            )
            rows.append(
                VolunteerActivity(
                    org_id=rng.choice(branch_ids if rng.random() < 0.85 else committee_ids),
                    partner_id=rng.choice(community_ids),
                    kind=rng.choice(kinds),
                    title=f"志愿服务{i}",
                    place="社区活动室",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=rng.choice([2, 3, 4])),
                    capacity=per_activity + 10,
                    signup_deadline=starts - timedelta(hours=2),
                    cancel_deadline=starts - timedelta(hours=4),
                    status=status,
                )
            )
        VolunteerActivity.objects.bulk_create(rows, batch_size=5000)
        made = VolunteerActivity.objects.filter(title__startswith="志愿服务").values_list(
            "pk", "starts_at", "ends_at", "status"
        )
        parts = []
        for activity_id, starts, ends, status in made:
            planned = Decimal((ends - starts).seconds) / 3600
            n = rng.randint(per_activity // 2, per_activity * 3 // 2)
            for member_id, _org in rng.sample(people, n):
                roll = rng.random()
                state = (
                    ParticipationState.CANCELLED
                    if roll < 0.07
                    else ParticipationState.WAITLISTED
                    if roll < 0.10
                    else ParticipationState.SIGNED_UP
                )
                came = status == ActivityStatus.CLOSED and state == ParticipationState.SIGNED_UP
                came = came and rng.random() < 0.9
                hours = (planned - Decimal(rng.choice([0, 0, 0, 1])) / 2) if came else Decimal(0)
                parts.append(
                    Participation(
                        activity_id=activity_id,
                        member_id=member_id,
                        state=state,
                        signed_up_at=starts - timedelta(days=3),
                        checked_in_at=starts if came else None,
                        checked_out_at=ends if came else None,
                        hours=hours,
                        confirmed_at=ends + timedelta(days=1) if came else None,
                    )
                )
            if len(parts) >= 20000:
                Participation.objects.bulk_create(parts, batch_size=5000)
                parts = []
        Participation.objects.bulk_create(parts, batch_size=5000)

        statuses = [
            (WishStatus.SUBMITTED, 0.03),
            (WishStatus.REJECTED, 0.02),
            (WishStatus.PUBLISHED, 0.15),
            (WishStatus.EXPIRED, 0.08),
            (WishStatus.CLAIMED, 0.12),
            (WishStatus.FULFILLED, 0.10),
            (WishStatus.CONFIRMED, 0.50),
        ]
        posted_at = Wish._meta.get_field("posted_at")
        wish_rows = []
        for i in range(wishes):
            posted = _at(rng, zone)
            status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
            claimed = status in {WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED}
            claimer = rng.choice(people) if claimed else (None, None)
            wish_rows.append(
                Wish(
                    community_id=rng.choice(community_ids),
                    beneficiary="王奶奶",
                    title=f"微心愿{i}",
                    estimated_value=Decimal(rng.randrange(50, 500)),
                    deadline=(posted + timedelta(days=30)).date(),
                    status=status,
                    posted_at=posted,
                    published_at=posted + timedelta(days=1),
                    claimed_by_id=claimer[0],
                    claimed_for_id=claimer[1],
                    claimed_at=posted + timedelta(days=rng.randint(1, 20)) if claimed else None,
                    confirmed_at=posted + timedelta(days=25)
                    if status == WishStatus.CONFIRMED
                    else None,
                )
            )
        posted_at.auto_now_add = False  # type: ignore[attr-defined]  # keep the spread dates
        try:
            Wish.objects.bulk_create(wish_rows, batch_size=5000)
        finally:
            posted_at.auto_now_add = True  # type: ignore[attr-defined]

        user = User.objects.create(username="bench-admin", must_change_password=False)
        Grant.objects.create(
            user=user,
            role=Role.objects.get(code="work_committee_admin"),
            org=root,
            include_subtree=True,
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


SQL = """
SELECT posted.n, claims.claimed, claims.fulfilled, acts.n, parts.person_times, parts.hours
FROM
  (SELECT COUNT(*) AS n FROM volunteer_wish w
     JOIN orgs_partnerunit c ON c.id = w.community_id
     JOIN orgs_organisation o ON o.id = c.org_id
    WHERE o.path >= %(lo)s AND o.path <= %(hi)s
      AND w.posted_at >= %(start)s AND w.posted_at < %(end)s) AS posted,
  (SELECT COUNT(*) AS claimed,
          COUNT(*) FILTER (WHERE w.status = 'confirmed') AS fulfilled
     FROM volunteer_wish w JOIN orgs_organisation o ON o.id = w.claimed_for_id
    WHERE o.path >= %(lo)s AND o.path <= %(hi)s
      AND w.claimed_at >= %(start)s AND w.claimed_at < %(end)s) AS claims,
  (SELECT COUNT(*) AS n FROM volunteer_volunteeractivity a
     JOIN orgs_organisation o ON o.id = a.org_id
    WHERE o.path >= %(lo)s AND o.path <= %(hi)s AND a.status <> 'cancelled'
      AND a.starts_at >= %(start)s AND a.starts_at < %(until)s) AS acts,
  (SELECT COUNT(*) FILTER (WHERE p.hours > 0) AS person_times, SUM(p.hours) AS hours
     FROM volunteer_participation p
     JOIN volunteer_volunteeractivity a ON a.id = p.activity_id
     JOIN orgs_organisation o ON o.id = a.org_id
    WHERE o.path >= %(lo)s AND o.path <= %(hi)s AND a.status <> 'cancelled'
      AND a.starts_at >= %(start)s AND a.starts_at < %(until)s) AS parts
"""


def _by_hand(under_path: str, start: datetime, end: datetime) -> tuple[Any, ...]:
    from django.db import connection
    from django.utils import timezone

    from mofan.core.paths import PATH_MAX

    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "lo": under_path,
        "hi": under_path + "Z" * (PATH_MAX - len(under_path)),
        "start": adapt(start),
        "end": adapt(end),
        "until": adapt(min(end, timezone.now())),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:
    fn()  # warm
    samples, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), result


def measure(repeat: int) -> dict[str, Any]:
    """For the whole city and for one committee's subtree: the selector's median, its query
    count, the hand-written query's median; both answers checked equal first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.accounts.models import User
    from mofan.orgs.models import Organisation
    from mofan.volunteer import selectors

    user = User.objects.get(username="bench-admin")
    root = Organisation.objects.get(grants__user=user)
    # The committee with the most activities in the year, for the subtree figure.
    committee = (
        Organisation.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .order_by("path")
        .first()
    )
    assert committee is not None
    start, end, label = selectors.period_bounds(str(YEAR), date(YEAR + 1, 6, 30))
    figures: dict[str, Any] = {"label": label}
    for name, under in (("city", None), ("committee", committee)):

        def ours(under: Organisation | None = under) -> selectors.Statistics:
            return selectors.statistics(actor=user, under=under, start=start, end=end)

        def by_hand(under: Organisation | None = under) -> tuple[Any, ...]:
            return _by_hand((under or root).path, start, end)

        with CaptureQueriesContext(connection) as ctx:
            got = ours()
        row = by_hand()
        mine = (
            got.wishes_posted,
            got.wishes_claimed,
            got.wishes_fulfilled,
            got.activities,
            got.person_times,
            Decimal(got.hours).quantize(Decimal("0.01")),
        )
        theirs = (*row[:5], Decimal(str(row[5] or 0)).quantize(Decimal("0.01")))
        assert mine == theirs, f"the lower bound gives {theirs}, the selector {mine}"
        p50, _ = _timed(ours, repeat)
        sql, _ = _timed(by_hand, repeat)
        figures[name] = {
            "p50": p50,
            "sql": sql,
            "queries": len(ctx.captured_queries),
            "figures": mine,
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--per-activity", type=int, default=15)
    parser.add_argument("--wishes", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure this many times, one after the other"
    )
    parser.add_argument(
        "--querysets",
        action="store_true",
        help="each round, also the four scoped querysets the selector used before its one "
        "statement (the tests' reference, tests/volunteer/test_statistics_sql.py)",
    )
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and "bench" not in os.environ["DATABASE_URL"]:
        parser.error("point DATABASE_URL at a database whose name contains 'bench'")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from mofan.volunteer.models import Participation

    if not Participation.objects.exists():
        t0 = time.perf_counter()
        build(
            organs=150,
            branches=1500,
            members=args.members,
            activities=args.activities,
            per_activity=args.per_activity,
            wishes=args.wishes,
        )
        print(f"  built in {time.perf_counter() - t0:.0f} s")
    from mofan.volunteer import selectors
    from mofan.volunteer.models import VolunteerActivity, Wish

    print(
        f"volunteer_stats_scale [{connection.vendor}] {VolunteerActivity.objects.count()} "
        f"activities, {Participation.objects.count()} participations, "
        f"{Wish.objects.count()} wishes; period {YEAR}年"
    )
    ours = selectors.statistics
    variants: list[tuple[str, Any]] = [("statistics", ours)]
    if args.querysets:
        from tests.volunteer.test_statistics_sql import _orm_statistics

        variants.append(("querysets", _orm_statistics))
    for _round in range(args.rounds):
        for label, fn in variants:
            selectors.statistics = fn  # type: ignore[assignment]
            f = measure(args.repeat)
            ok = True
            for name in ("city", "committee"):
                g = f[name]
                ratio = g["p50"] / g["sql"]
                ok = ok and g["p50"] <= 200 and ratio <= 1.5
                print(
                    f"  {name:9} {label} median {g['p50']:7.2f} ms, {g['queries']} queries; "
                    f"1 SQL {g['sql']:7.2f} ms; ratio {ratio:.2f}; figures {g['figures']}"
                )
            print(f"  {label}: ≤ 200 ms and ≤ 1.5× the SQL: {'yes' if ok else 'NO'}")
    selectors.statistics = ours
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-volunteer-stats"))
    raise SystemExit(main())
