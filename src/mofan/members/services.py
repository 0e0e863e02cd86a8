"""Writes to member records: create, update, transfer, status change, archive, audited unmask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts.models import User
from mofan.core import access, crypto, identity
from mofan.core.audit import audit_record, audit_record_many, diff
from mofan.core.deferred import after_commit
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.models import ImportJob
from mofan.core.xlsx import MAX_UPLOAD_BYTES
from mofan.members import permissions as perms
from mofan.members.models import (
    ArchiveReason,
    Education,
    Gender,
    Member,
    MemberStatus,
    MemberTransfer,
)
from mofan.members.rules import name_pinyin, whole_years
from mofan.orgs.models import Organ, Organisation, OrgKind

if TYPE_CHECKING:
    from mofan.members.imports import RosterPlan

MIN_JOINING_AGE = 18


@dataclass
class MemberFields:
    """The editable facts of a record, before checks. Empty strings and None mean 'not given'."""

    full_name: str
    org: Organisation
    status: str = MemberStatus.FULL
    group: Organisation | None = None
    gender: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    id_number: str = ""
    mobile: str = ""
    education: str = ""
    organ: Organ | None = None
    job_title: str = ""
    joined_on: date | None = None
    full_member_on: date | None = None
    is_leading_cadre: bool = False
    is_mobile: bool = False


def _clean(
    fields: MemberFields, *, existing: Member | None, check_unique: bool = True
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    name = "".join((fields.full_name or "").split())
    if not name:
        refuse("full_name", _("Enter a name."))
    org = fields.org
    if org.kind != OrgKind.BRANCH or org.is_archived:
        refuse("org", _("A member belongs to a current branch."))
    group = fields.group
    if group is not None and (
        group.kind != OrgKind.GROUP
        or not group.path.startswith(org.path)
        or group.depth != org.depth + 1
    ):
        refuse("group", _("The party group must be inside the member's branch."))
    if fields.status not in MemberStatus.values:
        refuse("status", _("Choose full or probationary."))
    if fields.gender and fields.gender not in Gender.values:
        refuse("gender", _("Choose a gender."))
    if fields.education and fields.education not in Education.values:
        refuse("education", _("Choose an education level."))
    today = timezone.localdate()
    birth, gender = fields.birth_date, fields.gender
    id_number, id_hash = "", ""
    if fields.id_number:
        try:
            facts = identity.parse_id(fields.id_number)
        except DomainError as exc:
            refuse("id_number", " ".join(exc.messages))
        else:
            id_number, id_hash = facts.number, crypto.keyed_hash(facts.number)
            if birth and birth != facts.birth_date:
                refuse("birth_date", _("The date of birth differs from the ID number's."))
            if gender and gender != facts.gender:
                refuse("gender", _("The gender differs from the ID number's."))
            birth, gender = birth or facts.birth_date, gender or facts.gender
            clash = Member.objects.filter(id_number_hash=id_hash)
            if existing is not None:
                clash = clash.exclude(pk=existing.pk)
            if check_unique and clash.exists():
                refuse("id_number", _("A member with this ID number is already registered."))
    mobile = ""
    if fields.mobile:
        try:
            mobile = identity.validate_mobile(fields.mobile)
        except DomainError as exc:
            refuse("mobile", " ".join(exc.messages))
    if birth and birth > today:
        refuse("birth_date", _("The date of birth is in the future."))
    joined, full_on = fields.joined_on, fields.full_member_on
    if joined and joined > today:
        refuse("joined_on", _("The date of joining is in the future."))
    if joined and birth and (whole_years(birth, joined) or 0) < MIN_JOINING_AGE:
        refuse("joined_on", _("A member joins the party at 18 or older."))
    if fields.status == MemberStatus.PROBATIONARY and full_on:
        refuse("full_member_on", _("A probationary member has no full-membership date yet."))
    if full_on and joined and full_on < joined:
        refuse("full_member_on", _("Full membership cannot come before joining."))
    if full_on and full_on > today:
        refuse("full_member_on", _("The date of full membership is in the future."))
    if errors:
        raise DomainError(errors)
    pinyin, initials = name_pinyin(name)
    return {
        "full_name": name,
        "name_pinyin": pinyin,
        "name_initials": initials,
        "org": org,
        "group": group,
        "status": fields.status,
        "gender": gender,
        "ethnicity": " ".join(fields.ethnicity.split()),
        "birth_date": birth,
        "id_number_encrypted": crypto.encrypt(id_number),
        "id_number_hash": id_hash,
        "id_number_masked": identity.mask_id(id_number),
        "mobile_encrypted": crypto.encrypt(mobile),
        "mobile_hash": crypto.keyed_hash(mobile),
        "mobile_masked": identity.mask_mobile(mobile),
        "education": fields.education,
        "organ": fields.organ or org.organ,
        "job_title": fields.job_title.strip(),
        "joined_on": joined,
        "full_member_on": full_on,
        "is_leading_cadre": fields.is_leading_cadre,
        "is_mobile": fields.is_mobile,
    }


AUDITED = (
    "full_name",
    "org",
    "group",
    "status",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_masked",
    "mobile_masked",
    "education",
    "organ",
    "job_title",
    "joined_on",
    "full_member_on",
    "is_leading_cadre",
    "is_mobile",
)


CHOICES: dict[str, Any] = {"gender": Gender, "status": MemberStatus, "education": Education}


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """The audited facts, choice values as their labels so the history reads as written."""
    snapshot = {key: values.get(key) for key in AUDITED}
    for key, choices in CHOICES.items():
        if snapshot.get(key):
            snapshot[key] = str(choices(snapshot[key]).label)
    return snapshot


@transaction.atomic
def member_add(*, actor: Any, fields: MemberFields, user: Any = None) -> Member:
    access.require(actor, perms.MANAGE, fields.org)
    values = _clean(fields, existing=None)
    with refuse_duplicates(_("A member with this ID number is already registered."), "id_number"):
        member = Member.objects.create(**values, user=user)
    audit_record(
        actor=actor,
        action="members.member.create",
        target=member,
        org=member.org,
        changes=diff({}, _snapshot(values)),
    )
    return member


def member_create(
    *,
    actor: Any,
    full_name: str,
    org: Organisation,
    status: str = MemberStatus.FULL,
    group: Organisation | None = None,
    is_leading_cadre: bool = False,
    user: Any = None,
    **extra: Any,
) -> Member:
    """Shorthand for `member_add` with keyword fields."""
    fields = MemberFields(
        full_name=full_name,
        org=org,
        status=status,
        group=group,
        is_leading_cadre=is_leading_cadre,
        **extra,
    )
    return member_add(actor=actor, fields=fields, user=user)


@transaction.atomic
def member_update(*, actor: Any, member: Member, fields: MemberFields) -> Member:
    """Edit the record's facts. The branch changes only by transfer; the status by its service.
    An ID or mobile number left empty keeps the one on record."""
    access.require(actor, perms.MANAGE, member.org)
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "group", "organ")
        .get(pk=member.pk)
    )
    if member.archived_at is not None:
        raise DomainError(_("An archived record cannot be changed."))
    fields.org, fields.status = member.org, member.status
    if member.status == MemberStatus.FULL and fields.full_member_on is None:
        fields.full_member_on = member.full_member_on
    if not fields.id_number and member.id_number_encrypted:
        fields.id_number = crypto.decrypt(member.id_number_encrypted)
    if not fields.mobile and member.mobile_encrypted:
        fields.mobile = crypto.decrypt(member.mobile_encrypted)
    before = _snapshot({key: getattr(member, key) for key in AUDITED})
    values = _clean(fields, existing=member)
    for key, value in values.items():
        setattr(member, key, value)
    with refuse_duplicates(_("A member with this ID number is already registered."), "id_number"):
        member.save(update_fields=list(values))
    changes = diff(before, _snapshot(values))
    if changes:
        audit_record(
            actor=actor,
            action="members.member.update",
            target=member,
            org=member.org,
            changes=changes,
        )
    return member


@transaction.atomic
def member_transfer(
    *, actor: Any, member: Member, to_org: Organisation, transferred_on: date, reason: str
) -> MemberTransfer:
    """Move a member to another branch of the deployment, with date, reason and history."""
    access.require(actor, perms.MANAGE, member.org)
    access.require(actor, perms.MANAGE, to_org)
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    if member.archived_at is not None:
        raise DomainError(_("An archived record cannot be changed."))
    if to_org.kind != OrgKind.BRANCH or to_org.is_archived:
        raise DomainError({"to_org": _("Choose a current branch.")})
    if to_org.pk == member.org_id:
        raise DomainError({"to_org": _("The member already belongs to this branch.")})
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError({"reason": _("Give the reason for the transfer.")})
    if transferred_on > timezone.localdate():
        raise DomainError({"transferred_on": _("The transfer date is in the future.")})
    from_org = member.org
    transfer = MemberTransfer.objects.create(
        member=member,
        from_org=from_org,
        to_org=to_org,
        transferred_on=transferred_on,
        reason=reason,
        created_by=actor if actor is not None else None,
    )
    member.org, member.group = to_org, None
    member.save(update_fields=["org", "group"])
    audit_record(
        actor=actor,
        action="members.member.transfer",
        target=member,
        org=to_org,
        changes={
            "org": [from_org.name, to_org.name],
            "reason": [None, reason],
            "transferred_on": [None, transferred_on],
        },
    )
    return transfer


@transaction.atomic
def member_make_full(*, actor: Any, member: Member, full_member_on: date) -> Member:
    """预备 → 正式, with the date of the branch's resolution."""
    access.require(actor, perms.MANAGE, member.org)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.archived_at is not None:
        raise DomainError(_("An archived record cannot be changed."))
    if member.status != MemberStatus.PROBATIONARY:
        raise DomainError(_("Only a probationary member can become a full member."))
    if full_member_on > timezone.localdate():
        raise DomainError({"full_member_on": _("The date of full membership is in the future.")})
    if member.joined_on and full_member_on < member.joined_on:
        raise DomainError({"full_member_on": _("Full membership cannot come before joining.")})
    member.status, member.full_member_on = MemberStatus.FULL, full_member_on
    member.save(update_fields=["status", "full_member_on"])
    audit_record(
        actor=actor,
        action="members.member.make_full",
        target=member,
        org=member.org,
        changes={"status": ["预备党员", "正式党员"], "full_member_on": [None, full_member_on]},
    )
    return member


@transaction.atomic
def member_archive(*, actor: Any, member: Member, reason: str, note: str = "") -> Member:
    access.require(actor, perms.MANAGE, member.org)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.archived_at is not None:
        raise DomainError(_("This record is already archived."))
    if reason not in ArchiveReason.values:
        raise DomainError({"reason": _("Choose the reason for archiving.")})
    note = " ".join((note or "").split())
    if reason == ArchiveReason.OTHER and not note:
        raise DomainError({"note": _("Describe the reason.")})
    member.archived_at, member.archive_reason, member.archive_note = timezone.now(), reason, note
    member.save(update_fields=["archived_at", "archive_reason", "archive_note"])
    audit_record(
        actor=actor,
        action="members.member.archive",
        target=member,
        org=member.org,
        changes={
            "archive_reason": [None, ArchiveReason(reason).label],
            "archive_note": [None, note],
        },
    )
    return member


@dataclass(frozen=True)
class Unmasked:
    id_number: str
    mobile: str


@transaction.atomic
def member_unmask(*, actor: Any, member: Member) -> Unmasked:
    """Show the full ID and mobile numbers to a holder of the permission; every view audited."""
    access.require(actor, perms.VIEW_SENSITIVE, member.org)
    audit_record(actor=actor, action="members.member.unmask", target=member, org=member.org)
    return Unmasked(
        crypto.decrypt(member.id_number_encrypted), crypto.decrypt(member.mobile_encrypted)
    )


@transaction.atomic
def member_import_commit(*, actor: Any, target: Organisation, plan: RosterPlan) -> tuple[int, int]:
    """Write a checked roster: every row or none. Returns (created, updated)."""
    access.require(actor, perms.MANAGE, target)
    if not plan.ok:
        raise DomainError(_("Correct the errors in the file before importing."))
    new = [Member(**item.values) for item in plan.rows if item.existing_id is None]
    updates = {item.existing_id: item.values for item in plan.rows if item.existing_id}
    with refuse_duplicates(
        _(
            "Some of these members were registered meanwhile (perhaps by "
            "another import); nothing was imported."
        )
    ):
        created = Member.objects.bulk_create(new, batch_size=1000)
    if created and created[0].pk is None:  # a backend without RETURNING
        hashes = [m.id_number_hash for m in created]
        created = list(Member.objects.filter(id_number_hash__in=hashes))
    audit_record_many(
        actor=actor,
        action="members.member.import",
        targets=list(created),
        org=target,
        changes=[
            diff({}, _snapshot(item.values)) for item in plan.rows if item.existing_id is None
        ],
    )
    if updates:
        members = list(Member.objects.select_for_update().filter(pk__in=list(updates)))
        changes = []
        for member in members:
            before = _snapshot({key: getattr(member, key) for key in AUDITED})
            for key, value in updates[member.pk].items():
                setattr(member, key, value)
            changes.append(diff(before, _snapshot(updates[member.pk])))
        Member.objects.bulk_update(
            members, fields=list(next(iter(updates.values()))), batch_size=1000
        )
        audit_record_many(
            actor=actor,
            action="members.member.import_update",
            targets=members,
            org=target,
            changes=changes,
        )
    audit_record(
        actor=actor,
        action="members.roster.import",
        target=target,
        org=target,
        changes={"created": [None, len(created)], "updated": [None, len(updates)]},
    )
    return len(created), len(updates)


@transaction.atomic
def roster_import_start(
    *, actor: Any, target: Organisation, upload: Any, update_existing: bool
) -> ImportJob:
    """Keep the upload and let the worker check it (progress shows on the job's page)."""
    access.require(actor, perms.MANAGE, target)
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError({"file": _("The file is larger than 20 MB.")})
    job = ImportJob.objects.create(
        kind="members.roster",
        org=target,
        created_by=actor,
        file_name=upload.name[:200],
        update_existing=update_existing,
    )
    job.file.save(f"roster-{job.pk}.xlsx", upload, save=True)
    audit_record(
        actor=actor,
        action="members.roster.upload",
        target=job,
        org=target,
        changes={"file_name": [None, job.file_name], "update_existing": [None, update_existing]},
    )
    after_commit("mofan.members.tasks.roster_check", job.pk)
    return job


@transaction.atomic
def roster_import_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The user's go after a clean check: the worker writes every row or none."""
    access.require(actor, perms.MANAGE, job.org)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.READY:
        raise DomainError(_("This import is not waiting for confirmation."))
    job.status = ImportJob.Status.IMPORTING
    job.save(update_fields=["status"])
    after_commit("mofan.members.tasks.roster_commit", job.pk)
    return job


@transaction.atomic
def members_unmask_for_export(*, actor: Any, members: list[Member]) -> dict[int, Unmasked]:
    """Full numbers for an export, only for members in the actor's sensitive scope; one audit
    event names how many were shown."""
    allowed = set(
        access.scope(
            Member.objects.filter(pk__in=[m.pk for m in members]), actor, perms.VIEW_SENSITIVE
        ).values_list("pk", flat=True)
    )
    shown = {
        m.pk: Unmasked(crypto.decrypt(m.id_number_encrypted), crypto.decrypt(m.mobile_encrypted))
        for m in members
        if m.pk in allowed
    }
    audit_record(
        actor=actor,
        action="members.member.export_unmasked",
        target_label=f"{len(shown)}",
        changes={"unmasked": [None, len(shown)]},
    )
    return shown


@transaction.atomic
def member_link_user(*, actor: Any, member: Member, username: str) -> Member:
    """Link the record to a login (or unlink it with an empty username)."""
    access.require(actor, perms.MANAGE, member.org)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.archived_at is not None:
        raise DomainError(_("An archived record cannot be changed."))
    username = (username or "").strip()
    user = None
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise DomainError({"username": _("No active account has this username.")})
        if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
            raise DomainError({"username": _("This account belongs to another member.")})
    before = member.user.username if member.user else None
    member.user = user
    with refuse_duplicates(_("This account belongs to another member."), "username"):
        member.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="members.member.link_user",
        target=member,
        org=member.org,
        changes={"login": [before, username or None]},
    )
    return member
