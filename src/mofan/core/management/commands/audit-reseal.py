import base64
import binascii
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mofan.core.audit import audit_reseal


class Command(BaseCommand):
    help = (
        "Seal the audit log again with the audit key, after checking it: once after upgrading "
        "from the unkeyed chain, and whenever the key is replaced. Run by the audit administrator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--previous-key-file",
            type=Path,
            help="the audit key being replaced, to check the entries it sealed",
        )
        parser.add_argument(
            "--without-verifying",
            action="store_true",
            help="the key was lost: re-seal without checking, and record that in the log",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        previous = None
        if options["previous_key_file"] is not None:
            try:
                previous = base64.urlsafe_b64decode(options["previous_key_file"].read_bytes())
            except (OSError, binascii.Error) as exc:
                raise CommandError(
                    _("Cannot read the previous audit key from %(path)s.")
                    % {"path": options["previous_key_file"]}
                ) from exc
        report = audit_reseal(previous_key=previous, verify=not options["without_verifying"])
        if report.first_bad_id is not None:
            raise CommandError(
                _(
                    "Nothing was re-sealed: the audit chain is broken at entry %(id)d "
                    "(%(reason)s). Find out what happened before re-sealing."
                )
                % {"id": report.first_bad_id, "reason": _(report.reason)}
            )
        if not report.ok:
            raise CommandError(
                _(
                    "Nothing was re-sealed: the audit chain is broken (%(reason)s). "
                    "Find out what happened before re-sealing."
                )
                % {"reason": _(report.reason)}
            )
        self.stdout.write(
            _("Audit chain re-sealed with the audit key: %(n)d entries.") % {"n": report.checked}
        )
