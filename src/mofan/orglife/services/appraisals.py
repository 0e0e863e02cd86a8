"""民主评议党员: the yearly democratic appraisal of a branch's members."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.services import message_send
from mofan.members.models import Member, MemberStatus
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Appraisal,
    AppraisalEntry,
    AppraisalGrade,
    AppraisalState,
    Meeting,
    PeerRating,
)
from mofan.orglife.services.meetings import own_member
from mofan.orglife.workflows import APPRAISAL
from mofan.orgs.models import Organisation, OrgKind

# ---- 民主评议党员 (DOMAIN_RULES §2) ------------------------------------------------------

EXCELLENT_AT_MOST = (1, 3)  # 优秀 normally at most a third of the members graded


def excellent_limit(graded: int) -> int:
    numerator, denominator = EXCELLENT_AT_MOST
    return graded * numerator // denominator


def _open_appraisal(appraisal: Appraisal) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)
    if appraisal.state != AppraisalState.OPEN:
        raise DomainError(_("This appraisal has been concluded."))
    return appraisal


@transaction.atomic
def appraisal_open(
    *, actor: Any, org: Organisation, year: int, meeting: Meeting | None = None
) -> Appraisal:
    """Open a branch's yearly appraisal: every current member takes part; probationary
    members are marked and will not be graded. Members with a login are told."""
    access.require(actor, perms.MANAGE_MEETINGS, org)
    if org.kind != OrgKind.BRANCH or org.is_archived:
        raise DomainError({"org": _("A democratic appraisal is held by a branch.")})
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError({"year": _("Choose a year from 2000 to next year.")})
    if Appraisal.objects.filter(org=org, year=year).exists():
        raise DomainError(
            {"year": _("This branch already has an appraisal for %(year)d.") % {"year": year}}
        )
    members = list(Member.objects.filter(org=org, archived_at__isnull=True).order_by("name_pinyin"))
    if not members:
        raise DomainError({"org": _("The branch has no members to appraise.")})
    with refuse_duplicates(
        _("This branch already has an appraisal for %(year)d.") % {"year": year}, "year"
    ):
        appraisal = Appraisal.objects.create(
            org=org, year=year, meeting=meeting, opened_by=actor if actor is not None else None
        )
    AppraisalEntry.objects.bulk_create(
        [
            AppraisalEntry(
                appraisal=appraisal,
                member=member,
                probationary=member.status == MemberStatus.PROBATIONARY,
            )
            for member in members
        ]
    )
    APPRAISAL.started(
        actor, appraisal, "open", changes={"year": [None, year], "members": [None, len(members)]}
    )
    link = reverse("orglife:my_appraisal")
    for member in members:
        if member.user_id:
            message_send(
                user_id=member.user_id,
                title=_("Democratic appraisal %(year)d: write your self-assessment")
                % {"year": year},
                body=_("Also assess the other members of %(org)s.") % {"org": org.name},
                link=link,
                dedupe_key=f"appraisal:{appraisal.pk}",
            )
    return appraisal


@transaction.atomic
def self_assessment_save(*, user: Any, entry: AppraisalEntry, text: str) -> AppraisalEntry:
    member = own_member(user)
    _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.member_id != member.pk:
        raise DomainError(_("You can only write your own self-assessment."))
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("Write your self-assessment.")})
    if len(text) > 2000:
        raise DomainError({"text": _("At most 2,000 characters.")})
    first = entry.self_assessed_at is None
    entry.self_assessment, entry.self_assessed_at = text, timezone.now()
    entry.save(update_fields=["self_assessment", "self_assessed_at"])
    audit_record(
        actor=user,
        action="orglife.appraisal.self",
        target=entry.appraisal,
        org=entry.appraisal.org,
        target_label=f"{entry.appraisal} · {member}",
        changes={"self_assessment": [None if first else "…", len(text)]},
    )
    return entry


@transaction.atomic
def peer_rate(*, user: Any, entry: AppraisalEntry, grade: str) -> PeerRating:
    """互评: a member taking part assesses another (again, to change their mind, while open)."""
    rater = own_member(user)
    appraisal = _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_related("member").get(pk=entry.pk)
    if not appraisal.entries.filter(member=rater).exists():
        raise DomainError(_("You are not taking part in this appraisal."))
    if entry.member_id == rater.pk:
        raise DomainError(_("Your own grade comes from the others."))
    if entry.probationary:
        raise DomainError(_("Probationary members take part but are not graded."))
    if grade not in AppraisalGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    rating, created = PeerRating.objects.update_or_create(
        entry=entry, rater=rater, defaults={"grade": grade}
    )
    audit_record(
        actor=user,
        action="orglife.appraisal.peer",
        target=appraisal,
        org=appraisal.org,
        target_label=f"{appraisal} · {entry.member}",
        changes={"grade": [None if created else "…", AppraisalGrade(grade).label]},
    )
    return rating


@transaction.atomic
def appraisal_propose(*, actor: Any, entry: AppraisalEntry, grade: str) -> AppraisalEntry:
    """The branch committee proposes a grade for a full member (blank withdraws it)."""
    access.require(actor, perms.MANAGE_MEETINGS, entry.appraisal.org)
    appraisal = _open_appraisal(entry.appraisal)
    entry = AppraisalEntry.objects.select_for_update().select_related("member").get(pk=entry.pk)
    if entry.probationary:
        raise DomainError(_("Probationary members take part but are not graded."))
    if grade and grade not in AppraisalGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    before = entry.proposed_grade
    entry.proposed_grade = grade
    entry.save(update_fields=["proposed_grade"])
    audit_record(
        actor=actor,
        action="orglife.appraisal.propose",
        target=appraisal,
        org=appraisal.org,
        target_label=f"{appraisal} · {entry.member}",
        changes={"proposed_grade": [before or None, grade or None]},
    )
    return entry


@transaction.atomic
def appraisal_conclude(*, actor: Any, appraisal: Appraisal, grades: dict[int, str]) -> Appraisal:
    """Decide the grades (entry id → grade) and conclude. Every full member is graded,
    probationary members are not, and 优秀 stays within a third of those graded."""
    access.require(actor, perms.MANAGE_MEETINGS, appraisal.org)
    appraisal = APPRAISAL.begin(actor, appraisal, "conclude")
    entries = list(appraisal.entries.select_for_update().select_related("member"))
    missing = [
        e.member.full_name
        for e in entries
        if not e.probationary and grades.get(e.pk) not in AppraisalGrade.values
    ]
    if missing:
        raise DomainError(
            _("Give every full member a grade; missing: %(names)s.") % {"names": "、".join(missing)}
        )
    if any(e.probationary and grades.get(e.pk) for e in entries):
        raise DomainError(_("Probationary members take part but are not graded."))
    graded = [e for e in entries if not e.probationary]
    excellent = sum(1 for e in graded if grades[e.pk] == AppraisalGrade.EXCELLENT)
    limit = excellent_limit(len(graded))
    if excellent > limit:
        raise DomainError(
            _(
                "%(n)d of %(total)d graded members are rated excellent; at most a third "
                "(%(limit)d) may be."
            )
            % {"n": excellent, "total": len(graded), "limit": limit}
        )
    for entry in graded:
        entry.grade = grades[entry.pk]
    AppraisalEntry.objects.bulk_update(graded, ["grade"])
    appraisal.closed_at = timezone.now()
    tally = {
        str(AppraisalGrade(g).label): sum(1 for e in graded if e.grade == g)
        for g in AppraisalGrade.values
    }
    return APPRAISAL.finish(
        actor,
        appraisal,
        "conclude",
        fields=["closed_at"],
        changes={label: [None, n] for label, n in tally.items()},
    )
