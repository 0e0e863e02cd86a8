"""Django's `dumpdata` and `loaddata` lose data in Mofan: timestamps are cut to milliseconds
(which breaks the audit chain, sealed over the exact values), and the search index, filled by
the services, is left empty. Mofan's commands of those names refuse unless a developer says
they know, and point at the supported backup: the whole database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

OVERRIDE = "--i-know-this-loses-data"


def add_override(parser: CommandParser) -> None:
    parser.add_argument(
        OVERRIDE,
        action="store_true",
        dest="i_know_this_loses_data",
        help="run anyway, for development data only: timestamps, the audit chain and the "
        "search index do not survive",
    )


def refuse_unless_overridden(command: str, options: dict[str, Any]) -> None:
    if options.get("i_know_this_loses_data"):
        return
    raise CommandError(
        _(
            "%(command)s is disabled: it cuts timestamps to milliseconds, breaks the audit chain "
            "and leaves the search index empty. Back up and restore the whole database instead: "
            "pg_dump and pg_restore for PostgreSQL, sqlite3's .backup for SQLite (docs/deploy.md, "
            '"Backups"). Developers working on throwaway data may pass %(flag)s.'
        )
        % {"command": command, "flag": OVERRIDE}
    )
