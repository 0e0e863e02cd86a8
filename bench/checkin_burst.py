"""Benchmark: a check-in burst — 1,000 members of one branch checking in to one meeting from
50 concurrent clients, against gunicorn on 127.0.0.1 started here as a subprocess.

Each member's phone holds a signed-in session (made server-side, as `login` would make it,
without 1,000 Argon2 hashes), opens the check-in URL for the meeting's current token (GET, the
confirmation page) and confirms (POST). Afterwards the database must hold exactly one present
attendance row with a check-in time per member and one check-in audit event per member, and
the audit hash chain must verify: none lost, none doubled.

Figures: p50/p95/p99 of the check-in (POST) and of the page (GET), throughput, and the ratio to
the lower bound — a bare Django view on the same gunicorn, behind the same middleware and
sessions, doing one trivial read (GET) and one trivial write (POST)
(`bench/checkin_urls.py`), driven by the same clients in the same pattern.

Run: `make bench` (SQLite under var/bench-checkin), or with DATABASE_URL naming a PostgreSQL
database whose name contains 'bench'. Target: p99 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
from bench._http import (  # noqa: E402
    CSRF_FIELD,
    cookie,
    percentiles,
    signed_in_sessions,
    start_server,
)

BRANCH_NAME = "签到基准支部"
PORTS = range(8700, 8800)


def setup(members: int) -> tuple[int, list[str]]:
    """The branch and its members with linked logins (made once), a new meeting open for
    check-in now with every member expected, and one fresh signed-in session per member.
    Returns the meeting's id and the session keys."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from mofan.accounts.models import User, UserSession
    from mofan.members.models import Member
    from mofan.members.synthetic import path_step
    from mofan.orglife.models import Attendance, Meeting, MeetingKind
    from mofan.orgs.models import Organisation, OrgKind

    now = timezone.now()
    with transaction.atomic():
        branch = Organisation.objects.filter(name=BRANCH_NAME).first()
        if branch is None:
            roots = Organisation.objects.filter(depth=1).count()
            branch = Organisation.objects.create(
                name=BRANCH_NAME, kind=OrgKind.BRANCH, path=path_step(roots + 1), depth=1
            )
        have = Member.objects.filter(org=branch, user__isnull=False).count()
        if have != members:
            UserSession.objects.filter(user__username__startswith="checkin-").delete()
            Member.objects.filter(org=branch).delete()
            User.objects.filter(username__startswith="checkin-").delete()
            unusable = make_password(None)
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"checkin-{i:05d}",
                        password=unusable,  # these logins never type a password
                        must_change_password=False,
                        password_changed_at=now,
                    )
                    for i in range(members)
                ],
                batch_size=2000,
            )
            users = list(User.objects.filter(username__startswith="checkin-").order_by("pk"))
            Member.objects.bulk_create(
                [
                    Member(full_name=f"签到{i:05d}", name_pinyin=f"qd{i:05d}", org=branch, user=u)
                    for i, u in enumerate(users)
                ],
                batch_size=2000,
            )
        start = now - timedelta(minutes=5)
        meeting = Meeting.objects.create(
            org=branch,
            kind=MeetingKind.THEMED_PARTY_DAY,
            topic="签到压力测试",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        linked = list(Member.objects.filter(org=branch).select_related("user").order_by("pk"))
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m) for m in linked], batch_size=2000
        )
        keys = signed_in_sessions((m.user for m in linked), now)
    return meeting.pk, keys


@dataclass
class Burst:
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu: float = 0.0  # seconds of CPU the clients themselves used (they share the machine)
    counted: int = 0
    failures: list[str] = field(default_factory=list)


def burst(port: int, keys: list[str], clients: int, url_for: Any, ok: bytes) -> Burst:
    """Every session opens its URL and confirms, from `clients` threads at once."""
    result = Burst()
    lock = threading.Lock()

    def phone(key: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        url = url_for()
        cookies = f"sessionid={key}"
        try:
            t0 = time.perf_counter()
            conn.request("GET", url, headers={"Cookie": cookies})
            response = conn.getresponse()
            page = response.read()
            t1 = time.perf_counter()
            found = CSRF_FIELD.search(page)
            if response.status != 200 or not found:
                raise RuntimeError(f"GET {response.status} {page[:200]!r}")
            cookies += f"; csrftoken={cookie(response, 'csrftoken')}"
            body = urlencode({"csrfmiddlewaretoken": found.group(1).decode()})
            t2 = time.perf_counter()
            conn.request(
                "POST",
                url,
                body=body,
                headers={
                    "Cookie": cookies,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = conn.getresponse()
            page = response.read()
            t3 = time.perf_counter()
            if response.status != 200:
                raise RuntimeError(f"POST {response.status} {page[:200]!r}")
            with lock:
                result.get_ms.append((t1 - t0) * 1000)
                result.post_ms.append((t3 - t2) * 1000)
                result.counted += ok in page
        except (OSError, RuntimeError, http.client.HTTPException) as exc:
            with lock:
                result.failures.append(f"{key[:6]}: {exc}")
        finally:
            conn.close()

    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(phone, keys))
    result.seconds = time.perf_counter() - start
    result.client_cpu = time.process_time() - cpu
    return result


def verify(meeting_id: int, members: int) -> dict[str, Any]:
    from mofan.core.audit import audit_verify
    from mofan.core.models import AuditEvent
    from mofan.orglife.models import Attendance, AttendanceStatus

    rows = Attendance.objects.filter(meeting_id=meeting_id)
    return {
        "rows": rows.count(),
        "present": rows.filter(
            status=AttendanceStatus.PRESENT, checked_in_at__isnull=False
        ).count(),
        "audit": AuditEvent.objects.filter(
            action="orglife.attendance.check_in",
            target_type="orglife.meeting",
            target_id=str(meeting_id),
        ).count(),
        "chain_ok": audit_verify().ok,
        "members": members,
    }


def run(members: int, clients: int, workers: int) -> dict[str, Any]:
    """Set up, start the server, burst against the bare view and then the check-in, check the
    database, stop the server. Returns the figures."""
    from mofan.core import checkin
    from mofan.orglife.views import CHECKIN_KIND

    meeting_id, keys = setup(members)
    server, port = start_server(workers, PORTS)
    try:
        # Warm every worker (imports, connections, templates) on the bare view.
        burst(port, keys[: workers * 4], clients, lambda: "/bench-bare/", b"written")
        bare = burst(port, keys, clients, lambda: "/bench-bare/", b"written 1")

        def checkin_url() -> str:
            # Made at the moment of scanning, as the screen shows it (a new one every 30 s).
            return f"/orglife/check-in/{checkin.make_token(CHECKIN_KIND, meeting_id)}/"

        ours = burst(port, keys, clients, checkin_url, "签到成功".encode())
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"ours": ours, "bare": bare, "db": verify(meeting_id, members)}


def report(figures: dict[str, Any], members: int, clients: int, workers: int) -> bool:
    from django.db import connection

    ours, bare, db = figures["ours"], figures["bare"], figures["db"]
    print(
        f"checkin_burst [{connection.vendor}] members={members} clients={clients} "
        f"gunicorn workers={workers}"
    )
    for label, run_ in (("check-in", ours), ("bare view", bare)):
        for verb, samples in (("POST", run_.post_ms), ("GET ", run_.get_ms)):
            p50, p95, p99 = percentiles(samples)
            print(f"  {label:9} {verb} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
        rate = len(run_.post_ms) / run_.seconds if run_.seconds else 0.0
        print(
            f"  {label:9} {rate:6.1f} check-ins/s ({run_.seconds:.1f} s for {members}; "
            f"the clients used {run_.client_cpu:.1f} s of CPU)"
        )
    ours_p99 = percentiles(ours.post_ms)[2]
    bare_p99 = percentiles(bare.post_ms)[2]
    print(
        f"  ratio to the bare view: POST p99 {ours_p99 / bare_p99:.2f}, "
        f"POST p50 {percentiles(ours.post_ms)[0] / percentiles(bare.post_ms)[0]:.2f}, "
        f"throughput {bare.seconds / ours.seconds:.2f}"
    )
    print(
        f"  database: {db['present']} present with check-in time of {db['rows']} rows, "
        f"{db['audit']} check-in audit events, {ours.counted} answered 'checked in', "
        f"chain {'verifies' if db['chain_ok'] else 'BROKEN'}"
    )
    for failure in (ours.failures + bare.failures)[:5]:
        print(f"  failure: {failure}")
    correct = (
        db["present"] == db["rows"] == db["audit"] == ours.counted == members
        and db["chain_ok"]
        and not ours.failures
        and not bare.failures
    )
    p99 = max(ours_p99, percentiles(ours.get_ms)[2])
    print(
        f"  none lost, none doubled: {'yes' if correct else 'NO'}; "
        f"p99 ≤ 300 ms: {'yes' if p99 <= 300 else 'NO'} ({p99:.0f} ms)"
    )
    return correct


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and "bench" not in os.environ["DATABASE_URL"]:
        parser.error("point DATABASE_URL at a database whose name contains 'bench'")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures = run(args.members, args.clients, args.workers)
    return 0 if report(figures, args.members, args.clients, args.workers) else 1


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-checkin"))
    raise SystemExit(main())
