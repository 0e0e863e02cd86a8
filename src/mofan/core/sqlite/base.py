"""SQLite with its writers queued in the kernel.

SQLite lets one writer at a time hold the database; the others wait in its busy handler, which
sleeps and retries on a schedule that grows to 100 ms between attempts. Under a burst (a
thousand phones checking in to one meeting) a writer often sleeps long after the lock it waits
for was released, and those sleeps make the slowest answers. Here every write transaction
(`transaction.atomic` starts them with BEGIN IMMEDIATE) first takes an exclusive `flock` on a
file beside the database and gives it back at COMMIT or ROLLBACK: waiting writers sleep in the
kernel and the next one wakes the moment the lock is free. Readers never take it (WAL lets them
read beside the writer). Writes made outside `atomic` still meet SQLite's own lock and busy
timeout, as before. The lock belongs to the process' open file, so it is released if the
process dies; a worker stuck inside a transaction is stopped by gunicorn's timeout.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_locked = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name or name.startswith("file:"):
            return None
        return f"{name}.writers"

    def _take_writer_lock(self) -> None:
        path = self._writer_lock_path()
        if path is None or self.transaction_mode != "IMMEDIATE":  # type: ignore[attr-defined]
            return
        if self._writer_fd is None:
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writer_locked = True

    def _give_writer_lock(self) -> None:
        if self._writer_locked and self._writer_fd is not None:
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
        self._writer_locked = False

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
        except BaseException:
            self._give_writer_lock()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_writer_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_writer_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_writer_lock()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
