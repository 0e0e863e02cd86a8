"""Taking part in an activity: sign-up and the waiting list, check-in by scan, the times
recorded and the hours credited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    ActivityStatus,
    Participation,
    ParticipationState,
    VolunteerActivity,
)
from mofan.volunteer.services.activities import activity_for_update
from mofan.volunteer.services.common import clean, own_member, tell
from mofan.volunteer.workflows import ACTIVITY, PARTICIPATION

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_OUT_CLOSES_AFTER = timedelta(hours=2)


@transaction.atomic
def signup(*, user: Any, activity: VolunteerActivity) -> tuple[Participation, bool]:
    """Sign up: a place while there is one, otherwise the waiting list. Signing up again
    changes nothing (the second element says whether this call changed anything)."""
    member = own_member(user)
    activity = activity_for_update(activity)  # serialises sign-ups: places are never oversold
    now = timezone.now()
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("This activity is not open for sign-up."))
    if now > activity.signup_deadline:
        raise DomainError(_("Sign-up has closed."))
    return _place_or_queue(user, activity, member, now, "signup")


def _place_or_queue(
    actor: Any, activity: VolunteerActivity, member: Member, now: datetime, name: str
) -> tuple[Participation, bool]:
    """A place while there is one, otherwise the waiting list (step `name`, or
    `name_waitlisted`); someone already in stays as they are (False). The caller holds the
    activity's row lock, which serialises every change of its participations."""
    existing = Participation.objects.filter(activity=activity, member=member).first()
    if existing is not None and existing.state != ParticipationState.CANCELLED:
        return existing, False
    taken = activity.participations.filter(state=ParticipationState.SIGNED_UP).count()
    if taken >= activity.capacity:
        name = f"{name}_waitlisted"
    state = PARTICIPATION[name].target
    changes = {"state": [None, ParticipationState(state).label]}
    if existing is None:
        participation = Participation.objects.create(
            activity=activity, member=member, state=state, signed_up_at=now
        )
        return PARTICIPATION.started(actor, participation, name, changes=changes), True
    existing.activity, existing.member, existing.signed_up_at = activity, member, now
    PARTICIPATION.finish(actor, existing, name, fields=["signed_up_at"], changes=changes)
    return existing, True


@transaction.atomic
def participant_add(
    *, actor: Any, activity: VolunteerActivity, member: Member
) -> tuple[Participation, bool]:
    """The organiser enters someone who came without signing up (or signs them up for them):
    a place if there is one, otherwise the waiting list, as for a sign-up."""
    activity = activity_for_update(activity)
    access.require(actor, perms.MANAGE, activity.org)
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("This activity is not open."))
    if member.archived_at is not None:
        raise DomainError(_("This member's record is archived."))
    return _place_or_queue(actor, activity, member, timezone.now(), "add")


@transaction.atomic
def signup_cancel(*, user: Any, participation: Participation) -> Participation:
    """Give up a place (or a place in the queue) before cancellations close; the first on the
    waiting list moves up and is told."""
    member = own_member(user)
    activity = activity_for_update(participation.activity)

    def own_sign_up(locked: Participation) -> None:
        if locked.member_id != member.pk:
            raise DomainError(_("You can only cancel your own sign-up."))

    participation = PARTICIPATION.begin(user, participation, "cancel", first=own_sign_up)
    if timezone.now() > activity.cancel_deadline:
        raise DomainError(_("Cancellations have closed; tell the organiser."))
    had_place = participation.state == ParticipationState.SIGNED_UP
    before = participation.state
    PARTICIPATION.finish(
        user,
        participation,
        "cancel",
        changes={"state": [ParticipationState(before).label, ParticipationState.CANCELLED.label]},
    )
    if had_place:
        _promote(activity)
    return participation


def _promote(activity: VolunteerActivity) -> Participation | None:
    """Give a freed place to the first on the waiting list (the activity row is locked)."""
    nxt = (
        Participation.objects.select_for_update()
        .select_related("member")
        .filter(activity=activity, state=ParticipationState.WAITLISTED)
        .order_by("signed_up_at", "id")
        .first()
    )
    if nxt is None:
        return None
    # Locked by the query above, with the activity's row: the system's step needs no begin().
    nxt.activity = activity
    PARTICIPATION.finish(
        None,
        nxt,
        "promote",
        changes={
            "state": [ParticipationState.WAITLISTED.label, ParticipationState.SIGNED_UP.label]
        },
    )
    if nxt.member.user_id:
        tell(
            [nxt.member.user_id],
            _("A place is yours: %(title)s") % {"title": activity.title},
            reverse("volunteer:activity", kwargs={"activity_id": activity.pk}),
        )
    return nxt


@dataclass(frozen=True)
class Scan:
    participation: Participation
    action: str  # "in", "out" or "" (nothing changed: already checked in and out)


@transaction.atomic
def scan(*, user: Any, activity: VolunteerActivity) -> Scan:
    """The member scanned the activity's code: the first scan checks in, the next checks out,
    any later scan changes nothing. Inside the activity's window only."""
    member = own_member(user)
    activity = activity_for_update(activity)
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("This activity is not open."))
    now = timezone.now()
    participation = (
        Participation.objects.select_for_update()
        .filter(activity=activity, member=member, state=ParticipationState.SIGNED_UP)
        .first()
    )
    if participation is None:
        raise DomainError(_("You do not hold a place in this activity."))
    if participation.checked_in_at is None:
        if not activity.starts_at - CHECK_IN_OPENS_BEFORE <= now <= activity.ends_at:
            raise DomainError(_("Check-in is open from half an hour before the start to the end."))
        participation.checked_in_at = now
        participation.save(update_fields=["checked_in_at"])
        action = "in"
    elif participation.checked_out_at is None:
        if now > activity.ends_at + CHECK_OUT_CLOSES_AFTER:
            raise DomainError(_("Check-out has closed; the organiser records the time."))
        participation.checked_out_at = now
        participation.save(update_fields=["checked_out_at"])
        action = "out"
    else:
        return Scan(participation, "")
    audit_record(
        actor=user,
        action=f"volunteer.check_{action}",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {member}",
        changes={f"checked_{action}_at": [None, now]},
    )
    return Scan(participation, action)


@transaction.atomic
def times_record(
    *,
    actor: Any,
    participation: Participation,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    reason: str = "",
) -> Participation:
    """谁组织谁记录: the organiser records or corrects a check-in and check-out. A change to a
    time the member recorded needs a reason; every change is audited."""
    activity = activity_for_update(participation.activity)
    access.require(actor, perms.MANAGE, activity.org)
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("The hours of this activity are confirmed; correct the hours instead."))
    participation = (
        Participation.objects.select_for_update().select_related("member").get(pk=participation.pk)
    )
    if participation.state != ParticipationState.SIGNED_UP:
        raise DomainError(_("Only someone holding a place takes part."))
    if checked_in_at and checked_out_at and checked_out_at <= checked_in_at:
        raise DomainError({"checked_out_at": _("Check-out comes after check-in.")})
    reason = clean(reason)
    overwrites = (
        participation.checked_in_at is not None and participation.checked_in_at != checked_in_at
    ) or (
        participation.checked_out_at is not None and participation.checked_out_at != checked_out_at
    )
    if overwrites and not reason:
        raise DomainError({"reason": _("Say why a recorded time is changed.")})
    before = [participation.checked_in_at, participation.checked_out_at]
    participation.checked_in_at, participation.checked_out_at = checked_in_at, checked_out_at
    participation.save(update_fields=["checked_in_at", "checked_out_at"])
    audit_record(
        actor=actor,
        action="volunteer.times",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {participation.member}",
        changes={
            "checked_in_at": [before[0], checked_in_at],
            "checked_out_at": [before[1], checked_out_at],
            "reason": [None, reason],
        },
    )
    return participation


@transaction.atomic
def hours_confirm(*, actor: Any, activity: VolunteerActivity) -> VolunteerActivity:
    """After the activity, the organiser confirms: each participant is credited the time they
    were present inside the window, if it reaches the threshold. The activity is then closed."""
    activity = ACTIVITY.begin(actor, activity, "close")
    if activity.ends_at > timezone.now():
        raise DomainError(_("Hours are confirmed after the activity has ended."))
    now = timezone.now()
    rows = list(
        Participation.objects.select_for_update().filter(
            activity=activity, state=ParticipationState.SIGNED_UP
        )
    )
    for row in rows:
        row.hours = rules.credited_hours(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            checked_in_at=row.checked_in_at,
            checked_out_at=row.checked_out_at,
            threshold=activity.presence_threshold,
        )
        row.confirmed_at, row.confirmed_by = now, actor
    Participation.objects.bulk_update(rows, ["hours", "confirmed_at", "confirmed_by"])
    credited = [r for r in rows if r.hours > 0]
    return ACTIVITY.finish(
        actor,
        activity,
        "close",
        changes={
            "participants": [None, len(credited)],
            "hours": [None, str(sum((r.hours for r in credited), Decimal(0)))],
        },
    )


@transaction.atomic
def hours_correct(
    *, actor: Any, participation: Participation, hours: Decimal, reason: str
) -> Participation:
    """Correct confirmed hours (a forgotten check-out, a mistake): with a reason, audited."""
    activity = activity_for_update(participation.activity)
    access.require(actor, perms.MANAGE, activity.org)
    if activity.status != ActivityStatus.CLOSED:
        raise DomainError(_("Hours are corrected once they are confirmed."))
    participation = (
        Participation.objects.select_for_update().select_related("member").get(pk=participation.pk)
    )
    planned = Decimal((activity.ends_at - activity.starts_at).total_seconds()) / Decimal(3600)
    if hours < 0 or hours > planned:
        raise DomainError(
            {
                "hours": _("Between 0 and the planned %(h)s hours.")
                % {"h": planned.quantize(Decimal("0.01"))}
            }
        )
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason for the correction.")})
    before = participation.hours
    participation.hours = hours.quantize(Decimal("0.01"))
    participation.save(update_fields=["hours"])
    audit_record(
        actor=actor,
        action="volunteer.hours_correct",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {participation.member}",
        changes={"hours": [str(before), str(participation.hours)], "reason": [None, reason]},
    )
    return participation
