"""Cases of the organisations: drafting (every version kept), submitting, withdrawing, and
their photos and attachments (stripped of what would name the submitter)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.campaigns import blind
from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    Campaign,
    CampaignPhase,
    Submission,
    SubmissionFile,
    SubmissionState,
    SubmissionVersion,
)
from mofan.campaigns.selectors import names_to_hide
from mofan.campaigns.services.phases import clean
from mofan.campaigns.workflows import CASE
from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.core.templatetags.mofan import cn_datetime
from mofan.core.uploads import DOCX, EVIDENCE, JPEG, PNG, Checked, Kind, check_upload
from mofan.orgs.models import Organisation

MAX_FILES = 10  # photos and attachments of one case together
ATTACHMENT_KINDS = (*EVIDENCE, DOCX)

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
    title = clean(title)
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
    return CASE.started(
        actor,
        submission,
        "create",
        changes={"title": [None, title], "campaign": [None, campaign.title]},
    )


def lock_case(submission: Submission) -> tuple[Submission, Campaign]:
    campaign = (
        Campaign.objects.select_for_update().select_related("org").get(pk=submission.campaign_id)
    )
    locked = Submission.objects.select_for_update().select_related("org").get(pk=submission.pk)
    locked.campaign = campaign
    return locked, campaign


def _begin(actor: Any, submission: Submission, name: str) -> tuple[Submission, Campaign]:
    """Lock the campaign (the quota is counted under its lock), then take step `name` of the
    case: the refusals come in the order they always had — who asks, the deadline, the case's
    state (a case's organisation never changes, so the row passed in answers the first)."""
    campaign = (
        Campaign.objects.select_for_update().select_related("org").get(pk=submission.campaign_id)
    )
    access.require(actor, perms.SUBMIT, submission.org)
    _require_collecting(campaign)
    locked = CASE.begin(actor, submission, name)
    locked.campaign = campaign
    return locked, campaign


def _state_change(submission: Submission, name: str) -> list[Any]:
    """The audit entry's state change of step `name`, in words (as the log has always shown)."""
    return [SubmissionState(submission.state).label, SubmissionState(CASE[name].target).label]


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
    submission, campaign = lock_case(submission)
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
    submission, campaign = _begin(actor, submission, "submit")
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
    submission.submitted_at = timezone.now()
    version = _version(submission, actor, SubmissionVersion.Action.SUBMIT)
    return CASE.finish(
        actor,
        submission,
        "submit",
        fields=["submitted_at", "updated_at"],
        changes={"state": _state_change(submission, "submit"), "version": [None, version.number]},
    )


@transaction.atomic
def submission_withdraw(*, actor: Any, submission: Submission) -> Submission:
    """Take a submitted case back before the deadline (to change it, or not to compete)."""
    submission, _campaign = _begin(actor, submission, "withdraw")
    version = _version(submission, actor, SubmissionVersion.Action.WITHDRAW)
    return CASE.finish(
        actor,
        submission,
        "withdraw",
        fields=["updated_at"],
        changes={
            "state": _state_change(submission, "withdraw"),
            "version": [None, version.number],
        },
    )


@transaction.atomic
def submission_file_add(
    *, actor: Any, submission: Submission, upload: Any, kind: str
) -> SubmissionFile:
    submission, campaign = lock_case(submission)
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
    submission, campaign = lock_case(file.submission)
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
