"""Benchmark: the legal counsellors' page of a city — every appointment with its class hours
this year (delivered or confirmed sessions at that school taught by that person) and the
number of schools each person serves.

Scale: a city has about 200 primary and middle schools with 2–3 counsellors each. The default
here is 220 schools, 200 team members of one 模法师 project, 459 appointments (a few people at
three schools), and 12 sessions per appointment over two years (one in four undelivered):
about 5,500 orders with their lecturers.

Figure: median time of `lawedu.selectors.appointment_list` for a work-committee administrator
(the page's three queries), and its ratio to the lower bound — one hand-written SQL query
returning the same hours per appointment (checked equal before timing).

Run: `.venv/bin/python bench/counsellor_hours_scale.py` (SQLite under var/bench-counsellors),
or with DATABASE_URL naming a database whose name contains "bench" for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
YEAR = 2025
TODAY = date(YEAR, 12, 1)


def build(schools: int, people: int, sessions: int) -> int:
    """Rows written in bulk (the services are tested elsewhere; this is data). Returns the
    number of orders."""
    from django.db import connection, transaction
    from django.utils import timezone

    from mofan.accounts.models import Grant, Role, User
    from mofan.cobuild.models import (
        MenuTopic,
        Order,
        OrderFormat,
        OrderState,
        ProjectKind,
        ProjectMember,
        ServiceProject,
    )
    from mofan.lawedu.models import Appointment
    from mofan.members.synthetic import path_step as step
    from mofan.orgs.models import Organisation, OrgKind, PartnerKind, PartnerUnit

    rng = random.Random(32)
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        Appointment.objects.all().delete()
        Order.taught_by.through.objects.all().delete()
        for model in (Order, MenuTopic, ProjectMember, ServiceProject, PartnerUnit, Grant):
            model.objects.all().delete()
        User.objects.filter(username="bench-admin").delete()
        Organisation.objects.all().delete()
        root = Organisation.objects.create(
            name="基准工委", kind=OrgKind.WORK_COMMITTEE, path=step(1), depth=1, numchild=1
        )
        committee = Organisation.objects.create(
            name="基准司法局机关党委",
            kind=OrgKind.PARTY_COMMITTEE,
            path=root.path + step(1),
            depth=2,
            numchild=0,
        )
        project = ServiceProject.objects.create(
            org=committee,
            name="模法师",
            kind=ProjectKind.LEGAL_EDUCATION,
            formats=[OrderFormat.MOCK_TRIAL, OrderFormat.LECTURE],
        )
        topic = MenuTopic.objects.create(project=project, title="模拟法庭")
        units = PartnerUnit.objects.bulk_create(
            [
                PartnerUnit(name=f"第{n}中学", kind=PartnerKind.SCHOOL, org=committee)
                for n in range(1, schools + 1)
            ]
        )
        team = ProjectMember.objects.bulk_create(
            [
                ProjectMember(project=project, name=f"律师{n}", unit="律师事务所")
                for n in range(1, people + 1)
            ]
        )
        pairs: list[tuple[Any, Any]] = []
        for n, unit in enumerate(units):
            for k in range(2 if n % 12 else 3):
                pairs.append((team[(n * 3 + k * 7) % len(team)], unit))
        pairs = list(dict.fromkeys((p.pk, u.pk) for p, u in pairs))
        Appointment.objects.bulk_create(
            [
                Appointment(
                    person_id=p,
                    partner_id=u,
                    starts_on=date(YEAR - 2, 9, 1),
                    ends_on=date(YEAR + 3, 8, 31),
                )
                for p, u in pairs
            ]
        )
        orders, lecturers = [], []
        for p, u in pairs:
            for s in range(sessions):
                at = datetime(YEAR - 1, 3, 1, 15, tzinfo=zone) + timedelta(
                    days=rng.randrange(0, 640)
                )
                state = OrderState.SCHEDULED if s % 4 == 3 else OrderState.DELIVERED
                orders.append(
                    Order(
                        project=project,
                        topic=topic,
                        partner_id=u,
                        format=OrderFormat.MOCK_TRIAL,
                        state=state,
                        audience="初二年级",
                        audience_size=40,
                        venue="报告厅",
                        ordered_at=at - timedelta(days=20),
                        scheduled_at=at,
                        delivered_at=at if state == OrderState.DELIVERED else None,
                        team=committee,
                    )
                )
                lecturers.append(p)
        created = Order.objects.bulk_create(orders, batch_size=2000)
        Order.taught_by.through.objects.bulk_create(
            [
                Order.taught_by.through(order_id=o.pk, projectmember_id=p)
                for o, p in zip(created, lecturers, strict=True)
            ],
            batch_size=5000,
        )
        user = User.objects.create(username="bench-admin", must_change_password=False)
        Grant.objects.create(
            user=user,
            role=Role.objects.get(code="work_committee_admin"),
            org=root,
            include_subtree=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(created)


def _lower_bound() -> dict[int, int]:
    from django.db import connection
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    start, end = datetime(YEAR, 1, 1, tzinfo=zone), datetime(YEAR + 1, 1, 1, tzinfo=zone)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, COUNT(o.id) FROM lawedu_appointment a "
            "LEFT JOIN cobuild_order_taught_by t ON t.projectmember_id = a.person_id "
            "LEFT JOIN cobuild_order o ON o.id = t.order_id AND o.partner_id = a.partner_id "
            "AND o.state IN ('delivered', 'confirmed') "
            "AND o.delivered_at >= %s AND o.delivered_at < %s "
            "GROUP BY a.id",
            [start, end],
        )
        return dict(cursor.fetchall())


def measure(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.accounts.models import User
    from mofan.lawedu.selectors import appointment_list

    def ours() -> dict[int, int]:
        admin = User.objects.get(username="bench-admin")  # grants read afresh every time
        return {a.pk: a.hours for a in appointment_list(actor=admin, today=TODAY)}  # type: ignore[attr-defined]

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
        raise SystemExit("appointment_list and the hand-written SQL disagree")
    return {
        "appointments": len(hours),
        "hours": sum(hours.values()),
        "queries": len(ctx.captured_queries) - 1,  # without reading the user
        "p50": ours_time,
        "sql_p50": bound_time,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=220)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=12, help="per appointment")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and "bench" not in os.environ["DATABASE_URL"]:
        parser.error("point DATABASE_URL at a database whose name contains 'bench'")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from mofan.accounts.services import roles_ensure_builtin

    roles_ensure_builtin()
    orders = build(args.schools, args.people, args.sessions)
    figures = measure(args.repeat)
    from django.db import connection

    print(
        f"counsellor_hours_scale [{connection.vendor}] appointments={figures['appointments']} "
        f"orders={orders} hours={figures['hours']}"
    )
    print(
        f"  appointment_list median {figures['p50'] * 1000:8.1f} ms ({figures['queries']} queries)"
    )
    print(f"  lower bound (1 SQL)     {figures['sql_p50'] * 1000:8.1f} ms")
    print(f"  ratio                   {figures['p50'] / figures['sql_p50']:8.2f}")
    return 0


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-counsellors"))
    raise SystemExit(main())
