"""Writes of co-building, by sub-domain: agreements, service projects (team and menu),
demands and orders. Callers use `from mofan.cobuild import services; services.order_place(...)`;
the sub-modules import each other directly."""

from mofan.cobuild.services.agreements import (
    RENEWAL_NOTICE_DAYS,
    agreement_create,
    agreement_end,
    joint_meeting_record,
    party_duties_save,
)
from mofan.cobuild.services.demands import demand_close, demand_match, demand_post
from mofan.cobuild.services.orders import (
    order_accept,
    order_cancel,
    order_confirm,
    order_decline,
    order_deliver,
    order_dispatch,
    order_place,
    order_prepare,
    order_schedule,
)
from mofan.cobuild.services.projects import (
    project_archive,
    project_create,
    project_member_add,
    project_member_end,
    project_restore,
    project_update,
    topic_add,
    topic_retire,
    topic_update,
)

__all__ = [
    "RENEWAL_NOTICE_DAYS",
    "agreement_create",
    "agreement_end",
    "demand_close",
    "demand_match",
    "demand_post",
    "joint_meeting_record",
    "order_accept",
    "order_cancel",
    "order_confirm",
    "order_decline",
    "order_deliver",
    "order_dispatch",
    "order_place",
    "order_prepare",
    "order_schedule",
    "party_duties_save",
    "project_archive",
    "project_create",
    "project_member_add",
    "project_member_end",
    "project_restore",
    "project_update",
    "topic_add",
    "topic_retire",
    "topic_update",
]
