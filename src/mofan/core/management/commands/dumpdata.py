"""`dumpdata` refuses: in Mofan it loses data (see `mofan.core.dataloss`)."""

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands import dumpdata

from mofan.core.dataloss import add_override, refuse_unless_overridden


class Command(dumpdata.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_override(parser)

    def handle(self, *app_labels: Any, **options: Any) -> None:
        refuse_unless_overridden("dumpdata", options)
        super().handle(*app_labels, **options)
