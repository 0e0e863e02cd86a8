"""Chinese resident identity numbers (GB 11643-1999) and mobile numbers: normalise, validate,
mask."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from mofan.core.errors import DomainError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalise_id(raw: str) -> str:
    """Full-width digits to half-width, spaces removed, lower-case x to upper."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: date
    gender: str  # "male" / "female"


def parse_id(raw: str) -> IdFacts:
    """Validate an 18-digit ID number and read its birth date and gender, or refuse clearly."""
    number = normalise_id(raw)
    if not ID_PATTERN.match(number):
        raise DomainError(_("An ID number has 17 digits and a final digit or X."))
    if check_char(number[:17]) != number[17]:
        raise DomainError(_("The ID number's check digit is wrong; please check it."))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise DomainError(_("The ID number holds an impossible birth date.")) from exc
    if born.year < 1900 or born > date.today():  # noqa: DTZ011 - a calendar date, no zone
        raise DomainError(_("The ID number holds an impossible birth date."))
    gender = "male" if int(number[16]) % 2 else "female"
    return IdFacts(number, born, gender)


def normalise_mobile(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_mobile(raw: str) -> str:
    number = normalise_mobile(raw)
    if number and not MOBILE_PATTERN.match(number):
        raise DomainError(_("Enter an 11-digit mobile number starting with 1."))
    return number


def mask_id(number: str) -> str:
    """First four and last four: the hidden digits are more than the birth date (digits 7-14),
    so a date of birth shown elsewhere does not complete the number."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_text(text: str, keep_head: int, keep_tail: int) -> str:
    """Any text (a value as a user typed it, valid or not), hidden but for its ends; a text too
    short to keep both ends is hidden whole."""
    if not text:
        return ""
    if len(text) <= keep_head + keep_tail:
        return "*" * len(text)
    tail = text[len(text) - keep_tail :]
    return text[:keep_head] + "*" * (len(text) - keep_head - keep_tail) + tail


def remask_id(masked: str) -> str:
    """An ID number masked the old way (first six shown), masked as `mask_id` does now."""
    if len(masked) == 18 and masked[6:14] == "*" * 8:
        return masked[:4] + "*" * 10 + masked[-4:]
    return masked


def mask_mobile(number: str) -> str:
    if not number:
        return ""
    return number[:3] + "****" + number[-4:]
