"""Writes of organisational life, by sub-domain. Callers keep `from mofan.orglife import
services; services.meeting_schedule(...)`: the public names of every sub-module are here."""

from mofan.orglife.services.appraisals import (
    EXCELLENT_AT_MOST,
    appraisal_conclude,
    appraisal_open,
    appraisal_propose,
    excellent_limit,
    peer_rate,
    self_assessment_save,
)
from mofan.orglife.services.attachments import (
    ATTACHMENTS_PER_MEETING,
    attachment_add,
    attachment_remove,
)
from mofan.orglife.services.attendance import (
    CHECK_IN_OPENS_BEFORE,
    _meeting_for_check_in,
    attendance_record,
    attendance_self_check_in,
)
from mofan.orglife.services.calendar import calendar_feed_reset
from mofan.orglife.services.leave import leave_decide, leave_request, meeting_organisers
from mofan.orglife.services.meetings import (
    LOCKED_STATES,
    default_attendees,
    meeting_schedule,
    meeting_set_status,
)
from mofan.orglife.services.minutes import (
    UNCHANGED,
    Quorum,
    may_host,
    minutes_save,
    quorum,
    resolution_record,
)
from mofan.orglife.services.review import (
    meeting_acknowledge,
    meeting_review,
    meeting_submit,
)
from mofan.orglife.services.talks import committee_on, heart_talk_record, pairing_of

__all__ = [
    "ATTACHMENTS_PER_MEETING",
    "CHECK_IN_OPENS_BEFORE",
    "EXCELLENT_AT_MOST",
    "LOCKED_STATES",
    "UNCHANGED",
    "Quorum",
    "_meeting_for_check_in",
    "appraisal_conclude",
    "appraisal_open",
    "appraisal_propose",
    "attachment_add",
    "attachment_remove",
    "attendance_record",
    "attendance_self_check_in",
    "calendar_feed_reset",
    "committee_on",
    "default_attendees",
    "excellent_limit",
    "heart_talk_record",
    "leave_decide",
    "leave_request",
    "may_host",
    "meeting_acknowledge",
    "meeting_organisers",
    "meeting_review",
    "meeting_schedule",
    "meeting_set_status",
    "meeting_submit",
    "minutes_save",
    "pairing_of",
    "peer_rate",
    "quorum",
    "resolution_record",
    "self_assessment_save",
]
