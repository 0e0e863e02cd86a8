"""Writes of volunteering and micro-wishes. Every transition checks the state under a lock,
is audited and tells the next person."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, audit_record_many, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.services import message_send
from mofan.core.uploads import JPEG, PNG, check_upload
from mofan.members.models import Member
from mofan.orgs.models import Organisation, PartnerContact, PartnerKind, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    TASK_TRANSITIONS,
    ActivityKind,
    ActivityStatus,
    Certificate,
    CommunityRegistration,
    EvaluationGrade,
    HoursRule,
    Participation,
    ParticipationState,
    RegistrationEvaluation,
    RegistrationState,
    RegistrationTask,
    TaskState,
    VolunteerActivity,
    VolunteerTeam,
    Wish,
    WishPhoto,
    WishPhotoRole,
    WishStatus,
)

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_OUT_CLOSES_AFTER = timedelta(hours=2)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def own_member(user: Any) -> Member:
    member = (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if member is None:
        raise DomainError(_("Your login is not linked to a member record."))
    return member


def _tell(user_ids: list[int] | set[int], title: str, link: str, body: str = "") -> None:
    for user_id in sorted(set(user_ids)):
        message_send(user_id=user_id, title=title, body=body, link=link)


# ---- Activities --------------------------------------------------------------------------


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
    title, place = _clean(title), _clean(place)
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
    audit_record(
        actor=actor,
        action="volunteer.activity.create",
        target=activity,
        org=org,
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
        _tell(
            list(team.members.filter(user__isnull=False).values_list("user_id", flat=True)),
            _("Volunteer activity: %(title)s") % {"title": title},
            link,
        )
    return activity


def _activity_for_update(activity: VolunteerActivity) -> VolunteerActivity:
    return VolunteerActivity.objects.select_for_update().select_related("org").get(pk=activity.pk)


@transaction.atomic
def activity_cancel(*, actor: Any, activity: VolunteerActivity, reason: str) -> VolunteerActivity:
    access.require(actor, perms.MANAGE, activity.org)
    activity = _activity_for_update(activity)
    if activity.status != ActivityStatus.OPEN or activity.starts_at <= timezone.now():
        raise DomainError(_("Only an open activity that has not started can be cancelled."))
    reason = _clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="volunteer.activity.cancel",
        target=activity,
        org=activity.org,
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
    _tell(
        list(users),
        _("Cancelled: %(title)s") % {"title": activity.title},
        reverse("volunteer:activity", kwargs={"activity_id": activity.pk}),
        reason,
    )
    return activity


@transaction.atomic
def signup(*, user: Any, activity: VolunteerActivity) -> tuple[Participation, bool]:
    """Sign up: a place while there is one, otherwise the waiting list. Signing up again
    changes nothing (the second element says whether this call changed anything)."""
    member = own_member(user)
    activity = _activity_for_update(activity)  # serialises sign-ups: places are never oversold
    now = timezone.now()
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("This activity is not open for sign-up."))
    if now > activity.signup_deadline:
        raise DomainError(_("Sign-up has closed."))
    participation, changed = _place_or_queue(activity, member, now)
    if not changed:
        return participation, False
    audit_record(
        actor=user,
        action="volunteer.signup",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {member}",
        changes={"state": [None, ParticipationState(participation.state).label]},
    )
    return participation, True


def _place_or_queue(
    activity: VolunteerActivity, member: Member, now: datetime
) -> tuple[Participation, bool]:
    """A place while there is one, otherwise the waiting list; someone already in stays as
    they are (False). The caller holds the activity's row lock."""
    existing = Participation.objects.filter(activity=activity, member=member).first()
    if existing is not None and existing.state != ParticipationState.CANCELLED:
        return existing, False
    taken = activity.participations.filter(state=ParticipationState.SIGNED_UP).count()
    state = (
        ParticipationState.SIGNED_UP if taken < activity.capacity else ParticipationState.WAITLISTED
    )
    if existing is None:
        return (
            Participation.objects.create(
                activity=activity, member=member, state=state, signed_up_at=now
            ),
            True,
        )
    existing.state, existing.signed_up_at = state, now
    existing.save(update_fields=["state", "signed_up_at"])
    return existing, True


@transaction.atomic
def participant_add(
    *, actor: Any, activity: VolunteerActivity, member: Member
) -> tuple[Participation, bool]:
    """The organiser enters someone who came without signing up (or signs them up for them):
    a place if there is one, otherwise the waiting list, as for a sign-up."""
    activity = _activity_for_update(activity)
    access.require(actor, perms.MANAGE, activity.org)
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("This activity is not open."))
    if member.archived_at is not None:
        raise DomainError(_("This member's record is archived."))
    participation, changed = _place_or_queue(activity, member, timezone.now())
    if not changed:
        return participation, False
    audit_record(
        actor=actor,
        action="volunteer.participant_add",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {member}",
        changes={"state": [None, ParticipationState(participation.state).label]},
    )
    return participation, True


@transaction.atomic
def signup_cancel(*, user: Any, participation: Participation) -> Participation:
    """Give up a place (or a place in the queue) before cancellations close; the first on the
    waiting list moves up and is told."""
    member = own_member(user)
    activity = _activity_for_update(participation.activity)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.member_id != member.pk:
        raise DomainError(_("You can only cancel your own sign-up."))
    if participation.state == ParticipationState.CANCELLED:
        raise DomainError(_("You have already cancelled."))
    if timezone.now() > activity.cancel_deadline:
        raise DomainError(_("Cancellations have closed; tell the organiser."))
    had_place = participation.state == ParticipationState.SIGNED_UP
    before = participation.state
    participation.state = ParticipationState.CANCELLED
    participation.save(update_fields=["state"])
    audit_record(
        actor=user,
        action="volunteer.signup_cancel",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {member}",
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
    nxt.state = ParticipationState.SIGNED_UP
    nxt.save(update_fields=["state"])
    audit_record(
        actor=None,
        action="volunteer.promote",
        target=activity,
        org=activity.org,
        target_label=f"{activity} · {nxt.member}",
        changes={
            "state": [ParticipationState.WAITLISTED.label, ParticipationState.SIGNED_UP.label]
        },
    )
    if nxt.member.user_id:
        _tell(
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
    activity = _activity_for_update(activity)
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
    activity = _activity_for_update(participation.activity)
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
    reason = _clean(reason)
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
    activity = _activity_for_update(activity)
    access.require(actor, perms.MANAGE, activity.org)
    if activity.status != ActivityStatus.OPEN:
        raise DomainError(_("The hours of this activity are already confirmed."))
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
    activity.status = ActivityStatus.CLOSED
    activity.save(update_fields=["status"])
    credited = [r for r in rows if r.hours > 0]
    audit_record(
        actor=actor,
        action="volunteer.hours_confirm",
        target=activity,
        org=activity.org,
        changes={
            "participants": [None, len(credited)],
            "hours": [None, str(sum((r.hours for r in credited), Decimal(0)))],
        },
    )
    return activity


@transaction.atomic
def hours_correct(
    *, actor: Any, participation: Participation, hours: Decimal, reason: str
) -> Participation:
    """Correct confirmed hours (a forgotten check-out, a mistake): with a reason, audited."""
    activity = _activity_for_update(participation.activity)
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
    reason = _clean(reason)
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


# ---- Certificates ------------------------------------------------------------------------


def volunteer_number(member: Member) -> str:
    return f"MF{member.pk:08d}"


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    member: Member,
    org: Organisation,
    period_from: date,
    period_to: date,
    person_in_charge: str,
    handler: str,
    handler_contact: str,
) -> Certificate:
    """谁记录谁证明: the organisation certifies the confirmed hours of the activities it (or an
    organisation under it) organised in the period."""
    access.require(actor, perms.MANAGE, org)
    if period_to < period_from:
        raise DomainError({"period_to": _("The period ends after it begins.")})
    person_in_charge, handler, handler_contact = (
        _clean(person_in_charge),
        _clean(handler),
        _clean(handler_contact),
    )
    if not (person_in_charge and handler and handler_contact):
        raise DomainError(_("Name the person in charge, the handler and the handler's contact."))
    from mofan.core.paths import subtree_q

    zone = timezone.get_current_timezone()
    rows = Participation.objects.filter(
        subtree_q(org.path, "activity__org"),
        member=member,
        confirmed_at__isnull=False,
        hours__gt=0,
        activity__starts_at__gte=datetime.combine(period_from, datetime.min.time(), tzinfo=zone),
        activity__starts_at__lt=datetime.combine(
            period_to + timedelta(days=1), datetime.min.time(), tzinfo=zone
        ),
    )
    total = rows.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if total <= 0:
        raise DomainError(_("No confirmed hours in this period to certify."))
    kinds = sorted(set(rows.values_list("activity__kind__name", flat=True)))
    count = rows.count()
    content = _("%(n)d volunteer activities: %(kinds)s") % {"n": count, "kinds": "、".join(kinds)}
    today = timezone.localdate()
    prefix = f"ZYZM{today.year}"
    for _attempt in range(5):
        last = (
            Certificate.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        sequence = int(last[len(prefix) :]) + 1 if last else 1
        try:
            with refuse_duplicates(_("The certificate number is taken; try again.")):
                certificate = Certificate.objects.create(
                    number=f"{prefix}{sequence:06d}",
                    check_code=secrets.token_hex(4).upper(),
                    member=member,
                    org=org,
                    period_from=period_from,
                    period_to=period_to,
                    hours=total,
                    activities=count,
                    content=content,
                    person_in_charge=person_in_charge,
                    handler=handler,
                    handler_contact=handler_contact,
                    issued_on=today,
                    issued_by=actor if actor is not None else None,
                )
        except DomainError:
            continue  # another certificate took the number at the same moment
        break
    else:
        raise DomainError(_("The certificate number is taken; try again."))
    audit_record(
        actor=actor,
        action="volunteer.certificate",
        target=certificate,
        org=org,
        target_label=f"{certificate.number} · {member}",
        changes={"hours": [None, str(total)], "activities": [None, count]},
    )
    return certificate


# ---- Micro-wishes ------------------------------------------------------------------------

WISH_MAX_VALUE = Decimal("2000")  # a micro-wish is small; larger needs go to 实事 or aid


def _contacts_of(community: PartnerUnit) -> list[int]:
    return list(
        PartnerContact.objects.filter(partner=community, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def _wish_for_update(wish: Wish) -> Wish:
    return (
        Wish.objects.select_for_update()
        .select_related("community", "community__org")
        .get(pk=wish.pk)
    )


def _add_photos(wish: Wish, photos: list[Any], role: str) -> None:
    for upload in photos:
        checked = check_upload(upload, kinds=(JPEG, PNG))
        photo = WishPhoto(wish=wish, role=role, content_type=checked.kind.content_type)
        photo.file.save(checked.stored_name, checked.upload, save=False)
        photo.save()


@transaction.atomic
def wish_post(
    *,
    actor: Any,
    community: PartnerUnit,
    beneficiary: str,
    title: str,
    estimated_value: Decimal | str,
    deadline: date,
    description: str = "",
    photos: list[Any] | None = None,
) -> Wish:
    """A community contact posts a wish (or staff of its managing organisation, for it)."""
    access.require_partner_or(actor, community, perms.REVIEW_WISHES)
    beneficiary, title = _clean(beneficiary), _clean(title)
    if not beneficiary:
        raise DomainError({"beneficiary": _("Name the person the wish is for.")})
    if not title:
        raise DomainError({"title": _("Say what is wished for.")})
    try:
        value = Decimal(str(estimated_value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise DomainError({"estimated_value": _("Enter an amount in yuan.")}) from exc
    if value < 0 or value > WISH_MAX_VALUE:
        raise DomainError(
            {
                "estimated_value": _("A micro-wish is worth at most %(max)s yuan.")
                % {"max": WISH_MAX_VALUE}
            }
        )
    if deadline <= timezone.localdate():
        raise DomainError({"deadline": _("The deadline is a day after today.")})
    wish = Wish.objects.create(
        community=community,
        beneficiary=beneficiary,
        title=title,
        description=(description or "").strip(),
        estimated_value=value,
        deadline=deadline,
        posted_by=actor if actor is not None else None,
    )
    _add_photos(wish, photos or [], WishPhotoRole.WISH)
    audit_record(
        actor=actor,
        action="volunteer.wish.post",
        target=wish,
        org=community.org,
        changes=diff({}, {"title": title, "value": str(value), "deadline": deadline}),
    )
    reviewers = access.holders(community.org, perms.REVIEW_WISHES)
    _tell(
        reviewers,
        _("A micro-wish to review: %(title)s") % {"title": title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
    )
    return wish


@transaction.atomic
def wish_review(*, actor: Any, wish: Wish, approve: bool, note: str = "") -> Wish:
    wish = _wish_for_update(wish)
    access.require(actor, perms.REVIEW_WISHES, wish.community.org)
    if wish.status != WishStatus.SUBMITTED:
        raise DomainError(_("This wish has already been reviewed."))
    note = _clean(note)[:200]
    if not approve and not note:
        raise DomainError({"note": _("Give the reason.")})
    wish.status = WishStatus.PUBLISHED if approve else WishStatus.REJECTED
    wish.review_note = note
    wish.published_at = timezone.now() if approve else None
    wish.save(update_fields=["status", "review_note", "published_at"])
    audit_record(
        actor=actor,
        action="volunteer.wish.publish" if approve else "volunteer.wish.reject",
        target=wish,
        org=wish.community.org,
        changes={
            "status": [WishStatus.SUBMITTED.label, WishStatus(wish.status).label],
            "note": [None, note],
        },
    )
    _tell(
        _contacts_of(wish.community),
        (_("Published: %(title)s") if approve else _("Not accepted: %(title)s"))
        % {"title": wish.title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
        note,
    )
    return wish


def can_see_wish(member: Member, wish: Wish) -> bool:
    """A published wish is offered to the members of the organisations linked to its
    community: those under the organisation that manages the partnership, and those under a
    party to an active co-building agreement with the community."""
    from mofan.cobuild.selectors import partners_linked_to

    if member.org.path.startswith(wish.community.org.path):
        return True
    if CommunityRegistration.objects.filter(
        member=member, community_id=wish.community_id, state=RegistrationState.CONFIRMED
    ).exists():
        return True
    return (
        partners_linked_to(member.org.path, member.org.steplen)
        .filter(partner_id=wish.community_id)
        .exists()
    )


class ClaimRefusedError(DomainError):
    """A claim refused because the wish is no longer open; `status` is the state it was
    found in, so that the page need not read it again to tell where to send the member."""

    def __init__(self, message: str, status: str, *, own: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.own = own  # the member asking is the one who claimed it


def _claim_refused(status: str, *, own: bool = False) -> ClaimRefusedError:
    if status in {WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED}:
        if own:
            return ClaimRefusedError(_("You have already claimed this wish."), status, own=True)
        return ClaimRefusedError(_("Someone else has just claimed this wish."), status)
    return ClaimRefusedError(_("This wish is not open for claiming."), status)


def wish_claim(*, user: Any, wish: Wish, member: Member | None = None) -> Wish:
    """认领: exactly one claim wins, whatever the concurrency: the claim is one conditional
    update from 'open for claiming' to 'claimed'; everyone else is told at once.

    A wish already claimed is refused from a plain read, before any lock or write
    transaction: the losers of a race who arrive after the winner's commit (most of them)
    neither queue for SQLite's write lock nor lock their member row on PostgreSQL.

    `member`: the user's own member record if the caller has just read it (the claim page
    has, to decide whether the wish is offered to them); read here otherwise."""
    if member is None or member.user_id != user.pk or member.archived_at is not None:
        member = own_member(user)
    wish = Wish.objects.select_related("community", "community__org").get(pk=wish.pk)
    if not can_see_wish(member, wish):
        raise DomainError(_("This wish is offered to other organisations."))
    if wish.status != WishStatus.PUBLISHED:
        raise _claim_refused(wish.status, own=wish.claimed_by_id == member.pk)
    return _wish_claim_locked(user=user, member=member, wish=wish)


@transaction.atomic
def _wish_claim_locked(*, user: Any, member: Member, wish: Wish) -> Wish:
    # One member's claims are serialised, so the open-claims limit holds under concurrency.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    rule = rules.rule_on(timezone.localdate())
    limit = rule.open_claims_per_member if rule else 3
    open_claims = Wish.objects.filter(
        claimed_by=member, status__in=[WishStatus.CLAIMED, WishStatus.FULFILLED]
    ).count()
    if open_claims >= limit:
        raise DomainError(
            _("You already have %(n)d wishes to fulfil; fulfil one before claiming another.")
            % {"n": open_claims}
        )
    now = timezone.now()
    won = Wish.objects.filter(
        pk=wish.pk, status=WishStatus.PUBLISHED, deadline__gte=timezone.localdate()
    ).update(status=WishStatus.CLAIMED, claimed_by=member, claimed_for=member.org, claimed_at=now)
    if not won:
        current = Wish.objects.filter(pk=wish.pk).values_list("status", "claimed_by").first()
        status, claimer = current or ("", None)
        raise _claim_refused(status, own=claimer == member.pk)
    # What the update wrote (read back, it would also drop the community read with the wish).
    wish.status, wish.claimed_by, wish.claimed_for, wish.claimed_at = (
        WishStatus.CLAIMED,
        member,
        member.org,
        now,
    )
    audit_record(
        actor=user,
        action="volunteer.wish.claim",
        target=wish,
        org=wish.community.org,
        changes={"claimed_by": [None, member.full_name], "for": [None, member.org.name]},
    )
    _tell(
        _contacts_of(wish.community),
        _("Claimed: %(title)s") % {"title": wish.title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
        _("%(name)s of %(org)s will fulfil it.")
        % {"name": member.full_name, "org": member.org.name},
    )
    return wish


@transaction.atomic
def wish_fulfil(
    *, user: Any, wish: Wish, fulfilled_on: date, note: str, photos: list[Any] | None = None
) -> Wish:
    member = own_member(user)
    wish = _wish_for_update(wish)
    if wish.claimed_by_id != member.pk:
        raise DomainError(_("Only the person who claimed the wish reports its fulfilment."))
    if wish.status != WishStatus.CLAIMED:
        raise DomainError(_("This wish is not waiting to be fulfilled."))
    note = (note or "").strip()
    if not note:
        raise DomainError({"note": _("Say how the wish was fulfilled.")})
    if fulfilled_on > timezone.localdate() or (
        wish.claimed_at is not None and fulfilled_on < timezone.localdate(wish.claimed_at)
    ):
        raise DomainError({"fulfilled_on": _("The date lies between the claim and today.")})
    wish.status, wish.fulfilled_on, wish.fulfilment_note = WishStatus.FULFILLED, fulfilled_on, note
    wish.save(update_fields=["status", "fulfilled_on", "fulfilment_note"])
    _add_photos(wish, photos or [], WishPhotoRole.EVIDENCE)
    audit_record(
        actor=user,
        action="volunteer.wish.fulfil",
        target=wish,
        org=wish.community.org,
        changes={"fulfilled_on": [None, fulfilled_on]},
    )
    _tell(
        _contacts_of(wish.community),
        _("Please confirm: %(title)s") % {"title": wish.title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
    )
    return wish


@transaction.atomic
def wish_confirm(*, actor: Any, wish: Wish, approve: bool, reason: str = "") -> Wish:
    """The community confirms the wish came true, or returns it to the claimer with a reason."""
    wish = _wish_for_update(wish)
    access.require_partner_or(actor, wish.community, perms.REVIEW_WISHES)
    if wish.status != WishStatus.FULFILLED:
        raise DomainError(_("This wish is not waiting for confirmation."))
    reason = _clean(reason)[:200]
    if not approve and not reason:
        raise DomainError({"reason": _("Give the reason.")})
    wish.status = WishStatus.CONFIRMED if approve else WishStatus.CLAIMED
    wish.confirmed_at = timezone.now() if approve else None
    wish.return_reason = "" if approve else reason
    wish.save(update_fields=["status", "confirmed_at", "return_reason"])
    audit_record(
        actor=actor,
        action="volunteer.wish.confirm" if approve else "volunteer.wish.return",
        target=wish,
        org=wish.community.org,
        changes={
            "status": [WishStatus.FULFILLED.label, WishStatus(wish.status).label],
            "reason": [None, reason],
        },
    )
    claimer = (
        Member.objects.filter(pk=wish.claimed_by_id or 0).values_list("user_id", flat=True).first()
    )
    if claimer:
        _tell(
            [claimer],
            (_("Confirmed, thank you: %(title)s") if approve else _("Returned: %(title)s"))
            % {"title": wish.title},
            reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
            reason,
        )
    return wish


def wishes_expire(today: date | None = None) -> int:
    """Wishes nobody claimed by their deadline expire (a daily task)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ids = list(
            Wish.objects.select_for_update()
            .filter(status=WishStatus.PUBLISHED, deadline__lt=today)
            .values_list("pk", flat=True)
        )
        Wish.objects.filter(pk__in=ids, status=WishStatus.PUBLISHED).update(
            status=WishStatus.EXPIRED
        )
        # One audit step per organisation (the events carry it), not one per wish.
        by_org: dict[int, list[Wish]] = {}
        orgs: dict[int, Organisation] = {}
        for wish in Wish.objects.filter(pk__in=ids).select_related("community__org"):
            by_org.setdefault(wish.community.org_id, []).append(wish)
            orgs[wish.community.org_id] = wish.community.org
        change = {"status": [WishStatus.PUBLISHED.label, WishStatus.EXPIRED.label]}
        for org_id, wishes in by_org.items():
            audit_record_many(
                actor=None,
                action="volunteer.wish.expire",
                targets=wishes,
                org=orgs[org_id],
                changes=[change] * len(wishes),
            )
    return len(ids)


# ---- Teams and kinds of activity -------------------------------------------------------------


@transaction.atomic
def team_create(*, actor: Any, org: Organisation, name: str) -> VolunteerTeam:
    access.require(actor, perms.MANAGE, org)
    name = _clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name of the team.")})
    if VolunteerTeam.objects.filter(org=org, name=name).exists():
        raise DomainError({"name": _("This organisation already has a team of this name.")})
    with refuse_duplicates(_("This organisation already has a team of this name."), "name"):
        team = VolunteerTeam.objects.create(org=org, name=name)
    audit_record(
        actor=actor,
        action="volunteer.team.create",
        target=team,
        org=org,
        changes={"name": [None, name]},
    )
    return team


@transaction.atomic
def team_members_set(
    *, actor: Any, team: VolunteerTeam, add: list[Member], remove: list[Member]
) -> VolunteerTeam:
    """Add members (from the team's organisation and below) and take members off."""
    team = VolunteerTeam.objects.select_for_update().select_related("org").get(pk=team.pk)
    access.require(actor, perms.MANAGE, team.org)
    outside = [m.full_name for m in add if not m.org.path.startswith(team.org.path)]
    if outside:
        raise DomainError(
            _("Not members of %(org)s: %(names)s.")
            % {"org": team.org.name, "names": "、".join(outside)}
        )
    if add:
        team.members.add(*add)
    if remove:
        team.members.remove(*remove)
    audit_record(
        actor=actor,
        action="volunteer.team.members",
        target=team,
        org=team.org,
        changes={
            "added": [None, "、".join(m.full_name for m in add)],
            "removed": [None, "、".join(m.full_name for m in remove)],
        },
    )
    return team


@transaction.atomic
def kind_add(*, actor: Any, name: str) -> ActivityKind:
    """The kinds of activity are one list for the deployment, kept by those who organise
    volunteering at its root."""
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    name = _clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name of the kind.")})
    existing = ActivityKind.objects.filter(name=name).first()
    if existing is not None and existing.archived_at is None:
        raise DomainError({"name": _("This kind is already on the list.")})
    if existing is not None:
        existing.archived_at = None
        existing.save(update_fields=["archived_at"])
        kind = existing
    else:
        with refuse_duplicates(_("This kind is already on the list."), "name"):
            kind = ActivityKind.objects.create(name=name)
    audit_record(
        actor=actor, action="volunteer.kind.add", target=kind, changes={"name": [None, name]}
    )
    return kind


@transaction.atomic
def kind_archive(*, actor: Any, kind: ActivityKind) -> ActivityKind:
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    kind = ActivityKind.objects.select_for_update().get(pk=kind.pk)
    if kind.archived_at is not None:
        raise DomainError(_("This kind is already off the list."))
    kind.archived_at = timezone.now()
    kind.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="volunteer.kind.archive",
        target=kind,
        changes={"name": [kind.name, None]},
    )
    return kind


@transaction.atomic
def hours_rule_add(
    *,
    actor: Any,
    effective_from: date,
    presence_threshold: Decimal,
    star_hours: list[int],
    open_claims_per_member: int,
    registration_hours_target: int = 0,
) -> HoursRule:
    """A new hours rule from a date on (rules are data with dates: activities keep the
    threshold in force when they were created)."""
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        access.require(actor, perms.MANAGE, root)
    if not Decimal("0.1") <= presence_threshold <= Decimal(1):
        raise DomainError({"presence_threshold": _("Between 10 and 100 per cent.")})
    if (
        len(star_hours) != 5
        or any(h <= 0 for h in star_hours)
        or star_hours != sorted(set(star_hours))
    ):
        raise DomainError(
            {"star_hours": _("Five numbers of hours, each larger than the one before.")}
        )
    if not 1 <= open_claims_per_member <= 20:
        raise DomainError({"open_claims_per_member": _("From 1 to 20.")})
    if not 0 <= registration_hours_target <= 500:
        raise DomainError({"registration_hours_target": _("From 0 to 500.")})
    if HoursRule.objects.filter(effective_from=effective_from).exists():
        raise DomainError({"effective_from": _("A rule already starts on this day.")})
    with refuse_duplicates(_("A rule already starts on this day."), "effective_from"):
        rule = HoursRule.objects.create(
            effective_from=effective_from,
            presence_threshold=presence_threshold,
            star_hours=star_hours,
            open_claims_per_member=open_claims_per_member,
            registration_hours_target=registration_hours_target,
        )
    audit_record(
        actor=actor,
        action="volunteer.hours_rule",
        target=rule,
        changes=diff(
            {},
            {
                "effective_from": effective_from,
                "presence_threshold": str(presence_threshold),
                "star_hours": "/".join(str(h) for h in star_hours),
                "open_claims_per_member": open_claims_per_member,
                "registration_hours_target": registration_hours_target,
            },
        ),
    )
    return rule


# ---- 在职党员进社区报到 ---------------------------------------------------------------------


@transaction.atomic
def registration_submit(*, user: Any, community: PartnerUnit) -> CommunityRegistration:
    """The member registers with the community where they live (one at a time: a new one
    ends the previous)."""
    member = own_member(user)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    if community.kind not in {PartnerKind.COMMUNITY, PartnerKind.SUBDISTRICT}:
        raise DomainError({"community": _("Register with a community.")})
    if community.archived_at is not None:
        raise DomainError({"community": _("This community is no longer a partner.")})
    current = CommunityRegistration.objects.filter(
        member=member, state__in=[RegistrationState.PENDING, RegistrationState.CONFIRMED]
    ).first()
    if current is not None and current.community_id == community.pk:
        raise DomainError(_("You have already registered with this community."))
    if current is not None:
        current.state, current.decided_at = RegistrationState.ENDED, timezone.now()
        current.save(update_fields=["state", "decided_at"])
    with refuse_duplicates(_("You have already registered with this community.")):
        registration = CommunityRegistration.objects.create(member=member, community=community)
    audit_record(
        actor=user,
        action="volunteer.registration.submit",
        target=registration,
        org=member.org,
        changes={"community": [current.community.name if current else None, community.name]},
    )
    _tell(
        _contacts_of(community),
        _("A party member registers with the community: %(name)s") % {"name": member.full_name},
        reverse("volunteer:mine"),
    )
    return registration


@transaction.atomic
def registration_decide(
    *, actor: Any, registration: CommunityRegistration, approve: bool, note: str = ""
) -> CommunityRegistration:
    """The community (or staff looking after it) confirms the member lives there, or not."""
    registration = (
        CommunityRegistration.objects.select_for_update()
        .select_related("community", "community__org", "member", "member__org")
        .get(pk=registration.pk)
    )
    access.require_partner_or(actor, registration.community, perms.REVIEW_WISHES)
    if registration.state != RegistrationState.PENDING:
        raise DomainError(_("This registration has already been decided."))
    note = _clean(note)[:200]
    if not approve and not note:
        raise DomainError({"note": _("Give the reason.")})
    registration.state = RegistrationState.CONFIRMED if approve else RegistrationState.DECLINED
    registration.decided_at, registration.decided_by = timezone.now(), actor
    registration.note = note
    registration.save(update_fields=["state", "decided_at", "decided_by", "note"])
    audit_record(
        actor=actor,
        action="volunteer.registration.confirm" if approve else "volunteer.registration.decline",
        target=registration,
        org=registration.member.org,
        changes={
            "state": [None, RegistrationState(registration.state).label],
            "note": [None, note],
        },
    )
    if registration.member.user_id:
        _tell(
            [registration.member.user_id],
            (_("Registered with %(community)s") if approve else _("Not confirmed by %(community)s"))
            % {"community": registration.community.name},
            reverse("volunteer:mine"),
            note,
        )
    return registration


# ---- Community tasks and the yearly evaluation -------------------------------------------------


def _require_community(actor: Any, community: PartnerUnit) -> None:
    """The community's contact, or staff who look after it (review its wishes)."""
    access.require_partner_or(actor, community, perms.REVIEW_WISHES)


def _task_step(task: RegistrationTask, action: str) -> str:
    target = TASK_TRANSITIONS.get((task.state, action))
    if target is None:
        raise DomainError(
            _("This task is %(state)s; that step is not possible now.")
            % {"state": TaskState(task.state).label}
        )
    return target


def _task_for_update(task: RegistrationTask) -> RegistrationTask:
    return (
        RegistrationTask.objects.select_for_update()
        .select_related(
            "registration",
            "registration__community",
            "registration__community__org",
            "registration__member",
            "registration__member__org",
        )
        .get(pk=task.pk)
    )


@transaction.atomic
def registration_task_assign(
    *,
    actor: Any,
    registration: CommunityRegistration,
    title: str,
    detail: str = "",
    due_on: date | None = None,
) -> RegistrationTask:
    """The community gives a registered member a task (a post to fill, a service to do)."""
    registration = (
        CommunityRegistration.objects.select_for_update()
        .select_related("community", "community__org", "member", "member__org")
        .get(pk=registration.pk)
    )
    _require_community(actor, registration.community)
    if registration.state != RegistrationState.CONFIRMED:
        raise DomainError(_("Tasks go to members whose registration the community confirmed."))
    title = _clean(title)[:100]
    if not title:
        raise DomainError({"title": _("Say what the task is.")})
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError({"due_on": _("The due date has passed.")})
    task = RegistrationTask.objects.create(
        registration=registration,
        title=title,
        detail=(detail or "").strip()[:2000],
        due_on=due_on,
        assigned_by=actor,
    )
    audit_record(
        actor=actor,
        action="volunteer.task.assign",
        target=task,
        org=registration.member.org,
        changes={"title": [None, title], "member": [None, registration.member.full_name]},
    )
    if registration.member.user_id:
        _tell(
            [registration.member.user_id],
            _("%(community)s asks you: %(task)s")
            % {"community": registration.community.name, "task": title},
            reverse("volunteer:mine"),
            task.detail,
        )
    return task


@transaction.atomic
def registration_task_report(
    *, user: Any, task: RegistrationTask, hours: Decimal, report: str
) -> RegistrationTask:
    """The member reports the task done, with the hours it took."""
    member = own_member(user)
    task = _task_for_update(task)
    if task.registration.member_id != member.pk:
        raise DomainError(_("This task was given to someone else."))
    task.state = _task_step(task, "report")
    if not Decimal("0.5") <= hours <= Decimal(24):
        raise DomainError({"hours": _("Between 0.5 and 24 hours.")})
    report = (report or "").strip()[:2000]
    if not report:
        raise DomainError({"report": _("Say briefly what you did.")})
    task.hours, task.report, task.reported_at = hours, report, timezone.now()
    task.note = ""
    task.save(update_fields=["state", "hours", "report", "reported_at", "note"])
    audit_record(
        actor=user,
        action="volunteer.task.report",
        target=task,
        org=member.org,
        changes={"hours": [None, str(hours)], "report": [None, report]},
    )
    _tell(
        _contacts_of(task.registration.community),
        _("%(name)s reports a task done: %(task)s")
        % {"name": member.full_name, "task": task.title},
        reverse("volunteer:community", args=[task.registration.community_id]),
    )
    return task


@transaction.atomic
def registration_task_decide(
    *, actor: Any, task: RegistrationTask, confirm: bool, note: str = ""
) -> RegistrationTask:
    """The community confirms the reported hours (they count), or returns the task with a
    reason (the member reports again)."""
    task = _task_for_update(task)
    _require_community(actor, task.registration.community)
    task.state = _task_step(task, "confirm" if confirm else "return")
    note = _clean(note)[:200]
    if not confirm and not note:
        raise DomainError({"note": _("Give the reason.")})
    task.note = note
    task.confirmed_at = timezone.now() if confirm else None
    task.save(update_fields=["state", "note", "confirmed_at"])
    audit_record(
        actor=actor,
        action="volunteer.task.confirm" if confirm else "volunteer.task.return",
        target=task,
        org=task.registration.member.org,
        changes={"state": [None, TaskState(task.state).label], "note": [None, note]},
    )
    member = task.registration.member
    if member.user_id:
        _tell(
            [member.user_id],
            (_("Task confirmed: %(task)s") if confirm else _("Task returned: %(task)s"))
            % {"task": task.title},
            reverse("volunteer:mine"),
            note,
        )
    return task


@transaction.atomic
def registration_task_cancel(*, actor: Any, task: RegistrationTask, note: str) -> RegistrationTask:
    task = _task_for_update(task)
    _require_community(actor, task.registration.community)
    task.state = _task_step(task, "cancel")
    note = _clean(note)[:200]
    if not note:
        raise DomainError({"note": _("Give the reason.")})
    task.note = note
    task.save(update_fields=["state", "note"])
    audit_record(
        actor=actor,
        action="volunteer.task.cancel",
        target=task,
        org=task.registration.member.org,
        changes={"state": [None, TaskState.CANCELLED.label], "note": [None, note]},
    )
    return task


@transaction.atomic
def registration_evaluate(
    *,
    actor: Any,
    registration: CommunityRegistration,
    year: int,
    grade: str,
    comment: str = "",
) -> RegistrationEvaluation:
    """The community's evaluation of a registered member for a year (once a year; the hours
    the community saw that year are kept with the grade)."""
    from mofan.volunteer.selectors import registration_year_hours

    registration = (
        CommunityRegistration.objects.select_for_update()
        .select_related("community", "community__org", "member", "member__org")
        .get(pk=registration.pk)
    )
    _require_community(actor, registration.community)
    if registration.state != RegistrationState.CONFIRMED:
        raise DomainError(_("Only members registered with the community are evaluated."))
    this_year = timezone.localdate().year
    if not registration.decided_at or not (registration.decided_at.year <= year <= this_year):
        raise DomainError({"year": _("Evaluate a year of the registration, up to this one.")})
    if grade not in EvaluationGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    comment = (comment or "").strip()[:1000]
    if grade == EvaluationGrade.POOR and not comment:
        raise DomainError({"comment": _("Say why when the grade is poor.")})
    if RegistrationEvaluation.objects.filter(registration=registration, year=year).exists():
        raise DomainError(_("This member has already been evaluated for that year."))
    hours = registration_year_hours(registrations=[registration], year=year)[registration.pk]
    with refuse_duplicates(_("This member has already been evaluated for that year.")):
        evaluation = RegistrationEvaluation.objects.create(
            registration=registration,
            year=year,
            grade=grade,
            hours=hours,
            comment=comment,
            evaluated_by=actor,
        )
    audit_record(
        actor=actor,
        action="volunteer.registration.evaluate",
        target=evaluation,
        org=registration.member.org,
        changes={
            "year": [None, year],
            "grade": [None, EvaluationGrade(grade).label],
            "hours": [None, str(hours)],
        },
    )
    if registration.member.user_id:
        _tell(
            [registration.member.user_id],
            _("%(community)s evaluated your year %(year)s: %(grade)s")
            % {
                "community": registration.community.name,
                "year": year,
                "grade": EvaluationGrade(grade).label,
            },
            reverse("volunteer:mine"),
            comment,
        )
    return evaluation
