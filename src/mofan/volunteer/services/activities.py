"""Volunteer activities: published, called off."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import diff
from mofan.core.errors import DomainError
from mofan.orgs.models import Organisation, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    ActivityKind,
    ActivityStatus,
    ParticipationState,
    VolunteerActivity,
    VolunteerTeam,
)
from mofan.volunteer.services.common import clean, tell
from mofan.volunteer.workflows import ACTIVITY


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    org: Organisation,
    kind: ActivityKind,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    description: str = "",
    partner: PartnerUnit | None = None,
    team: VolunteerTeam | None = None,
    signup_deadline: datetime | None = None,
    cancel_deadline: datetime | None = None,
) -> VolunteerActivity:
    access.require(actor, perms.MANAGE, org)
    title, place = clean(title), clean(place)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if not place:
        raise DomainError({"place": _("Enter the place.")})
    if ends_at <= starts_at:
        raise DomainError({"ends_at": _("The activity must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=24):
        raise DomainError({"ends_at": _("An activity lasts at most 24 hours; split longer ones.")})
    if capacity < 1:
        raise DomainError({"capacity": _("Offer at least one place.")})
    signup_deadline = signup_deadline or starts_at
    cancel_deadline = cancel_deadline or signup_deadline
    if signup_deadline > starts_at:
        raise DomainError({"signup_deadline": _("Sign-up closes by the start at the latest.")})
    if cancel_deadline > starts_at:
        raise DomainError({"cancel_deadline": _("Cancellations close by the start at the latest.")})
    if team is not None and team.org_id != org.pk:
        raise DomainError({"team": _("Choose a team of the organising organisation.")})
    rule = rules.rule_on(timezone.localdate(starts_at))
    activity = VolunteerActivity.objects.create(
        org=org,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        signup_deadline=signup_deadline,
        cancel_deadline=cancel_deadline,
        partner=partner,
        team=team,
        presence_threshold=rule.presence_threshold if rule else rules.DEFAULT_THRESHOLD,
        created_by=actor if actor is not None else None,
    )
    ACTIVITY.started(
        actor,
        activity,
        "create",
        changes=diff(
            {},
            {
                "title": title,
                "kind": kind.name,
                "starts_at": starts_at,
                "capacity": capacity,
                "partner": str(partner) if partner else None,
            },
        ),
    )
    if team is not None:
        link = reverse("volunteer:activity", kwargs={"activity_id": activity.pk})
        tell(
            list(team.members.filter(user__isnull=False).values_list("user_id", flat=True)),
            _("Volunteer activity: %(title)s") % {"title": title},
            link,
        )
    return activity


def activity_for_update(activity: VolunteerActivity) -> VolunteerActivity:
    return VolunteerActivity.objects.select_for_update().select_related("org").get(pk=activity.pk)


@transaction.atomic
def activity_cancel(*, actor: Any, activity: VolunteerActivity, reason: str) -> VolunteerActivity:
    access.require(actor, perms.MANAGE, activity.org)
    activity = ACTIVITY.begin(actor, activity, "cancel")
    if activity.starts_at <= timezone.now():
        raise DomainError(str(ACTIVITY["cancel"].stale))
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    ACTIVITY.finish(
        actor,
        activity,
        "cancel",
        changes={
            "status": [ActivityStatus.OPEN.label, ActivityStatus.CANCELLED.label],
            "reason": [None, reason],
        },
    )
    users = (
        activity.participations.exclude(state=ParticipationState.CANCELLED)
        .filter(member__user__isnull=False)
        .values_list("member__user_id", flat=True)
    )
    tell(
        list(users),
        _("Cancelled: %(title)s") % {"title": activity.title},
        reverse("volunteer:activity", kwargs={"activity_id": activity.pk}),
        reason,
    )
    return activity
