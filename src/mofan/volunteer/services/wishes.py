"""Micro-wishes: posted, reviewed, claimed by exactly one, fulfilled, confirmed, expired."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record_many, diff
from mofan.core.errors import DomainError
from mofan.core.uploads import JPEG, PNG, check_upload
from mofan.members.models import Member
from mofan.orgs.models import Organisation, PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import rules
from mofan.volunteer.models import (
    Wish,
    WishPhoto,
    WishPhotoRole,
    WishStatus,
)
from mofan.volunteer.policies import require_acts_for_community, wish_offered_to
from mofan.volunteer.services.common import clean, contacts_of, own_member, tell
from mofan.volunteer.workflows import WISH

WISH_MAX_VALUE = Decimal("2000")  # a micro-wish is small; larger needs go to 实事 or aid


def _add_photos(wish: Wish, photos: list[Any], role: str, actor: Any) -> None:
    for upload in photos:
        checked = check_upload(upload, kinds=(JPEG, PNG))
        photo = WishPhoto(
            wish=wish,
            role=role,
            content_type=checked.kind.content_type,
            name=checked.name,
            size=checked.size,
            uploaded_by=actor if actor is not None else None,
        )
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
    beneficiary, title = clean(beneficiary), clean(title)
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
    _add_photos(wish, photos or [], WishPhotoRole.WISH, actor)
    WISH.started(
        actor,
        wish,
        "post",
        changes=diff({}, {"title": title, "value": str(value), "deadline": deadline}),
    )
    reviewers = access.holders(community.org, perms.REVIEW_WISHES)
    tell(
        reviewers,
        _("A micro-wish to review: %(title)s") % {"title": title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
    )
    return wish


@transaction.atomic
def wish_review(*, actor: Any, wish: Wish, approve: bool, note: str = "") -> Wish:
    name = "publish" if approve else "reject"
    wish = WISH.begin(
        actor,
        wish,
        name,
        first=lambda w: access.require(actor, perms.REVIEW_WISHES, w.community.org),
    )
    note = clean(note)[:200]
    if not approve and not note:
        raise DomainError({"note": _("Give the reason.")})
    wish.review_note = note
    wish.published_at = timezone.now() if approve else None
    WISH.finish(
        actor,
        wish,
        name,
        fields=["review_note", "published_at"],
        changes={
            "status": [WishStatus.SUBMITTED.label, WishStatus(WISH[name].target).label],
            "note": [None, note],
        },
    )
    tell(
        contacts_of(wish.community),
        (_("Published: %(title)s") if approve else _("Not accepted: %(title)s"))
        % {"title": wish.title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
        note,
    )
    return wish


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
    if not wish_offered_to(member, wish):
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
    WISH.taken(
        user,
        wish,
        "claim",
        before=WishStatus.PUBLISHED,
        changes={"claimed_by": [None, member.full_name], "for": [None, member.org.name]},
    )
    tell(
        contacts_of(wish.community),
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

    def claimed_by_member(locked: Wish) -> None:
        if locked.claimed_by_id != member.pk:
            raise DomainError(_("Only the person who claimed the wish reports its fulfilment."))

    wish = WISH.begin(user, wish, "fulfil", first=claimed_by_member)
    note = (note or "").strip()
    if not note:
        raise DomainError({"note": _("Say how the wish was fulfilled.")})
    if fulfilled_on > timezone.localdate() or (
        wish.claimed_at is not None and fulfilled_on < timezone.localdate(wish.claimed_at)
    ):
        raise DomainError({"fulfilled_on": _("The date lies between the claim and today.")})
    wish.fulfilled_on, wish.fulfilment_note = fulfilled_on, note
    WISH.finish(
        user,
        wish,
        "fulfil",
        fields=["fulfilled_on", "fulfilment_note"],
        changes={"fulfilled_on": [None, fulfilled_on]},
    )
    _add_photos(wish, photos or [], WishPhotoRole.EVIDENCE, user)
    tell(
        contacts_of(wish.community),
        _("Please confirm: %(title)s") % {"title": wish.title},
        reverse("volunteer:wish", kwargs={"wish_id": wish.pk}),
    )
    return wish


@transaction.atomic
def wish_confirm(*, actor: Any, wish: Wish, approve: bool, reason: str = "") -> Wish:
    """The community confirms the wish came true, or returns it to the claimer with a reason."""
    name = "confirm" if approve else "return"
    wish = WISH.begin(
        actor, wish, name, first=lambda w: require_acts_for_community(actor, w.community)
    )
    reason = clean(reason)[:200]
    if not approve and not reason:
        raise DomainError({"reason": _("Give the reason.")})
    wish.confirmed_at = timezone.now() if approve else None
    wish.return_reason = "" if approve else reason
    WISH.finish(
        actor,
        wish,
        name,
        fields=["confirmed_at", "return_reason"],
        changes={
            "status": [WishStatus.FULFILLED.label, WishStatus(WISH[name].target).label],
            "reason": [None, reason],
        },
    )
    claimer = (
        Member.objects.filter(pk=wish.claimed_by_id or 0).values_list("user_id", flat=True).first()
    )
    if claimer:
        tell(
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
        # The step of many at once: one update and one audit step per organisation, where
        # `finish` would write one of each per wish.
        expire = WISH["expire"]
        Wish.objects.filter(pk__in=ids, status__in=expire.sources).update(status=expire.target)
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
