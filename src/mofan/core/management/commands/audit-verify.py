from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mofan.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Walk the audit log's chain, sealed with the audit key, and report the first entry that "
        "was tampered with."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                _("Audit chain intact: %(n)d entries checked.") % {"n": report.checked}
            )
            return
        if report.first_bad_id is not None:
            raise CommandError(
                _(
                    "Audit chain broken at entry %(id)d (%(reason)s); "
                    "%(n)d entries before it are intact."
                )
                % {"id": report.first_bad_id, "reason": _(report.reason), "n": report.checked}
            )
        raise CommandError(_("Audit chain broken: %(reason)s.") % {"reason": _(report.reason)})
