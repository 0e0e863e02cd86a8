"""Every state field of volunteering, declared once: activities, participations, micro-wishes,
community registrations and their tasks. The services take each step through these.

The audit codes are those written before the workflows existed (`action` where they do not
read "<workflow>.<step>"), so that the labels and the audit history stay valid; the messages
people get are sent by the services, which add a body (the reason) to them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mofan.core.workflow import Workflow, step
from mofan.members.selectors import member_of_user
from mofan.volunteer import policies
from mofan.volunteer.models import (
    ActivityStatus,
    CommunityRegistration,
    Participation,
    ParticipationState,
    RegistrationState,
    RegistrationTask,
    TaskState,
    VolunteerActivity,
    Wish,
    WishStatus,
)


def _nobody(actor: Any, record: Any) -> bool:
    """A step only the system takes (`actor=None` passes every check)."""
    return False


def _own_member(actor: Any, member_id: int) -> bool:
    member = member_of_user(actor, related=())
    return member is not None and member.pk == member_id


ACTIVITY: Workflow[VolunteerActivity] = Workflow(
    name="volunteer.activity",
    model=VolunteerActivity,
    field="status",
    related=("org",),
    org=lambda a: a.org,
    sees=lambda actor, a: policies.manages(actor, a.org),
    actors={"organiser": lambda actor, a: policies.manages(actor, a.org)},
    steps=(
        step("create", (), ActivityStatus.OPEN, "organiser"),
        step(
            "cancel",
            [ActivityStatus.OPEN],
            ActivityStatus.CANCELLED,
            "organiser",
            label=_("Cancel the activity"),
            message=_("The activity is cancelled; those signed up are told."),
            stale=_("Only an open activity that has not started can be cancelled."),
        ),
        step(
            "close",
            [ActivityStatus.OPEN],
            ActivityStatus.CLOSED,
            "organiser",
            label=_("Confirm the hours"),
            message=_("The hours are confirmed."),
            action="volunteer.hours_confirm",
            stale=_("The hours of this activity are already confirmed."),
            audit_state=False,
        ),
    ),
)


PARTICIPATION: Workflow[Participation] = Workflow(
    name="volunteer.participation",
    model=Participation,
    field="state",
    related=("activity", "activity__org", "member"),
    org=lambda p: p.activity.org,
    audit_target=lambda p: (p.activity, f"{p.activity} · {p.member}"),
    actors={
        "member": lambda actor, p: _own_member(actor, p.member_id),
        "organiser": lambda actor, p: policies.manages(actor, p.activity.org),
        "system": _nobody,
    },
    # A first sign-up creates the row (`started`); one after a cancellation moves it back.
    steps=(
        step(
            "signup",
            [ParticipationState.CANCELLED],
            ParticipationState.SIGNED_UP,
            "member",
            action="volunteer.signup",
        ),
        step(
            "signup_waitlisted",
            [ParticipationState.CANCELLED],
            ParticipationState.WAITLISTED,
            "member",
            action="volunteer.signup",
        ),
        step(
            "add",
            [ParticipationState.CANCELLED],
            ParticipationState.SIGNED_UP,
            "organiser",
            action="volunteer.participant_add",
        ),
        step(
            "add_waitlisted",
            [ParticipationState.CANCELLED],
            ParticipationState.WAITLISTED,
            "organiser",
            action="volunteer.participant_add",
        ),
        step(
            "cancel",
            [ParticipationState.SIGNED_UP, ParticipationState.WAITLISTED],
            ParticipationState.CANCELLED,
            "member",
            action="volunteer.signup_cancel",
            stale=_("You have already cancelled."),
        ),
        step(
            "promote",
            [ParticipationState.WAITLISTED],
            ParticipationState.SIGNED_UP,
            "system",
            action="volunteer.promote",
        ),
    ),
)


def _community_side(actor: Any, wish: Wish) -> bool:
    return policies.acts_for_community(actor, wish.community)


WISH: Workflow[Wish] = Workflow(
    name="volunteer.wish",
    model=Wish,
    field="status",
    related=("community", "community__org"),
    org=lambda w: w.community.org,
    actors={
        "community": _community_side,
        "reviewer": policies.reviews_wishes,
        "member": lambda actor, w: member_of_user(actor, related=()) is not None,
        "claimer": policies.claimed_it,
        "system": _nobody,
    },
    steps=(
        step("post", (), WishStatus.SUBMITTED, "community"),
        step(
            "publish",
            [WishStatus.SUBMITTED],
            WishStatus.PUBLISHED,
            "reviewer",
            label=_("Publish"),
            message=_("Published."),
            stale=_("This wish has already been reviewed."),
        ),
        step(
            "reject",
            [WishStatus.SUBMITTED],
            WishStatus.REJECTED,
            "reviewer",
            label=_("Do not accept"),
            message=_("Not accepted."),
            stale=_("This wish has already been reviewed."),
        ),
        # One conditional update is the claim (exactly one wins): `taken`, not begin/finish.
        step("claim", [WishStatus.PUBLISHED], WishStatus.CLAIMED, "member", audit_state=False),
        step(
            "fulfil",
            [WishStatus.CLAIMED],
            WishStatus.FULFILLED,
            "claimer",
            message=_("Reported; the community will confirm."),
            stale=_("This wish is not waiting to be fulfilled."),
            audit_state=False,
        ),
        step(
            "confirm",
            [WishStatus.FULFILLED],
            WishStatus.CONFIRMED,
            "community",
            label=_("Confirm"),
            message=_("Confirmed."),
            stale=_("This wish is not waiting for confirmation."),
        ),
        step(
            "return",
            [WishStatus.FULFILLED],
            WishStatus.CLAIMED,
            "community",
            label=_("Return"),
            message=_("Returned to the claimer."),
            stale=_("This wish is not waiting for confirmation."),
        ),
        # The daily task expires many at once (one audit step per organisation).
        step("expire", [WishStatus.PUBLISHED], WishStatus.EXPIRED, "system"),
    ),
)


REGISTRATION: Workflow[CommunityRegistration] = Workflow(
    name="volunteer.registration",
    model=CommunityRegistration,
    field="state",
    related=("community", "community__org", "member", "member__org"),
    org=lambda r: r.member.org,
    actors={
        "member": lambda actor, r: _own_member(actor, r.member_id),
        "community": lambda actor, r: policies.acts_for_community(actor, r.community),
    },
    steps=(
        step("submit", (), RegistrationState.PENDING, "member"),
        step(
            "confirm",
            [RegistrationState.PENDING],
            RegistrationState.CONFIRMED,
            "community",
            stale=_("This registration has already been decided."),
        ),
        step(
            "decline",
            [RegistrationState.PENDING],
            RegistrationState.DECLINED,
            "community",
            stale=_("This registration has already been decided."),
        ),
        # Registering with another community ends the one before (one at a time).
        step(
            "end",
            [RegistrationState.PENDING, RegistrationState.CONFIRMED],
            RegistrationState.ENDED,
            "member",
        ),
    ),
)


TASK: Workflow[RegistrationTask] = Workflow(
    name="volunteer.task",
    model=RegistrationTask,
    field="state",
    related=(
        "registration",
        "registration__community",
        "registration__community__org",
        "registration__member",
        "registration__member__org",
    ),
    org=lambda t: t.registration.member.org,
    actors={
        "member": lambda actor, t: _own_member(actor, t.registration.member_id),
        "community": lambda actor, t: policies.acts_for_community(actor, t.registration.community),
    },
    stale=_("This task is {state}; that step is not possible now."),
    steps=(
        step("assign", (), TaskState.ASSIGNED, "community"),
        step(
            "report",
            [TaskState.ASSIGNED],
            TaskState.REPORTED,
            "member",
            form="mofan.volunteer.forms.TaskReportForm",
            audit_state=False,
        ),
        step("confirm", [TaskState.REPORTED], TaskState.CONFIRMED, "community"),
        step("return", [TaskState.REPORTED], TaskState.ASSIGNED, "community"),
        step("cancel", [TaskState.ASSIGNED], TaskState.CANCELLED, "community"),
    ),
)


WORKFLOWS = (ACTIVITY, PARTICIPATION, WISH, REGISTRATION, TASK)
