from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mofan.core.catalogue import compile_mo, extract_into, po_path


class Command(BaseCommand):
    help = "Extract new strings into the zh_Hans catalogue and compile it."

    def handle(self, *args: Any, **options: Any) -> None:
        package = Path(settings.PROJECT_DIR)
        extract_into(package, Path(settings.LOCALE_PATHS[0]))
        compile_mo(po_path())
        self.stdout.write(str(po_path()))
