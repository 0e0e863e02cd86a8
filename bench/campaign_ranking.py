"""Benchmark: the ranking of a large case campaign.

Scale (DOMAIN_RULES.md §8): a city's 市直机关 has 10²–10³ branches. The default here is a
campaign with 600 cases (one per branch), each scored by 5 of 20 experts on 4 weighted
criteria: 3,000 reviews and 12,000 scores.

Figure: median time of `campaigns.selectors.ranking` (weighted means, spread, shared ranks and
award shares), and its ratio to the lower bound — one hand-written SQL query giving each case's
mean, lowest and highest review total, best first.

Run: `make bench` (SQLite under var/bench-campaigns) or with DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")


def build(cases: int, experts: int, per_case: int) -> Any:
    """Synthetic rows written in bulk (the services are tested elsewhere; this is data).
    Returns the campaign."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from mofan.accounts.models import User
    from mofan.campaigns.models import (
        DEFAULT_SCORE_CATEGORIES,
        Campaign,
        CampaignPhase,
        Review,
        Score,
        ScoreCategory,
        Submission,
        SubmissionState,
    )
    from mofan.members.synthetic import path_step as step
    from mofan.orgs.models import Organisation, OrgKind

    now = timezone.now()
    with transaction.atomic():
        Score.objects.all().delete()
        Review.objects.all().delete()
        Submission.objects.all().delete()
        Campaign.objects.all().delete()
        User.objects.filter(username__startswith="bench-expert-").delete()
        Organisation.objects.all().delete()
        root = Organisation.objects.create(
            name="基准工委", kind=OrgKind.WORK_COMMITTEE, path=step(1), depth=1, numchild=cases
        )
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"第{b}支部",
                    kind=OrgKind.BRANCH,
                    path=root.path + step(b),
                    depth=2,
                    numchild=0,
                )
                for b in range(1, cases + 1)
            ],
            batch_size=2000,
        )
        campaign = Campaign.objects.create(
            org=root,
            title="基准案例征集",
            categories=["党建+业务"],
            sections=["背景与起因"],
            deadline=now - timedelta(days=1),
            tiers=[{"name": "最佳", "share": 10}, {"name": "优秀", "share": 20}],
            phase=CampaignPhase.DECIDING,
        )
        criteria = ScoreCategory.objects.bulk_create(
            [
                ScoreCategory(campaign=campaign, name=n, weight=Decimal(w), position=i)
                for i, (n, w) in enumerate(DEFAULT_SCORE_CATEGORIES)
            ]
        )
        orgs = list(Organisation.objects.filter(depth=2).order_by("path"))
        subs = Submission.objects.bulk_create(
            [
                Submission(
                    campaign=campaign,
                    org=org,
                    category="党建+业务",
                    title=f"案例{i}",
                    sections=[{"heading": "背景与起因", "html": "<p>内容</p>"}],
                    state=SubmissionState.SUBMITTED,
                    code=f"A-{i:04d}",
                    submitted_at=now,
                )
                for i, org in enumerate(orgs, start=1)
            ],
            batch_size=2000,
        )
        people = User.objects.bulk_create(
            [
                User(username=f"bench-expert-{e}", full_name=f"专家{e}", password="!")  # noqa: S106 - an unusable password
                for e in range(experts)
            ]
        )
        reviews = []
        values: list[list[Decimal]] = []
        weights = [c.weight for c in criteria]
        for i, sub in enumerate(subs):
            for k in range(per_case):
                marks = [Decimal(60 + (i * 7 + k * 11 + j * 5) % 40) for j in range(len(criteria))]
                total = sum(w * m for w, m in zip(weights, marks, strict=True)) / sum(weights)
                reviews.append(
                    Review(
                        submission=sub,
                        reviewer=people[(i + k) % experts],
                        scored_at=now,
                        total=total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                    )
                )
                values.append(marks)
        reviews = Review.objects.bulk_create(reviews, batch_size=5000)
        Score.objects.bulk_create(
            [
                Score(review=review, category=criterion, value=mark)
                for review, marks in zip(reviews, values, strict=True)
                for criterion, mark in zip(criteria, marks, strict=True)
            ],
            batch_size=5000,
        )
    return campaign


def _lower_bound(campaign_id: int) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.submission_id, AVG(r.total), MIN(r.total), MAX(r.total) "
            "FROM campaigns_review r "
            "JOIN campaigns_submission s ON s.id = r.submission_id "
            "WHERE s.campaign_id = %s AND s.state = 'submitted' AND r.scored_at IS NOT NULL "
            "GROUP BY r.submission_id ORDER BY AVG(r.total) DESC, r.submission_id",
            [campaign_id],
        )
        two = Decimal("0.01")
        return [
            (
                pk,
                Decimal(str(mean)).quantize(two, rounding=ROUND_HALF_UP),
                Decimal(str(low)).quantize(two),
                Decimal(str(high)).quantize(two),
            )
            for pk, mean, low, high in cursor.fetchall()
        ]


def measure(campaign: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.campaigns.selectors import ranking

    def ours() -> list[tuple[int, Decimal, Decimal, Decimal]]:
        result = ranking(campaign=campaign)
        return [
            (r.submission.pk, r.ranked.mean, r.ranked.low, r.ranked.high)  # type: ignore[misc]
            for r in result.rows
        ]

    def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
        samples, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), result

    with CaptureQueriesContext(connection) as ctx:
        ours()  # warm, and count the queries
    ours_time, rows = timed(ours)
    bound_time, bound = timed(lambda: _lower_bound(campaign.pk))
    means = [mean for _pk, mean, _low, _high in rows]
    if sorted(rows) != sorted(bound) or means != sorted(means, reverse=True):
        raise SystemExit("ranking and the hand-written SQL disagree")
    return {
        "cases": len(rows),
        "queries": len(ctx.captured_queries),
        "p50": ours_time,
        "sql_p50": bound_time,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--experts", type=int, default=20)
    parser.add_argument("--per-case", type=int, default=5, help="reviews per case")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--wipe-database",
        action="store_true",
        help="required with DATABASE_URL: the benchmark empties the tree and the campaigns",
    )
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and not args.wipe_database:
        parser.error(
            "DATABASE_URL is set and the benchmark deletes every organisation and campaign "
            "there; pass --wipe-database if that database is disposable"
        )

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    campaign = build(args.cases, args.experts, args.per_case)
    figures = measure(campaign, args.repeat)
    from django.db import connection

    print(
        f"campaign_ranking [{connection.vendor}] cases={figures['cases']} "
        f"reviews={figures['cases'] * args.per_case}"
    )
    print(f"  ranking median       {figures['p50'] * 1000:8.1f} ms ({figures['queries']} queries)")
    print(f"  lower bound (1 SQL)  {figures['sql_p50'] * 1000:8.1f} ms")
    print(f"  ratio                {figures['p50'] / figures['sql_p50']:8.2f}")
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-campaigns"))
    raise SystemExit(main())
