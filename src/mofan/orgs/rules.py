"""Rules of the organisation tree (DOMAIN_RULES.md §2). Firm rules live here as code."""

from datetime import date

from mofan.orgs.models import OrgKind

# Which kinds may stand directly under which. A 党小组 only inside a branch.
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    OrgKind.WORK_COMMITTEE: frozenset(),
    OrgKind.PARTY_COMMITTEE: frozenset({OrgKind.WORK_COMMITTEE, OrgKind.PARTY_COMMITTEE}),
    OrgKind.LEADING_GROUP: frozenset({OrgKind.WORK_COMMITTEE}),
    OrgKind.GENERAL_BRANCH: frozenset({OrgKind.WORK_COMMITTEE, OrgKind.PARTY_COMMITTEE}),
    OrgKind.BRANCH: frozenset(
        {OrgKind.WORK_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH}
    ),
    OrgKind.GROUP: frozenset({OrgKind.BRANCH}),
}

# 中办《关于党的基层组织任期的意见》(2018): 机关党委 5 years; 总支 and 支部 3 years.
TERM_YEARS: dict[str, int] = {
    OrgKind.WORK_COMMITTEE: 5,
    OrgKind.PARTY_COMMITTEE: 5,
    OrgKind.GENERAL_BRANCH: 3,
    OrgKind.BRANCH: 3,
}

# 《中国共产党支部工作条例（试行）》: branch set-up bounds.
BRANCH_MIN_FULL_MEMBERS = 3
BRANCH_MAX_MEMBERS = 50
BRANCH_COMMITTEE_FROM_FULL_MEMBERS = 7
BRANCH_COMMITTEE_MIN_SEATS = 3


def default_term_end(kind: str, starts_on: date) -> date | None:
    years = TERM_YEARS.get(kind)
    if years is None:
        return None
    try:
        return starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February
        return starts_on.replace(year=starts_on.year + years, day=28)
