"""SQLite's write transactions queue on a file lock (`mofan.core.sqlite`): held from BEGIN to
COMMIT or ROLLBACK, never by readers. On PostgreSQL the backend is Django's own."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.db import connection, connections, transaction

from mofan.core.models import Message
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writer lock"),
]


def _held_elsewhere() -> bool:
    """Whether another open file holds the writers' lock (the test opens its own)."""
    fd = os.open(f"{connection.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_held_for_the_transaction_only():
    user = make_user("writer")
    assert not _held_elsewhere()
    with transaction.atomic():
        Message.objects.create(user=user, title="一", body="")
        assert _held_elsewhere()
        with transaction.atomic():  # a savepoint keeps it, does not take it twice
            assert _held_elsewhere()
        assert _held_elsewhere()
    assert not _held_elsewhere()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Message.objects.create(user=user, title="二", body="")
        raise ZeroDivisionError
    assert not _held_elsewhere()  # given back by the rollback
    assert list(Message.objects.filter(user=user).values_list("title", flat=True)) == ["一"]


def test_readers_pass_and_the_next_writer_waits_its_turn():
    user = make_user("writer2")
    inside, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def writer(title: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                Message.objects.create(user=user, title=title, body="")
                seen[title] = Message.objects.filter(user=user).count()  # as the writer sees it
                if hold:
                    inside.set()
                    release.wait(10)
        finally:
            connections.close_all()

    first = threading.Thread(target=writer, args=("先", True))
    first.start()
    assert inside.wait(10)
    # A reader is not held up by the open write transaction (WAL), and sees nothing of it.
    assert Message.objects.filter(user=user).count() == 0
    second = threading.Thread(target=writer, args=("后", False))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # queued behind the first writer, not refused
    release.set()
    first.join(10)
    second.join(10)
    assert seen == {"先": 1, "后": 2}
