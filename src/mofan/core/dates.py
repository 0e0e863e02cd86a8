"""Dates as people type them in Chinese spreadsheets."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from mofan.core.errors import DomainError

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its phantom 29 February 1900
SEPARATED = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?)?\s*月?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")


def parse_date(value: Any) -> date | None:
    """`2021.7.1`, `2021-07-01`, `2021/7/1`, `2021年7月1日`, `202107` (the 1st), `20210701`,
    Excel serial numbers and spreadsheet dates. Empty gives None; nonsense is refused."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    year = month = day = None
    if (match := SEPARATED.match(text)) or (match := COMPACT.match(text)):
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3)) if match.group(3) else 1
    elif match := SERIAL.match(text):
        return _serial(float(match.group(1)))
    if year is None or month is None or day is None:
        raise DomainError(_("Write the date like 2021-07-01, 2021.7.1 or 2021年7月1日."))
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DomainError(_("This date does not exist.")) from exc


def _serial(number: float) -> date:
    if not 1 <= number < 2958466:
        raise DomainError(_("Write the date like 2021-07-01, 2021.7.1 or 2021年7月1日."))
    return EXCEL_EPOCH + timedelta(days=int(number))
