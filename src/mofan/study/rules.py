"""The rules of theory study (DOMAIN_RULES §2)."""

from __future__ import annotations

from datetime import date

from mofan.members.rules import YOUTH_AGE, whole_years
from mofan.orglife.models import MeetingKind
from mofan.orglife.rules import HELD_BY

# DOMAIN_RULES §2: the members of a 青年理论学习小组 are 40 years old or younger [local rule].
YOUTH_GROUP_MAX_AGE = YOUTH_AGE

# A study group belongs to an organisation that holds study sessions (from the branch up).
GROUP_ORG_KINDS = HELD_BY[MeetingKind.STUDY_SESSION]


def age_on(birth_date: date | None, day: date) -> int | None:
    return whole_years(birth_date, day)


def too_old_for_youth_group(birth_date: date | None, day: date) -> bool:
    """True when the member is older than the youth group's limit on `day`."""
    age = age_on(birth_date, day)
    return age is not None and age > YOUTH_GROUP_MAX_AGE
