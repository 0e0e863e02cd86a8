"""Volunteering (M7) and micro-wishes (M8), one module per sub-domain; Django finds the
models through this file. Rules: DOMAIN_RULES §3 (the 2021 办法)."""

from mofan.volunteer.models.activities import (
    ActivityKind,
    ActivityPhase,
    ActivityStatus,
    HoursRule,
    Participation,
    ParticipationPhase,
    ParticipationState,
    VolunteerActivity,
    VolunteerTeam,
)
from mofan.volunteer.models.certificates import (
    Certificate,
)
from mofan.volunteer.models.registration import (
    CommunityRegistration,
    EvaluationGrade,
    RegistrationEvaluation,
    RegistrationState,
    RegistrationTask,
    TaskState,
)
from mofan.volunteer.models.wishes import (
    Wish,
    WishPhoto,
    WishPhotoRole,
    WishStatus,
)

__all__ = [
    "ActivityKind",
    "ActivityPhase",
    "ActivityStatus",
    "Certificate",
    "CommunityRegistration",
    "EvaluationGrade",
    "HoursRule",
    "Participation",
    "ParticipationPhase",
    "ParticipationState",
    "RegistrationEvaluation",
    "RegistrationState",
    "RegistrationTask",
    "TaskState",
    "VolunteerActivity",
    "VolunteerTeam",
    "Wish",
    "WishPhoto",
    "WishPhotoRole",
    "WishStatus",
]
