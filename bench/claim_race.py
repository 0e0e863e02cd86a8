"""Benchmark: the claim race — 50 members claim ONE published micro-wish at the same moment,
against gunicorn on 127.0.0.1 started here as a subprocess; repeated over several wishes.

Each client is a different member with a signed-in session (made server-side). It opens the
wish's page (GET, for the form's CSRF token), waits for the others, then all press 认领 at once
(POST `volunteer:wish_act`, `step=claim`); once every claim is answered, each follows its
redirect to read the message the view left (the follow-up pages would otherwise queue with the
claims still waiting, which the bare view, answering at once, does not have). Exactly one must
win each wish and the 49 others be told "该心愿已被他人认领。".
Afterwards the database must agree: every wish claimed exactly once by one of its own clients,
one `volunteer.wish.claim` audit event per wish, and the audit chain verifies.

Figures: p50/p95/p99 of the claim (POST) over every round, of the follow-up page, and the
ratio to the lower bound — a bare Django view on the same gunicorn, behind the same middleware
and sessions, doing one trivial conditional UPDATE of the wish (`bench/checkin_urls.py`),
raced by the same clients in the same pattern on wishes of its own.

Run: `make bench` (SQLite under var/bench-claim), or with DATABASE_URL naming a PostgreSQL
database whose name contains 'bench'. Target: exactly one winner, p99 ≤ 300 ms.
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

BRANCH_NAME = "认领基准支部"
COMMUNITY_NAME = "认领基准社区"
PORTS = range(8800, 8900)
WON = "认领成功".encode()
TAKEN = "该心愿已被他人认领".encode()
NOT_OPEN = "不在待认领".encode()


@dataclass
class Setup:
    ours: list[int]  # the wishes raced through the real view, one per round
    bare: list[int]  # the wishes raced through the bare view
    keys: list[list[str]]  # per round, one session per client
    members: list[list[int]]  # per round, the clients' member ids


def setup(rounds: int, clients: int) -> Setup:
    """A branch with rounds × clients members with linked logins (made once; every client of
    every round is a different member, so nobody reaches the open-claims limit), a community
    it looks after, and 2 × rounds new published wishes. One fresh session per member."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from mofan.accounts.models import User
    from mofan.members.models import Member
    from mofan.members.synthetic import path_step
    from mofan.orgs.models import Organisation, OrgKind, PartnerUnit
    from mofan.volunteer.models import Wish, WishStatus

    now = timezone.now()
    people = rounds * clients
    with transaction.atomic():
        branch = Organisation.objects.filter(name=BRANCH_NAME).first()
        if branch is None:
            roots = Organisation.objects.filter(depth=1).count()
            branch = Organisation.objects.create(
                name=BRANCH_NAME, kind=OrgKind.BRANCH, path=path_step(roots + 1), depth=1
            )
        community = PartnerUnit.objects.filter(name=COMMUNITY_NAME).first()
        if community is None:
            community = PartnerUnit.objects.create(
                name=COMMUNITY_NAME, kind="community", org=branch
            )
        have = User.objects.filter(username__startswith="claim-").count()
        if have < people:  # more members than an earlier run made (none is ever removed)
            unusable = make_password(None)
            User.objects.bulk_create(
                [
                    User(
                        username=f"claim-{i:05d}",
                        password=unusable,  # these logins never type a password
                        must_change_password=False,
                        password_changed_at=now,
                    )
                    for i in range(have, people)
                ],
                batch_size=2000,
            )
            users = User.objects.filter(username__startswith="claim-", member__isnull=True)
            Member.objects.bulk_create(
                [
                    Member(
                        full_name=f"认领{u.username[6:]}",
                        name_pinyin=f"rl{u.username[6:]}",
                        org=branch,
                        user=u,
                    )
                    for u in users.order_by("pk")
                ],
                batch_size=2000,
            )
        wishes = Wish.objects.bulk_create(
            [
                Wish(
                    community=community,
                    beneficiary="王奶奶",
                    title=f"助行器 {i + 1}",
                    estimated_value=300,
                    deadline=timezone.localdate() + timedelta(days=30),
                    status=WishStatus.PUBLISHED,
                    published_at=now,
                )
                for i in range(2 * rounds)
            ]
        )
        ids = sorted(w.pk for w in wishes) if all(w.pk for w in wishes) else []
        if not ids:  # backends that do not return ids from bulk inserts
            ids = list(
                Wish.objects.filter(community=community, status=WishStatus.PUBLISHED)
                .order_by("-pk")
                .values_list("pk", flat=True)[: 2 * rounds]
            )[::-1]
        linked = list(
            Member.objects.filter(org=branch).select_related("user").order_by("pk")[:people]
        )
        keys = signed_in_sessions((m.user for m in linked), now)
    return Setup(
        ours=ids[:rounds],
        bare=ids[rounds:],
        keys=[keys[r * clients : (r + 1) * clients] for r in range(rounds)],
        members=[[m.pk for m in linked[r * clients : (r + 1) * clients]] for r in range(rounds)],
    )


@dataclass
class Race:
    post_ms: list[float] = field(default_factory=list)
    follow_ms: list[float] = field(default_factory=list)
    won: list[int] = field(default_factory=list)  # per round, answers saying 'claimed'
    taken: list[int] = field(default_factory=list)  # per round, 'someone else has claimed it'
    other: list[str] = field(default_factory=list)  # anything else (should stay empty)
    seconds: float = 0.0


def race(
    port: int, keys: list[str], page_url: str, post_url: str, bare: bool, result: Race
) -> None:
    """One round: every client opens the page, they wait for each other, and all claim at
    once; then each reads the answer."""
    gate = threading.Barrier(len(keys))
    answered = threading.Barrier(len(keys))
    lock = threading.Lock()
    won = taken = 0

    def client(key: str) -> None:
        nonlocal won, taken
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookies = f"sessionid={key}"
        answer = b""
        try:
            conn.request("GET", page_url, headers={"Cookie": cookies})
            response = conn.getresponse()
            page = response.read()
            found = CSRF_FIELD.search(page)
            if response.status != 200 or not found:
                raise RuntimeError(f"GET {response.status} {page[:200]!r}")
            cookies += f"; csrftoken={cookie(response, 'csrftoken')}"
            body = urlencode({"csrfmiddlewaretoken": found.group(1).decode(), "step": "claim"})
            gate.wait(timeout=60)
            t0 = time.perf_counter()
            conn.request(
                "POST",
                post_url,
                body=body,
                headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            answer = response.read()
            t1 = time.perf_counter()
            post_ms = (t1 - t0) * 1000
            follow = 0.0
            if bare:
                if response.status != 200:
                    raise RuntimeError(f"POST {response.status} {answer[:200]!r}")
                verdict = "won" if answer == b"won" else "taken" if answer == b"taken" else ""
            else:
                location = response.getheader("Location") or ""
                if response.status != 302 or not location:
                    raise RuntimeError(f"POST {response.status} {answer[:200]!r}")
                # Everyone's claim answered first: the follow-up pages would otherwise queue
                # with the claims still waiting (the bare view has no follow-up).
                answered.wait(timeout=120)
                # The answer rides in the `messages` cookie, as a browser would keep it.
                said = cookie(response, "messages")
                if said:
                    cookies += f"; messages={said}"
                t1 = time.perf_counter()
                conn.request("GET", location, headers={"Cookie": cookies})
                response = conn.getresponse()
                answer = response.read()
                follow = (time.perf_counter() - t1) * 1000
                if response.status != 200:
                    raise RuntimeError(f"follow-up GET {location} {response.status}")
                verdict = "won" if WON in answer else "taken" if TAKEN in answer else ""
            with lock:
                result.post_ms.append(post_ms)
                if not bare:
                    result.follow_ms.append(follow)
                if verdict == "won":
                    won += 1
                elif verdict == "taken":
                    taken += 1
                else:
                    said = "not open" if NOT_OPEN in answer else repr(answer[:120])
                    result.other.append(f"{key[:6]}: {said}")
        except (
            OSError,
            RuntimeError,
            http.client.HTTPException,
            threading.BrokenBarrierError,
        ) as e:
            with lock:
                result.other.append(f"{key[:6]}: {e}")
            answered.abort()  # nobody waits for a client that failed
        finally:
            conn.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        list(pool.map(client, keys))
    result.seconds += time.perf_counter() - start
    result.won.append(won)
    result.taken.append(taken)


def verify(s: Setup) -> dict[str, Any]:
    """What the database says after the real races."""
    from mofan.core.audit import audit_verify
    from mofan.core.models import AuditEvent
    from mofan.volunteer.models import Wish, WishStatus

    claimed = dict(
        Wish.objects.filter(pk__in=s.ours, status=WishStatus.CLAIMED).values_list(
            "pk", "claimed_by_id"
        )
    )
    by_own_client = sum(
        1
        for wish_id, clients in zip(s.ours, s.members, strict=True)
        if claimed.get(wish_id) in clients
    )
    return {
        "wishes": len(s.ours),
        "claimed": len(claimed),
        "by_own_client": by_own_client,
        "audit": AuditEvent.objects.filter(
            action="volunteer.wish.claim",
            target_type="volunteer.wish",
            target_id__in=[str(pk) for pk in s.ours],
        ).count(),
        "chain_ok": audit_verify().ok,
    }


def run(rounds: int, clients: int, workers: int) -> dict[str, Any]:
    """Set up, start the server, race the bare view and then the real one, check the
    database, stop the server. Returns the figures."""
    s = setup(rounds, clients)
    server, port = start_server(workers, PORTS)
    ours, bare = Race(), Race()
    try:
        # Warm every worker (imports, connections, templates) on the bare view.
        warm = Race()
        for _ in range(3):
            race(port, s.keys[0][: workers * 2], "/bench-bare/", "/bench-bare/", True, warm)
        for r in range(rounds):
            race(port, s.keys[r], "/bench-bare/", f"/bench-bare/claim/{s.bare[r]}/", True, bare)
        for r in range(rounds):
            page = f"/volunteer/wishes/{s.ours[r]}/"
            race(port, s.keys[r], page, page + "act/", False, ours)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"ours": ours, "bare": bare, "db": verify(s), "rounds": rounds, "clients": clients}


def report(figures: dict[str, Any], workers: int) -> bool:
    from django.db import connection

    ours, bare, db = figures["ours"], figures["bare"], figures["db"]
    rounds, clients = figures["rounds"], figures["clients"]
    print(
        f"claim_race [{connection.vendor}] {rounds} wishes × {clients} clients, "
        f"gunicorn workers={workers}"
    )
    rows = (
        ("claim POST", ours.post_ms),
        ("follow-up", ours.follow_ms),  # the page the claim redirects to, after every claim
        ("bare POST", bare.post_ms),
    )
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        print(f"  {label:10} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
    o50, _, o99 = percentiles(ours.post_ms)
    b50, _, b99 = percentiles(bare.post_ms)
    print(
        f"  ratio to the bare view: POST p50 {o50 / b50:.2f}, POST p99 {o99 / b99:.2f}; "
        f"{rounds * clients / ours.seconds:.0f} vs {rounds * clients / bare.seconds:.0f} "
        "clients served per second (page, claim and answer vs page and claim)"
    )
    one_winner = all(w == 1 for w in ours.won) and all(w == 1 for w in bare.won)
    told = all(t == clients - 1 for t in ours.taken)
    print(
        f"  answers: winners per wish {sorted(set(ours.won))} (bare {sorted(set(bare.won))}), "
        f"'已被他人认领' per wish {sorted(set(ours.taken))}, other {len(ours.other)}"
    )
    print(
        f"  database: {db['claimed']} of {db['wishes']} wishes claimed, {db['by_own_client']} "
        f"by one of their own clients, {db['audit']} claim audit events, "
        f"chain {'verifies' if db['chain_ok'] else 'BROKEN'}"
    )
    for failure in (ours.other + bare.other)[:5]:
        print(f"  other answer: {failure}")
    correct = (
        one_winner
        and told
        and db["claimed"] == db["by_own_client"] == db["audit"] == db["wishes"]
        and db["chain_ok"]
        and not ours.other
        and not bare.other
    )
    print(
        f"  exactly one winner, the others told: {'yes' if correct else 'NO'}; "
        f"p99 ≤ 300 ms: {'yes' if o99 <= 300 else 'NO'} ({o99:.0f} ms)"
    )
    return correct


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and "bench" not in os.environ["DATABASE_URL"]:
        parser.error("point DATABASE_URL at a database whose name contains 'bench'")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures = run(args.rounds, args.clients, args.workers)
    return 0 if report(figures, args.workers) else 1


if __name__ == "__main__":
    # Run as a script, a benchmark keeps its own data folder; imported by a test, it
    # must not change the folder (and the keys in it) the test process already uses.
    os.environ.setdefault("MOFAN_DATA_DIR", str(ROOT / "var" / "bench-claim"))
    raise SystemExit(main())
