"""The Chinese catalogue: extract, compare, compile. Used by `messages_update` and
`messages_check` (the second runs in `make test`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

LOCALE = "zh_Hans"
IGNORE = ["static/*", "migrations/*", "*/migrations/*", "locale/*"]


def po_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / LOCALE / "LC_MESSAGES" / "django.po"


def extract_into(source_dir: Path, locale_dir: Path) -> Path:
    """Run makemessages over `source_dir`, merging into the catalogue under `locale_dir`."""
    cwd = os.getcwd()
    os.chdir(source_dir)
    try:
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command(
                "makemessages",
                locale=[LOCALE],
                ignore_patterns=IGNORE,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return locale_dir / LOCALE / "LC_MESSAGES" / "django.po"


def compile_mo(po_file: Path) -> None:
    catalogue = polib.pofile(str(po_file))
    catalogue.save_as_mofile(str(po_file.with_suffix(".mo")))


def problems() -> list[str]:
    """Untranslated, fuzzy or missing entries, and a stale compiled catalogue."""
    found: list[str] = []
    package = Path(settings.PROJECT_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "mofan"
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
        fresh = polib.pofile(str(extract_into(copy, copy / "locale")))
    current = polib.pofile(str(po_path()))
    current_ids = {(e.msgctxt, e.msgid) for e in current if not e.obsolete}
    for entry in fresh:
        if entry.obsolete:
            continue
        if (entry.msgctxt, entry.msgid) not in current_ids:
            found.append(f"not in the catalogue: {entry.msgid!r}")
        elif "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"untranslated: {entry.msgid!r}")
    mo_file = po_path().with_suffix(".mo")
    if not mo_file.exists():
        found.append("the compiled catalogue django.mo is missing")
    else:
        compiled = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in polib.mofile(str(mo_file))
        }
        for entry in current:
            if entry.obsolete or not entry.translated() or "fuzzy" in entry.flags:
                continue
            key = (entry.msgctxt, entry.msgid)
            value = (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            if compiled.get(key) != value:
                found.append(f"django.mo is stale for {entry.msgid!r}")
                break
    return found
