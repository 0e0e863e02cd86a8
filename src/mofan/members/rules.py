"""Derived facts of a member record: pinyin, age, 党龄 and their bands. Computed, never stored
(pinyin is kept only as a search index)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

# (key, label, lowest, highest) in whole years; None is open-ended.
AGE_BANDS = (
    ("to30", _("30 or younger"), None, 30),
    ("31to40", _("31–40"), 31, 40),
    ("41to50", _("41–50"), 41, 50),
    ("51to60", _("51–60"), 51, 60),
    ("over60", _("over 60"), 61, None),
)
STANDING_BANDS = (
    ("under5", _("under 5 years"), None, 4),
    ("5to9", _("5–9 years"), 5, 9),
    ("10to19", _("10–19 years"), 10, 19),
    ("20to29", _("20–29 years"), 20, 29),
    ("30plus", _("30 years or more"), 30, None),
)
YOUTH_AGE = 40  # 青年理论学习小组: members up to 40


def name_pinyin(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三; characters without pinyin are kept as they are."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default")]
    syllables = [s for s in syllables if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def whole_years(since: date | None, today: date) -> int | None:
    if since is None:
        return None
    years = today.year - since.year
    if (today.month, today.day) < (since.month, since.day):
        years -= 1
    return years


def shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def band_date_range(
    lowest: int | None, highest: int | None, today: date
) -> tuple[date | None, date | None]:
    """Dates d such that whole_years(d, today) lies in [lowest, highest]: (after, on_or_before)."""
    latest = shift_years(today, lowest) if lowest is not None else None
    earliest = shift_years(today, highest + 1) if highest is not None else None
    return earliest, latest
