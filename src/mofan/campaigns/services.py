"""Writes of case campaigns: opening a call, drafting and submitting cases (every version
kept), assigning reviewers without conflicts, blind scoring, and the committee's decision."""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns import blind
from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    DEFAULT_CATEGORIES,
    DEFAULT_SCORE_CATEGORIES,
    DEFAULT_SECTIONS,
    DEFAULT_TIERS,
    MAX_SCORE,
    PHASE_TRANSITIONS,
    Campaign,
    CampaignPhase,
    Review,
    Score,
    ScoreCategory,
    Submission,
    SubmissionFile,
    SubmissionState,
    SubmissionVersion,
)
from mofan.campaigns.ranking import weighted
from mofan.core import access, richtext
from mofan.core.audit import audit_record, audit_record_many, diff
from mofan.core.errors import DomainError
from mofan.core.templatetags.mofan import cn_datetime
from mofan.core.uploads import DOCX, EVIDENCE, JPEG, PNG, Checked, Kind, check_upload
from mofan.orgs.models import Organisation

MAX_FILES = 10  # photos and attachments of one case together
ATTACHMENT_KINDS = (*EVIDENCE, DOCX)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _names(items: Sequence[str]) -> list[str]:
    """An editable list (categories, sections): trimmed, without blanks or repeats."""
    seen: list[str] = []
    for item in items:
        item = _clean(item)[:50]
        if item and item not in seen:
            seen.append(item)
    return seen


def _tiers(tiers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    total = Decimal(0)
    for tier in tiers:
        name = _clean(str(tier.get("name", "")))[:50]
        try:
            share = Decimal(str(tier.get("share", "")))
        except InvalidOperation:
            share = Decimal(-1)
        if not name or share <= 0 or share > 100:
            raise DomainError({"tiers": _("Give each award a name and a share above zero.")})
        if any(t["name"] == name for t in cleaned):
            raise DomainError({"tiers": _("Each award needs its own name.")})
        total += share
        cleaned.append({"name": name, "share": float(share)})
    if total > 100:
        raise DomainError({"tiers": _("The award shares add up to more than the whole.")})
    return cleaned


def _weights(rows: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    cleaned: list[tuple[str, Decimal]] = []
    for name, weight in rows:
        name = _clean(name)[:50]
        if not name or weight <= 0 or weight > 1000:
            raise DomainError(
                {"score_categories": _("Give each criterion a name and a weight above 0.")}
            )
        if any(n == name for n, _w in cleaned):
            raise DomainError({"score_categories": _("Each criterion needs its own name.")})
        cleaned.append((name, weight))
    if not cleaned:
        raise DomainError({"score_categories": _("Give at least one criterion.")})
    return cleaned


def _settings(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "categories": "、".join(campaign.categories),
        "sections": "、".join(campaign.sections),
        "quota": campaign.quota,
        "max_chars": campaign.max_chars,
        "attachments_allowed": campaign.attachments_allowed,
        "deadline": campaign.deadline,
        "tiers": "、".join(f"{t['name']} {t['share']:g}%" for t in campaign.tiers),
    }


@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    org: Organisation,
    title: str,
    deadline: datetime,
    description: str = "",
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    sections: Sequence[str] = DEFAULT_SECTIONS,
    quota: int = 1,
    max_chars: int = 3000,
    attachments_allowed: bool = True,
    score_categories: Sequence[tuple[str, Decimal]] | None = None,
    tiers: Sequence[dict[str, Any]] = DEFAULT_TIERS,
) -> Campaign:
    """Open a call for cases to the organisations of `org`'s subtree."""
    access.require(actor, perms.MANAGE, org)
    campaign = Campaign(org=org, created_by=actor)
    weights = _weights(
        score_categories
        if score_categories is not None
        else [(n, Decimal(w)) for n, w in DEFAULT_SCORE_CATEGORIES]
    )
    _apply_settings(
        campaign,
        title=title,
        description=description,
        categories=categories,
        sections=sections,
        quota=quota,
        max_chars=max_chars,
        attachments_allowed=attachments_allowed,
        deadline=deadline,
        tiers=tiers,
        check_deadline=actor is not None,
    )
    campaign.save()
    ScoreCategory.objects.bulk_create(
        [
            ScoreCategory(campaign=campaign, name=name, weight=weight, position=i)
            for i, (name, weight) in enumerate(weights)
        ]
    )
    audit_record(
        actor=actor,
        action="campaigns.campaign.open",
        target=campaign,
        org=org,
        changes={
            **diff({}, _settings(campaign)),
            "criteria": [None, "、".join(f"{n} {w}" for n, w in weights)],
        },
    )
    return campaign


def _apply_settings(
    campaign: Campaign,
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    sections: Sequence[str],
    quota: int,
    max_chars: int,
    attachments_allowed: bool,
    deadline: datetime,
    tiers: Sequence[dict[str, Any]],
    check_deadline: bool,
) -> None:
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    cats, secs = _names(categories), _names(sections)
    if not cats:
        raise DomainError({"categories": _("Give at least one category.")})
    if not secs:
        raise DomainError({"sections": _("Give at least one section.")})
    if quota < 1:
        raise DomainError({"quota": _("Each organisation may submit at least one case.")})
    if max_chars < 100:
        raise DomainError({"max_chars": _("The length limit is at least 100 characters.")})
    if check_deadline and deadline <= timezone.now():
        raise DomainError({"deadline": _("The deadline must be in the future.")})
    campaign.title = title[:200]
    campaign.description = (description or "").strip()
    campaign.categories, campaign.sections = cats, secs
    campaign.quota, campaign.max_chars = quota, max_chars
    campaign.attachments_allowed = attachments_allowed
    campaign.deadline = deadline
    campaign.tiers = _tiers(tiers)


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    deadline: datetime,
    description: str,
    categories: Sequence[str],
    sections: Sequence[str],
    quota: int,
    max_chars: int,
    attachments_allowed: bool,
    score_categories: Sequence[tuple[str, Decimal]],
    tiers: Sequence[dict[str, Any]],
) -> Campaign:
    """Change the call while it is collecting cases. Criteria can change until the first
    score is given; award shares until the decision."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase == CampaignPhase.DECIDED:
        raise DomainError(_("The campaign is decided; its settings are closed."))
    before = _settings(campaign)
    weights = _weights(score_categories)
    old_weights = [(c.name, c.weight) for c in campaign.score_categories.all()]
    if campaign.phase != CampaignPhase.OPEN:
        # After the deadline only the award shares and the criteria may still move.
        _apply_settings(
            campaign,
            title=title,
            description=description,
            categories=campaign.categories,
            sections=campaign.sections,
            quota=campaign.quota,
            max_chars=campaign.max_chars,
            attachments_allowed=campaign.attachments_allowed,
            deadline=campaign.deadline,
            tiers=tiers,
            check_deadline=False,
        )
    else:
        _apply_settings(
            campaign,
            title=title,
            description=description,
            categories=categories,
            sections=sections,
            quota=quota,
            max_chars=max_chars,
            attachments_allowed=attachments_allowed,
            deadline=deadline,
            tiers=tiers,
            check_deadline=deadline != campaign.deadline,
        )
    campaign.save()
    changes = diff(before, _settings(campaign))
    if [(n, Decimal(w)) for n, w in weights] != old_weights:
        if Score.objects.filter(review__submission__campaign=campaign).exists():
            raise DomainError(
                {
                    "score_categories": _(
                        "Scores have been given; the criteria can no longer change."
                    )
                }
            )
        ScoreCategory.objects.filter(campaign=campaign).delete()
        ScoreCategory.objects.bulk_create(
            [
                ScoreCategory(campaign=campaign, name=n, weight=w, position=i)
                for i, (n, w) in enumerate(weights)
            ]
        )
        changes["criteria"] = [
            "、".join(f"{n} {w}" for n, w in old_weights),
            "、".join(f"{n} {w}" for n, w in weights),
        ]
    if changes:
        audit_record(
            actor=actor,
            action="campaigns.campaign.update",
            target=campaign,
            org=campaign.org,
            changes=changes,
        )
    return campaign


# Submissions ---------------------------------------------------------------------------------


def _in_scope(campaign: Campaign, org: Organisation) -> bool:
    return org.path.startswith(campaign.org.path) and org.pk != campaign.org_id


def _require_collecting(campaign: Campaign) -> None:
    if campaign.phase != CampaignPhase.OPEN or timezone.now() > campaign.deadline:
        raise DomainError(
            _("The campaign closed on %(deadline)s; cases can no longer be changed.")
            % {"deadline": cn_datetime(campaign.deadline)}
        )


def _sections_of(campaign: Campaign, sections: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"heading": heading, "html": richtext.clean(sections.get(heading, ""))}
        for heading in campaign.sections
    ]


def _version(submission: Submission, actor: Any, action: str) -> SubmissionVersion:
    number = SubmissionVersion.objects.filter(submission=submission).order_by("-number").first()
    return SubmissionVersion.objects.create(
        submission=submission,
        number=(number.number + 1) if number else 1,
        action=action,
        category=submission.category,
        title=submission.title,
        sections=submission.sections,
        text_length=submission.text_length,
        created_by=actor,
    )


def _check_content(campaign: Campaign, category: str, title: str) -> str:
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title of the case.")})
    if category not in campaign.categories:
        raise DomainError({"category": _("Choose one of the campaign's categories.")})
    return title[:200]


def _length_error(campaign: Campaign, length: int) -> DomainError:
    return DomainError(
        _(
            "The case has %(length)d characters; this campaign accepts at most %(limit)d "
            "(counted without formatting). Shorten it by %(over)d."
        )
        % {"length": length, "limit": campaign.max_chars, "over": length - campaign.max_chars}
    )


def _quota_error(campaign: Campaign, org: Organisation) -> DomainError:
    return DomainError(
        _("%(org)s already has %(quota)d case(s) in this campaign, its quota.")
        % {"org": org.name, "quota": campaign.quota}
    )


@transaction.atomic
def submission_create(
    *,
    actor: Any,
    campaign: Campaign,
    org: Organisation,
    category: str,
    title: str,
    sections: dict[str, str],
) -> Submission:
    """Start a case for `org` (a draft, which counts against the quota)."""
    access.require(actor, perms.SUBMIT, org)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    if not _in_scope(campaign, org):
        raise DomainError({"org": _("This organisation is not called by the campaign.")})
    _require_collecting(campaign)
    title = _check_content(campaign, category, title)
    active = Submission.objects.filter(campaign=campaign, org=org).exclude(
        state=SubmissionState.WITHDRAWN
    )
    if active.count() >= campaign.quota:
        raise _quota_error(campaign, org)
    content = _sections_of(campaign, sections)
    length = sum(richtext.text_length(s["html"]) for s in content)
    if length > campaign.max_chars:
        raise _length_error(campaign, length)
    submission = Submission.objects.create(
        campaign=campaign,
        org=org,
        category=category,
        title=title,
        sections=content,
        text_length=length,
        author=actor,
    )
    _version(submission, actor, SubmissionVersion.Action.SAVE)
    audit_record(
        actor=actor,
        action="campaigns.submission.create",
        target=submission,
        org=org,
        changes={"title": [None, title], "campaign": [None, campaign.title]},
    )
    return submission


def _lock(submission: Submission) -> tuple[Submission, Campaign]:
    campaign = (
        Campaign.objects.select_for_update().select_related("org").get(pk=submission.campaign_id)
    )
    locked = Submission.objects.select_for_update().select_related("org").get(pk=submission.pk)
    locked.campaign = campaign
    return locked, campaign


@transaction.atomic
def submission_save(
    *,
    actor: Any,
    submission: Submission,
    category: str,
    title: str,
    sections: dict[str, str],
) -> Submission:
    """Save a new version of a draft or withdrawn case."""
    submission, campaign = _lock(submission)
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("Withdraw the case before changing it."))
    title = _check_content(campaign, category, title)
    content = _sections_of(campaign, sections)
    length = sum(richtext.text_length(s["html"]) for s in content)
    if length > campaign.max_chars:
        raise _length_error(campaign, length)
    before = {
        "title": submission.title,
        "category": submission.category,
        "length": submission.text_length,
    }
    submission.category, submission.title = category, title
    submission.sections, submission.text_length = content, length
    submission.save(update_fields=["category", "title", "sections", "text_length", "updated_at"])
    version = _version(submission, actor, SubmissionVersion.Action.SAVE)
    audit_record(
        actor=actor,
        action="campaigns.submission.save",
        target=submission,
        org=submission.org,
        changes={
            **diff(before, {"title": title, "category": category, "length": length}),
            "version": [version.number - 1, version.number],
        },
    )
    return submission


@transaction.atomic
def submission_submit(*, actor: Any, submission: Submission) -> Submission:
    """Hand a case in: every section written, within the length, within the quota, in time."""
    submission, campaign = _lock(submission)
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("The case has already been submitted."))
    empty = [s["heading"] for s in submission.sections if not richtext.text_length(s["html"])]
    missing = [h for h in campaign.sections if h not in {s["heading"] for s in submission.sections}]
    if empty or missing:
        raise DomainError(
            _("Write every required section before submitting: %(sections)s.")
            % {"sections": "、".join(missing + empty)}
        )
    if submission.text_length > campaign.max_chars:
        raise _length_error(campaign, submission.text_length)
    submitted = Submission.objects.filter(
        campaign=campaign, org=submission.org, state=SubmissionState.SUBMITTED
    ).count()
    if submitted >= campaign.quota:
        raise _quota_error(campaign, submission.org)
    state = submission.state
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save(update_fields=["state", "submitted_at", "updated_at"])
    version = _version(submission, actor, SubmissionVersion.Action.SUBMIT)
    audit_record(
        actor=actor,
        action="campaigns.submission.submit",
        target=submission,
        org=submission.org,
        changes={
            "state": [SubmissionState(state).label, SubmissionState.SUBMITTED.label],
            "version": [None, version.number],
        },
    )
    return submission


@transaction.atomic
def submission_withdraw(*, actor: Any, submission: Submission) -> Submission:
    """Take a submitted case back before the deadline (to change it, or not to compete)."""
    submission, campaign = _lock(submission)
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    if submission.state != SubmissionState.SUBMITTED:
        raise DomainError(_("Only a submitted case can be withdrawn."))
    submission.state = SubmissionState.WITHDRAWN
    submission.save(update_fields=["state", "updated_at"])
    version = _version(submission, actor, SubmissionVersion.Action.WITHDRAW)
    audit_record(
        actor=actor,
        action="campaigns.submission.withdraw",
        target=submission,
        org=submission.org,
        changes={
            "state": [SubmissionState.SUBMITTED.label, SubmissionState.WITHDRAWN.label],
            "version": [None, version.number],
        },
    )
    return submission


@transaction.atomic
def submission_file_add(
    *, actor: Any, submission: Submission, upload: Any, kind: str
) -> SubmissionFile:
    submission, campaign = _lock(submission)
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("Withdraw the case before changing it."))
    if kind == SubmissionFile.Kind.ATTACHMENT:
        if not campaign.attachments_allowed:
            raise DomainError({"file": _("This campaign takes no attachments.")})
        kinds: tuple[Kind, ...] = ATTACHMENT_KINDS
    elif kind == SubmissionFile.Kind.PHOTO:
        kinds = (JPEG, PNG)
    else:
        raise DomainError({"kind": _("Choose photo or attachment.")})
    if submission.files.filter(removed_at__isnull=True).count() >= MAX_FILES:
        raise DomainError({"file": _("A case has at most 10 photos and attachments.")})
    checked = check_upload(upload, kinds=kinds)
    data = _blind_contents(checked, submission, actor)
    row = SubmissionFile(
        submission=submission,
        kind=kind,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=len(data),
        uploaded_by=actor,
    )
    row.file.save(checked.stored_name, ContentFile(data), save=False)
    row.save()
    audit_record(
        actor=actor,
        action="campaigns.submission.file_add",
        target=submission,
        org=submission.org,
        changes={"file": [None, checked.name]},
    )
    return row


def _blind_contents(checked: Checked, submission: Submission, actor: Any) -> bytes:
    """The bytes to store: the file without what its program recorded about its author, after
    making sure its text names neither the organisation nor a person (the review is blind)."""
    from mofan.campaigns.selectors import names_to_hide

    checked.upload.seek(0)
    data = checked.upload.read()
    content_type = checked.kind.content_type
    try:
        stripped = blind.strip_metadata(data, content_type)
        # What is left once the metadata is gone is what a reviewer could read.
        text = blind.text_of(stripped, content_type)
    except blind.UnreadableFileError as exc:
        raise DomainError(
            {
                "file": _(
                    "This file cannot be read as %(kind)s: it is damaged, protected by a "
                    "password or of another type, so it cannot be checked for names."
                )
                % {"kind": checked.kind.extension.lstrip(".").upper()}
            }
        ) from exc
    names = names_to_hide(submission, usernames=False)
    uploader = getattr(actor, "full_name", "")
    if uploader and len(uploader) >= 2 and uploader not in names:
        names.append(uploader)
    found = blind.names_found(text, names)
    if found:
        raise DomainError(
            {
                "file": _(
                    "The review is blind, but this file names %(names)s. Remove these names "
                    "from the file and upload it again."
                )
                % {"names": "、".join(f"“{name}”" for name in found)}
            }
        )
    return stripped


@transaction.atomic
def submission_file_remove(*, actor: Any, file: SubmissionFile) -> None:
    submission, campaign = _lock(file.submission)
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("Withdraw the case before changing it."))
    removed = SubmissionFile.objects.filter(pk=file.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if removed:
        audit_record(
            actor=actor,
            action="campaigns.submission.file_remove",
            target=submission,
            org=submission.org,
            changes={"file": [file.name, None]},
        )


# Phases ---------------------------------------------------------------------------------------


def _move(campaign: Campaign, to: str) -> str:
    if to not in PHASE_TRANSITIONS[campaign.phase]:
        raise DomainError(
            _("The campaign is %(phase)s; this step is not possible now.")
            % {"phase": CampaignPhase(campaign.phase).label}
        )
    before = campaign.phase
    campaign.phase = to
    return before


@transaction.atomic
def campaign_start_review(
    *, actor: Any, campaign: Campaign, rng: random.Random | None = None
) -> Campaign:
    """After the deadline: give every submitted case a random anonymous code (A-01 …) and open
    the scoring."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if timezone.now() <= campaign.deadline:
        raise DomainError(
            _("Cases may be submitted until %(deadline)s; start the review after that.")
            % {"deadline": cn_datetime(campaign.deadline)}
        )
    cases = list(
        Submission.objects.filter(campaign=campaign, state=SubmissionState.SUBMITTED).order_by("pk")
    )
    if not cases:
        raise DomainError(_("No case was submitted; there is nothing to review."))
    before = _move(campaign, CampaignPhase.REVIEWING)
    (rng or random.SystemRandom()).shuffle(cases)
    width = max(2, len(str(len(cases))))
    for number, case in enumerate(cases, start=1):
        case.code = f"A-{number:0{width}d}"
    Submission.objects.bulk_update(cases, ["code"])
    campaign.save(update_fields=["phase"])
    audit_record(
        actor=actor,
        action="campaigns.campaign.start_review",
        target=campaign,
        org=campaign.org,
        changes={
            "phase": [CampaignPhase(before).label, campaign.get_phase_display()],
            "cases": [None, len(cases)],
        },
    )
    return campaign


def own_org_paths(user: Any) -> list[str]:
    """The organisations a person belongs to or acts for: their party membership and the
    organisations where they may submit cases."""
    from mofan.accounts.models import Grant
    from mofan.members.models import Member

    paths = set(
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True).values_list(
            "org__path", flat=True
        )
    )
    for path, codes in Grant.objects.filter(user_id=user.pk, revoked_at__isnull=True).values_list(
        "org__path", "role__permissions"
    ):
        if perms.SUBMIT in (codes or ()):
            paths.add(path)
    return sorted(paths)


def conflicts(campaign: Campaign, own_paths: Sequence[str], org_path: str) -> bool:
    """A reviewer may not score a case of their own organisation, of anything under it, or of
    an organisation above their own inside the campaign (their own organ). Belonging to the
    campaign's committee or above it is no conflict: every case lies under it."""
    for own in own_paths:
        if campaign.org.path.startswith(own):
            continue
        if org_path.startswith(own) or own.startswith(org_path):
            return True
    return False


def _reviewer_eligible(campaign: Campaign, reviewer: Any) -> bool:
    if not reviewer.is_active:
        return False
    return access.can(reviewer, perms.REVIEW, campaign.org)


@transaction.atomic
def review_assign(*, actor: Any, submission: Submission, reviewer: Any) -> Review:
    submission, campaign = _lock(submission)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("Reviewers are assigned while the campaign is reviewing."))
    if submission.state != SubmissionState.SUBMITTED or not submission.code:
        raise DomainError(_("Only submitted cases are reviewed."))
    if not _reviewer_eligible(campaign, reviewer):
        raise DomainError(
            {"reviewer": _("This person is not a reviewer of the committee's campaigns.")}
        )
    if conflicts(campaign, own_org_paths(reviewer), submission.org.path):
        raise DomainError(
            {
                "reviewer": _(
                    "%(name)s belongs to the organisation that submitted %(code)s and may not "
                    "review it."
                )
                % {"name": reviewer.full_name or reviewer.username, "code": submission.code}
            }
        )
    review, created = Review.objects.get_or_create(
        submission=submission, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="campaigns.review.assign",
            target=campaign,
            org=campaign.org,
            target_label=f"{campaign} · {submission.code}",
            changes={"reviewer": [None, reviewer.full_name or reviewer.username]},
        )
    return review


@transaction.atomic
def review_unassign(*, actor: Any, review: Review) -> None:
    review = (
        Review.objects.select_for_update()
        .select_related("submission__campaign__org", "reviewer")
        .get(pk=review.pk)
    )
    campaign = review.submission.campaign
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("Reviewers are assigned while the campaign is reviewing."))
    if review.scored_at is not None:
        raise DomainError(_("The reviewer has scored this case; the assignment stays."))
    review.delete()
    audit_record(
        actor=actor,
        action="campaigns.review.unassign",
        target=campaign,
        org=campaign.org,
        target_label=f"{campaign} · {review.submission.code}",
        changes={"reviewer": [review.reviewer.full_name or review.reviewer.username, None]},
    )


@transaction.atomic
def review_score(
    *,
    actor: Any,
    review: Review,
    scores: dict[int, tuple[Decimal, str]],
    comment: str = "",
) -> Review:
    """The assigned reviewer scores every criterion (0–100) while the review is open; they may
    change their scores until the committee closes the review."""
    review = (
        Review.objects.select_for_update()
        .select_related("submission__campaign__org")
        .get(pk=review.pk)
    )
    campaign = review.submission.campaign
    if actor is not None and actor.pk != review.reviewer_id:
        raise DomainError(_("Only the assigned reviewer scores this case."))
    if actor is not None and not access.can(actor, perms.REVIEW, campaign.org):
        raise DomainError(_("Only the assigned reviewer scores this case."))
    if campaign.phase != CampaignPhase.REVIEWING:
        raise DomainError(_("The review is closed; scores can no longer change."))
    categories = list(campaign.score_categories.all())
    pairs: list[tuple[Decimal, Decimal]] = []
    rows = []
    for category in categories:
        if category.pk not in scores:
            raise DomainError(
                _("Score every criterion: %(name)s is missing.") % {"name": category.name}
            )
        value, note = scores[category.pk]
        if value < 0 or value > MAX_SCORE:
            raise DomainError(
                _("%(name)s: a score is between 0 and 100.") % {"name": category.name}
            )
        pairs.append((category.weight, value))
        rows.append(
            Score(review=review, category=category, value=value, comment=_clean(note)[:500])
        )
    before = {str(s.category_id): s.value for s in review.scores.all()}
    Score.objects.filter(review=review).delete()
    Score.objects.bulk_create(rows)
    review.total = weighted(pairs)
    review.comment = (comment or "").strip()
    review.scored_at = timezone.now()
    review.save(update_fields=["total", "comment", "scored_at"])
    names = {c.pk: c.name for c in categories}
    audit_record(
        actor=actor,
        action="campaigns.review.score",
        target=campaign,
        org=campaign.org,
        target_label=f"{campaign} · {review.submission.code}",
        changes=diff(
            {names.get(int(k), k): v for k, v in before.items()},
            {names[s.category_id]: s.value for s in rows},
        )
        or {"total": [None, review.total]},
    )
    return review


@transaction.atomic
def campaign_close_review(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close the scoring and hand the ranking to the committee."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    before = _move(campaign, CampaignPhase.DECIDING)
    if not Review.objects.filter(submission__campaign=campaign, scored_at__isnull=False).exists():
        raise DomainError(_("No case has been scored yet."))
    campaign.save(update_fields=["phase"])
    audit_record(
        actor=actor,
        action="campaigns.campaign.close_review",
        target=campaign,
        org=campaign.org,
        changes={"phase": [CampaignPhase(before).label, campaign.get_phase_display()]},
    )
    return campaign


@transaction.atomic
def campaign_reopen_review(*, actor: Any, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.DECIDING:
        raise DomainError(_("Only a closed review can be reopened before the decision."))
    before = _move(campaign, CampaignPhase.REVIEWING)
    campaign.save(update_fields=["phase"])
    audit_record(
        actor=actor,
        action="campaigns.campaign.reopen_review",
        target=campaign,
        org=campaign.org,
        changes={"phase": [CampaignPhase(before).label, campaign.get_phase_display()]},
    )
    return campaign


@transaction.atomic
def campaign_decide(
    *,
    actor: Any,
    campaign: Campaign,
    tiers: dict[int, str],
    publish: set[int],
    note: str = "",
) -> Campaign:
    """Record the committee's decision: each case's award (or none) and which are published.
    The proposal from the ranking is only a proposal; what is recorded here is the decision."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.DECIDING:
        raise DomainError(_("Close the review before recording the decision."))
    names = {str(t["name"]) for t in campaign.tiers}
    cases = list(
        Submission.objects.select_for_update()
        .filter(campaign=campaign, state=SubmissionState.SUBMITTED)
        .order_by("code")
    )
    known = {c.pk for c in cases}
    if set(tiers) - known or publish - known:
        raise DomainError(_("Decide only on the cases of this campaign."))
    for tier in tiers.values():
        if tier and tier not in names:
            raise DomainError(_("Choose one of the campaign's awards."))
    changed: list[Submission] = []
    changes: list[dict[str, Any]] = []
    for case in cases:
        tier = tiers.get(case.pk, "")
        chosen = case.pk in publish
        change = diff(
            {"award": case.tier, "publication": case.for_publication},
            {"award": tier, "publication": chosen},
        )
        case.tier, case.for_publication = tier, chosen
        changed.append(case)
        changes.append({"code": [None, case.code], **change})
    Submission.objects.bulk_update(changed, ["tier", "for_publication"])
    before = _move(campaign, CampaignPhase.DECIDED)
    campaign.decided_at = timezone.now()
    campaign.decision_note = (note or "").strip()
    campaign.save(update_fields=["phase", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="campaigns.campaign.decide",
        target=campaign,
        org=campaign.org,
        changes={
            "phase": [CampaignPhase(before).label, campaign.get_phase_display()],
            "awards": [None, sum(1 for c in changed if c.tier)],
            "publication": [None, sum(1 for c in changed if c.for_publication)],
            "note": [None, campaign.decision_note],
        },
    )
    audit_record_many(
        actor=actor,
        action="campaigns.submission.decide",
        targets=changed,
        org=campaign.org,
        changes=changes,
    )
    return campaign


# Publication -----------------------------------------------------------------------------------


def article_body(cases: Sequence[Submission], intro: str = "") -> str:
    """One article whose sections are the cases: each case's title as a heading, its sections
    under sub-headings, and the organisation that wrote it at the end (as 选登 pages do)."""
    parts = [f"<p>{html.escape(line)}</p>" for line in (intro or "").splitlines() if line.strip()]
    for case in cases:
        parts.append(f"<h2>{html.escape(case.title)}</h2>")
        for section in case.sections:
            parts.append(f"<h3>{html.escape(section['heading'])}</h3>")
            parts.append(section["html"])
        parts.append(f"<p>（{html.escape(case.org.name)}）</p>")
    return "\n".join(parts)


@transaction.atomic
def campaign_article_create(
    *,
    actor: Any,
    campaign: Campaign,
    cases: Sequence[Submission],
    title: str,
    subtitle: str = "",
    source: str = "",
    topic_path: Sequence[str] = (),
    intro: str = "",
) -> Any:
    """Turn cases selected for publication into ONE draft portal article (选登) whose sections
    are the cases; each case keeps a link to the article."""
    from mofan.portal import services as portal

    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    access.require(actor, perms.MANAGE, campaign.org)
    if campaign.phase != CampaignPhase.DECIDED:
        raise DomainError(_("Cases are published after the committee's decision."))
    wanted = [c.pk for c in cases]
    rows = {
        c.pk: c
        for c in Submission.objects.select_for_update()
        .select_related("org")
        .filter(campaign=campaign, pk__in=wanted)
    }
    if not wanted:
        raise DomainError({"cases": _("Choose at least one case.")})
    if len(rows) != len(set(wanted)) or not all(rows[pk].for_publication for pk in wanted):
        raise DomainError({"cases": _("Only cases selected for publication can be published.")})
    taken = [rows[pk].code for pk in wanted if rows[pk].article_id is not None]
    if taken:
        raise DomainError(
            {"cases": _("Already in an article: %(codes)s.") % {"codes": "、".join(taken)}}
        )
    ordered = [rows[pk] for pk in dict.fromkeys(wanted)]
    topic = (
        portal.topic_ensure(actor, [p for p in topic_path if p.strip()])
        if any(p.strip() for p in topic_path)
        else None
    )
    article = portal.article_create(
        actor,
        title=title,
        body=article_body(ordered, intro),
        subtitle=subtitle,
        source=source,
        topic=topic,
    )
    for case in ordered:
        case.article = article
    Submission.objects.bulk_update(ordered, ["article"])
    audit_record_many(
        actor=actor,
        action="campaigns.submission.to_article",
        targets=ordered,
        org=campaign.org,
        changes=[{"article": [None, article.title], "code": [None, c.code]} for c in ordered],
    )
    return article
