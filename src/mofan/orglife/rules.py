"""Periods and which organisations a kind of meeting is required of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mofan.orglife.models import MeetingKind, Period
from mofan.orgs.models import OrgKind

# A 党小组 holds 党小组会; a branch holds the rest of 三会一课; study sessions are held at any
# level from the branch up (a 中心组 sits with the 党组 or 党委, 双周学习 with a branch).
HELD_BY: dict[str, frozenset[str]] = dict.fromkeys(MeetingKind.values, frozenset({OrgKind.BRANCH}))
HELD_BY[MeetingKind.GROUP_MEETING] = frozenset({OrgKind.GROUP})
HELD_BY[MeetingKind.STUDY_SESSION] = frozenset(
    {
        OrgKind.WORK_COMMITTEE,
        OrgKind.PARTY_COMMITTEE,
        OrgKind.LEADING_GROUP,
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
    }
)
COMMITTEE_MIN_SEATS = 3  # a branch without a 支委会 owes no 支委会 meetings


@dataclass(frozen=True)
class Window:
    period: str
    starts: date
    ends: date  # exclusive

    @property
    def label(self) -> str:
        if self.period == Period.MONTH:
            return f"{self.starts.year}年{self.starts.month}月"
        if self.period == Period.QUARTER:
            return f"{self.starts.year}年第{(self.starts.month - 1) // 3 + 1}季度"
        return f"{self.starts.year}年"


def window_of(period: str, day: date) -> Window:
    if period == Period.MONTH:
        start = day.replace(day=1)
        months = 1
    elif period == Period.QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    else:
        start = date(day.year, 1, 1)
        months = 12
    month_index = start.month - 1 + months
    end = date(start.year + month_index // 12, month_index % 12 + 1, 1)
    return Window(period, start, end)


def windows_in_year(period: str, year: int) -> list[Window]:
    windows, day = [], date(year, 1, 1)
    while day.year == year:
        window = window_of(period, day)
        windows.append(window)
        day = window.ends
    return windows
