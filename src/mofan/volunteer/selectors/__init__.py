"""Reads of volunteering and micro-wishes, scoped; statistics counted from records. One
module per sub-domain; the names are re-exported here for callers outside the app, and the
modules of this package import one another directly."""

from mofan.volunteer.selectors.activities import (
    MyVolunteering,
    MyYear,
    activities_open,
    activity_get,
    activity_list,
    activity_public,
    certificate_check,
    my_volunteering,
    roster,
)
from mofan.volunteer.selectors.registration import (
    CommunityRegistrations,
    OrganRegistrations,
    RosterRow,
    community_registration_stats,
    community_roster,
    my_evaluations,
    my_registration,
    my_tasks,
    registration_stats,
    registration_year_hours,
    registrations_to_decide,
)
from mofan.volunteer.selectors.statistics import (
    STATISTICS_SQL,
    Statistics,
    period_bounds,
    statistics,
)
from mofan.volunteer.selectors.teams import (
    team_candidates,
    team_get,
    team_list,
)
from mofan.volunteer.selectors.wishes import (
    my_claims,
    wall,
    wish_for_claim,
    wish_get_for,
    wish_list,
    wishes_for_member,
    wishes_of_contact,
)

__all__ = [
    "STATISTICS_SQL",
    "CommunityRegistrations",
    "MyVolunteering",
    "MyYear",
    "OrganRegistrations",
    "RosterRow",
    "Statistics",
    "activities_open",
    "activity_get",
    "activity_list",
    "activity_public",
    "certificate_check",
    "community_registration_stats",
    "community_roster",
    "my_claims",
    "my_evaluations",
    "my_registration",
    "my_tasks",
    "my_volunteering",
    "period_bounds",
    "registration_stats",
    "registration_year_hours",
    "registrations_to_decide",
    "roster",
    "statistics",
    "team_candidates",
    "team_get",
    "team_list",
    "wall",
    "wish_for_claim",
    "wish_get_for",
    "wish_list",
    "wishes_for_member",
    "wishes_of_contact",
]
