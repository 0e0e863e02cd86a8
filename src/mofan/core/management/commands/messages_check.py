from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mofan.core.catalogue import problems


class Command(BaseCommand):
    help = "Fail when the zh_Hans catalogue misses, leaves fuzzy or untranslated any string."

    def handle(self, *args: Any, **options: Any) -> None:
        found = problems()
        if found:
            raise CommandError("Chinese catalogue incomplete:\n  " + "\n  ".join(found[:50]))
        self.stdout.write("Chinese catalogue complete.")
