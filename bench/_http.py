"""Shared pieces of the benchmarks that drive a real gunicorn over HTTP (`checkin_burst`,
`claim_race`): signed-in sessions made server-side, the server started as a subprocess on
127.0.0.1, cookies and percentiles."""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def signed_in_sessions(users: Iterable[Any], now: datetime) -> list[str]:
    """One session per user as `django.contrib.auth.login` leaves it, signed in five minutes
    ago (so the first request also refreshes the online-users record, as a real phone's
    would), with its `accounts.UserSession` row. Bulk-created; returns the keys in order."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils.crypto import get_random_string

    from mofan.accounts.middleware import LAST_ACTIVITY, LAST_TOUCH
    from mofan.accounts.models import UserSession

    Session.objects.filter(expire_date__lt=now).delete()
    earlier = (now - timedelta(minutes=5)).isoformat()
    expire = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    keys, sessions, tracked = [], [], []
    for user in users:
        key = get_random_string(32, SESSION_ALPHABET)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            LAST_ACTIVITY: earlier,
            LAST_TOUCH: earlier,
        }
        encoded = store.encode(data)
        sessions.append(Session(session_key=key, session_data=encoded, expire_date=expire))
        tracked.append(UserSession(session_key=key, user=user, last_seen=now, user_agent="bench"))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=2000)
    UserSession.objects.bulk_create(tracked, batch_size=2000)
    return keys


def database_url() -> str:
    """The URL of the database this process uses, for the server's environment."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {ports.start}–{ports.stop - 1}")


def start_server(workers: int, ports: range) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with the project's settings plus the benchmarks' bare views
    (`bench/checkin_settings.py`), on the database this process uses; returns once it
    answers."""
    from django.conf import settings

    port = free_port(ports)
    # The server signs and reads sessions, and decrypts personal data, exactly as this process
    # does: same data folder (and so the same key files), same secret key, same database.
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.checkin_settings",
        "DATABASE_URL": database_url(),
        "MOFAN_DATA_DIR": str(settings.DATA_DIR),
        "SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    # The sessions are written as database rows (`make_sessions`): the server must read them
    # there, not from Redis, which REDIS_URL would switch sessions to (CI's PostgreSQL run).
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "mofan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 180 s")


def cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return ""


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99."""
    if len(samples) < 2:
        value = samples[0] if samples else 0.0
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]
