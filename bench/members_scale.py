"""Benchmarks for member records at a city's scale (default 30,000 members, 1,500 branches,
150 organs; DOMAIN_RULES.md §8).

(a) the member list filtered to one organ's subtree with a 拼音 search: server time p50/p95 and
    query count of the page, beside three comparisons, each as a ratio:
    (i)  the page's data work (selector, pager count, page, row values; no HTTP, no HTML)
         against one hand-written SQL query returning the same rows, columns and count;
    (ii) the page against a bare Django view on the same server (same middleware and session)
         that runs that SQL and writes the same rows, columns and count without templates;
    (iii) the page against the SQL alone (not the same answer: shown for continuity).
(b) importing a 30,000-row roster (check + commit): time and peak memory, in a child process.

Run: `make bench`. Targets (issue 3): list p95 ≤ 60 ms and ≤ 3× the lower bound, query count
independent of data size; import ≤ 30 s with peak RSS ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
ROOT_NAME = "合成市市直机关工委"


def setup(members: int, branches: int, organs: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from mofan.accounts.models import Grant, Role, User
    from mofan.members.models import Member
    from mofan.members.synthetic import CitySize, build_city
    from mofan.orgs.models import Organisation

    root = Organisation.objects.filter(depth=1, name=ROOT_NAME).first()
    if root is None or Member.objects.filter(org__path__startswith=root.path).count() != members:
        if root is not None:
            raise SystemExit("the bench database holds another size; remove var/bench-members")
        root = build_city(size=CitySize(organs=organs, branches=branches, members=members))
    from mofan.core.tasks import refresh_planner_statistics

    refresh_planner_statistics(full=True)
    user, created = User.objects.get_or_create(
        username="bench-admin", defaults={"must_change_password": False}
    )
    if created:
        user.set_password("Bench-pass-2026")
        user.save()
        Grant.objects.create(
            user=user,
            role=Role.objects.get(code="work_committee_admin"),
            org=root,
            include_subtree=True,
        )


def settings_urlconf() -> str:
    from django.conf import settings

    return str(settings.ROOT_URLCONF)


def list_benchmark(repeat: int, query: str) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mofan.accounts.models import User
    from mofan.orgs.models import Organisation, OrgKind

    user = User.objects.get(username="bench-admin")
    organ_committee = Organisation.objects.filter(kind=OrgKind.PARTY_COMMITTEE).order_by("path")[
        len(Organisation.objects.filter(kind=OrgKind.PARTY_COMMITTEE)) // 2
    ]
    client = Client()
    client.force_login(user)
    url = f"/members/?org={organ_committee.pk}&q={query}"
    client.get(url)  # warm

    def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    queries = len(ctx.captured_queries)
    page = timed(lambda: client.get(url))

    # The same answer by hand: the page of 20 rows with every column the page shows (name,
    # leading cadre, gender, birth and joining dates for age and standing, status, branch,
    # group, masked mobile) and the total the pager shows, in one query.
    from mofan.core.paths import PATH_MAX, PINYIN_MAX

    sql = (
        "SELECT m.id, m.full_name, m.is_leading_cadre, m.gender, m.birth_date, m.joined_on, "
        "m.status, o.name, g.name, m.mobile_masked, COUNT(*) OVER () "
        "FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id "
        "LEFT JOIN orgs_organisation g ON g.id = m.group_id "
        "WHERE o.path >= %s AND o.path <= %s AND m.archived_at IS NULL "
        "AND ((m.name_initials >= %s AND m.name_initials <= %s) "
        "OR (m.name_pinyin >= %s AND m.name_pinyin <= %s)) "
        "ORDER BY m.name_pinyin, m.id LIMIT 20"
    )
    high = query + "z" * (PINYIN_MAX - len(query))
    path = organ_committee.path
    params = [path, path + "Z" * (PATH_MAX - len(path)), query, high, query, high]

    def raw() -> list[tuple]:  # type: ignore[type-arg]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    bound = timed(raw)

    # The page's own data work without HTTP or templates: the selector (its page of rows and
    # the total) and the values each row shows.
    from django.utils import timezone

    from mofan.members.models import Gender, MemberStatus
    from mofan.members.rules import whole_years
    from mofan.members.selectors import MemberFilters, member_page

    genders, statuses = dict(Gender.choices), dict(MemberStatus.choices)

    def data() -> list[tuple]:  # type: ignore[type-arg]
        found, total, _number = member_page(
            actor=user, filters=MemberFilters(org=organ_committee, query=query), number=1
        )
        today = timezone.localdate()
        return [
            (
                m.pk,
                m.full_name,
                m.is_leading_cadre,
                genders.get(m.gender, m.gender),
                whole_years(m.birth_date, today),
                whole_years(m.joined_on, today),
                statuses.get(m.status, m.status),
                m.branch,
                m.group,
                m.mobile_masked,
                total,
            )
            for m in found
        ]

    with CaptureQueriesContext(connection) as data_ctx:
        ours = data()
    data_queries = len(data_ctx.captured_queries)
    theirs = raw()
    assert [r[0] for r in ours] == [r[0] for r in theirs], "not the same rows"
    assert not ours or ours[0][-1] == theirs[0][-1], "not the same count"
    data_times = timed(data)

    # A bare Django view on the same server: the same middleware and session, the same SQL,
    # every column of every row and the count written out without templates, forms or layout.
    from django.http import HttpResponse
    from django.urls import path as url_path
    from django.utils.html import escape

    def bare(request):  # type: ignore[no-untyped-def]
        rows = raw()
        total = rows[0][-1] if rows else 0
        return HttpResponse(
            f"<p>{total}</p><table>"
            + "".join(
                "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row[1:-1]) + "</tr>"
                for row in rows
            )
            + "</table>"
        )

    urls = sys.modules[settings_urlconf()]
    if not any(getattr(p, "name", "") == "bench-bare" for p in urls.urlpatterns):
        urls.urlpatterns.append(url_path("bench-bare/", bare, name="bench-bare"))
        from django.urls import clear_url_caches

        clear_url_caches()
    client.get("/bench-bare/")
    bare_times = timed(lambda: client.get("/bench-bare/"))

    p = statistics.quantiles
    return {
        "queries": queries,
        "p50": statistics.median(page),
        "p95": p(page, n=20)[18],
        "sql_p50": statistics.median(bound),
        "bare_p50": statistics.median(bare_times),
        "data_p50": statistics.median(data_times),
        "data_queries": data_queries,
    }


def import_child(rows: int) -> None:
    """Runs in its own process so that its peak memory is its own."""
    import django

    django.setup()
    from mofan.accounts.models import User
    from mofan.members.imports import roster_plan
    from mofan.members.services import member_import_commit
    from mofan.orgs.models import Organisation, OrgKind
    from tests.conftest import an_id, roster_sheet

    user = User.objects.get(username="bench-admin")
    target = Organisation.objects.filter(kind=OrgKind.BRANCH).order_by("path").first()
    assert target is not None
    data = roster_sheet(
        [["姓名", "身份证号", "入党时间", "学历"]]
        + [
            [
                f"导入{i}",
                an_id(
                    __import__("datetime").date(1960 + i % 25, 1 + i % 12, 1 + i % 28),
                    region=f"62{9000 + i // 1000:04d}",
                    seq=i % 500,
                ),
                "2005.7.1",
                "大学本科",
            ]
            for i in range(rows)
        ]
    )
    start = time.perf_counter()
    plan = roster_plan(actor=user, target=target, upload=io.BytesIO(data))
    checked = time.perf_counter() - start
    if plan.errors:
        raise SystemExit(f"unexpected errors: {plan.errors[:3]}")
    from django.db import transaction

    with transaction.atomic():
        member_import_commit(actor=user, target=target, plan=plan)
        total = time.perf_counter() - start
        transaction.set_rollback(True)  # leave the bench database as it was
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{checked:.2f} {total:.2f} {rss:.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--branches", type=int, default=1500)
    parser.add_argument("--organs", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--query", default="zh")
    parser.add_argument("--import-rows", type=int, default=30_000)
    parser.add_argument("--import-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_child:
        import_child(args.import_child)
        return 0
    if os.environ.get("DATABASE_URL") and "bench" not in os.environ["DATABASE_URL"]:
        parser.error("point DATABASE_URL at a database whose name contains 'bench'")
    setup(args.members, args.branches, args.organs)
    from django.db import connection

    figures = list_benchmark(args.repeat, args.query)
    print(
        f"members_scale [{connection.vendor}] members={args.members} "
        f"branches={args.branches} organs={args.organs}"
    )
    print(
        f"  list (one organ's subtree, q={args.query!r}): p50 {figures['p50']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, {figures['queries']} queries"
    )
    print(
        f"  (i) data: selector (rows and total) + row values p50 {figures['data_p50']:.2f} ms "
        f"({figures['data_queries']} queries) vs 1 SQL, same rows, columns and count: "
        f"p50 {figures['sql_p50']:.2f} ms   ratio {figures['data_p50'] / figures['sql_p50']:.1f}"
    )
    print(
        f"  (ii) page vs bare Django view (same middleware, session, rows, columns, count): "
        f"p50 {figures['bare_p50']:.2f} ms   ratio {figures['p50'] / figures['bare_p50']:.1f}"
    )
    print(
        f"  (iii) page vs 1 SQL (not the same answer: no HTTP, no HTML): "
        f"ratio {figures['p50'] / figures['sql_p50']:.0f}"
    )
    if args.import_rows:
        out = subprocess.run(
            [sys.executable, __file__, "--import-child", str(args.import_rows)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        ).stdout.split()
        checked, total, rss = (float(x) for x in out[-3:])
        print(
            f"  import {args.import_rows} rows: check {checked:.1f} s, check+commit "
            f"{total:.1f} s, peak RSS {rss:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-members"))
    raise SystemExit(main())
