"""Benchmark: the organisation tree page's selector at a city's scale.

Scale (DOMAIN_RULES.md §8): a city's 市直机关 has 10²–10³ branches and 10⁴ members; the default
here is 60 party committees, 1,200 branches, 2,400 party groups and 24,000 members.

Figure: median time of `org_tree` (scope filter, subtree member counts, nesting) for the work
committee administrator, and its ratio to the lower bound — one hand-written SQL query that
returns the same organisations with their own member counts (no roll-up, no nesting).

Run: `make bench` (SQLite under var/bench) or with DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")


def build(committees: int, branches_per: int, members_per: int) -> None:
    """Synthetic rows written in bulk (the services are measured elsewhere; this is data)."""
    from django.db import transaction

    from mofan.accounts.models import Grant, Role, User
    from mofan.members.models import Member
    from mofan.members.synthetic import path_step as step
    from mofan.orgs.models import Organisation, OrgKind

    with transaction.atomic():
        Grant.objects.all().delete()
        Member.objects.all().delete()
        Organisation.objects.all().delete()
        rows = [
            Organisation(
                name="基准工委",
                kind=OrgKind.WORK_COMMITTEE,
                path=step(1),
                depth=1,
                numchild=committees,
            )
        ]
        for c in range(1, committees + 1):
            cpath = step(1) + step(c)
            rows.append(
                Organisation(
                    name=f"机关党委{c}",
                    kind=OrgKind.PARTY_COMMITTEE,
                    path=cpath,
                    depth=2,
                    numchild=branches_per,
                )
            )
            for b in range(1, branches_per + 1):
                bpath = cpath + step(b)
                rows.append(
                    Organisation(
                        name=f"机关党委{c}第{b}支部",
                        kind=OrgKind.BRANCH,
                        path=bpath,
                        depth=3,
                        numchild=2,
                    )
                )
                for g in (1, 2):
                    rows.append(
                        Organisation(
                            name=f"党委{c}支部{b}党小组{g}",
                            kind=OrgKind.GROUP,
                            path=bpath + step(g),
                            depth=4,
                            numchild=0,
                        )
                    )
        Organisation.objects.bulk_create(rows, batch_size=2000)
        branches = list(
            Organisation.objects.filter(kind=OrgKind.BRANCH).values_list("pk", flat=True)
        )
        Member.objects.bulk_create(
            [
                Member(full_name=f"党员{b}-{i}", org_id=b)
                for b in branches
                for i in range(members_per)
            ],
            batch_size=5000,
        )
        user, _ = User.objects.get_or_create(username="bench-admin")
        Grant.objects.create(
            user=user,
            role=Role.objects.get(code="work_committee_admin"),
            org=Organisation.objects.get(depth=1),
            include_subtree=True,
        )


def measure(repeat: int) -> tuple[float, float, int]:
    from django.db import connection

    from mofan.accounts.models import User
    from mofan.orgs.selectors import org_tree

    def selector() -> int:
        user = User.objects.get(username="bench-admin")
        roots = org_tree(actor=user)
        return roots[0].member_count

    def lower_bound() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT o.id, o.name, o.path, o.depth, o.kind, COUNT(m.id) "
                "FROM orgs_organisation o LEFT JOIN members_member m "
                "ON m.org_id = o.id AND m.archived_at IS NULL "
                "WHERE o.archived_at IS NULL GROUP BY o.id, o.name, o.path, o.depth, o.kind "
                "ORDER BY o.path"
            )
            return sum(row[5] for row in cursor.fetchall())

    def timed(fn) -> tuple[float, int]:  # type: ignore[no-untyped-def]
        samples, result = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), result

    selector()  # warm
    ours, total = timed(selector)
    bound, bound_total = timed(lower_bound)
    if total != bound_total:
        raise SystemExit(f"selector counted {total} members, the SQL {bound_total}")
    return ours, bound, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--committees", type=int, default=60)
    parser.add_argument("--branches", type=int, default=20, help="branches per committee")
    parser.add_argument("--members", type=int, default=20, help="members per branch")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--wipe-database",
        action="store_true",
        help="required with DATABASE_URL: the benchmark empties the tree",
    )
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and not args.wipe_database:
        parser.error(
            "DATABASE_URL is set and the benchmark deletes every organisation, member "
            "and grant there; pass --wipe-database if that database is disposable"
        )

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    build(args.committees, args.branches, args.members)
    ours, bound, total = measure(args.repeat)
    from django.db import connection

    orgs = 1 + args.committees * (1 + args.branches * 3)
    print(f"tree_scale [{connection.vendor}] organisations={orgs} members={total}")
    print(f"  org_tree median      {ours * 1000:8.1f} ms")
    print(f"  lower bound (1 SQL)  {bound * 1000:8.1f} ms")
    print(f"  ratio                {ours / bound:8.2f}")
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench"))
    raise SystemExit(main())
