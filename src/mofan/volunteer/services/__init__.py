"""Writes of volunteering and micro-wishes, one module per sub-domain. Every transition checks
the state under a lock, is audited and tells the next person.

The names are re-exported here for callers outside the app (`services.signup(...)`); the
modules of this package import one another directly, never through this file."""

from mofan.volunteer.policies import wish_offered_to as can_see_wish
from mofan.volunteer.services.activities import activity_cancel, activity_create
from mofan.volunteer.services.certificates import certificate_issue, volunteer_number
from mofan.volunteer.services.common import own_member
from mofan.volunteer.services.participations import (
    CHECK_IN_OPENS_BEFORE,
    CHECK_OUT_CLOSES_AFTER,
    Scan,
    hours_confirm,
    hours_correct,
    participant_add,
    scan,
    signup,
    signup_cancel,
    times_record,
)
from mofan.volunteer.services.registration import (
    registration_decide,
    registration_evaluate,
    registration_submit,
    registration_task_assign,
    registration_task_cancel,
    registration_task_decide,
    registration_task_report,
)
from mofan.volunteer.services.teams import (
    hours_rule_add,
    kind_add,
    kind_archive,
    team_create,
    team_members_set,
)
from mofan.volunteer.services.wishes import (
    WISH_MAX_VALUE,
    ClaimRefusedError,
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_post,
    wish_review,
    wishes_expire,
)

__all__ = [
    "CHECK_IN_OPENS_BEFORE",
    "CHECK_OUT_CLOSES_AFTER",
    "WISH_MAX_VALUE",
    "ClaimRefusedError",
    "Scan",
    "activity_cancel",
    "activity_create",
    "can_see_wish",
    "certificate_issue",
    "hours_confirm",
    "hours_correct",
    "hours_rule_add",
    "kind_add",
    "kind_archive",
    "own_member",
    "participant_add",
    "registration_decide",
    "registration_evaluate",
    "registration_submit",
    "registration_task_assign",
    "registration_task_cancel",
    "registration_task_decide",
    "registration_task_report",
    "scan",
    "signup",
    "signup_cancel",
    "team_create",
    "team_members_set",
    "times_record",
    "volunteer_number",
    "wish_claim",
    "wish_confirm",
    "wish_fulfil",
    "wish_post",
    "wish_review",
    "wishes_expire",
]
