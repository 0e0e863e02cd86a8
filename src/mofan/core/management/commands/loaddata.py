"""`loaddata` refuses: in Mofan it loses data (see `mofan.core.dataloss`)."""

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands import loaddata

from mofan.core.dataloss import add_override, refuse_unless_overridden


class Command(loaddata.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_override(parser)

    def handle(self, *fixture_labels: Any, **options: Any) -> None:
        refuse_unless_overridden("loaddata", options)
        super().handle(*fixture_labels, **options)
