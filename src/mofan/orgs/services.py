"""Writes to the organisation tree. Every function checks, saves, audits."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.paths import subtree_q
from mofan.orgs import permissions as perms
from mofan.orgs.imports import ImportPlan
from mofan.orgs.models import (
    CommitteeSeat,
    Organ,
    Organisation,
    OrgKind,
    PartnerContact,
    PartnerKind,
    PartnerUnit,
    SeatPosition,
    Term,
)
from mofan.orgs.rules import ALLOWED_PARENTS, default_term_end
from mofan.orgs.selectors import org_list

if TYPE_CHECKING:
    from mofan.members.models import Member


def _clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise DomainError({field: _("Enter a name.")})
    return cleaned


def _check_parent(kind: str, parent: Organisation | None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    kind_label = OrgKind(kind).label
    if parent is None:
        if allowed:
            raise DomainError(
                {"parent": _("A %(kind)s needs a parent organisation.") % {"kind": kind_label}}
            )
        return
    if parent.is_archived:
        raise DomainError({"parent": _("The parent organisation is archived.")})
    if parent.kind not in allowed:
        raise DomainError(
            {
                "parent": _("A %(kind)s cannot stand under a %(parent)s.")
                % {"kind": kind_label, "parent": OrgKind(parent.kind).label}
            }
        )


def _children(org: Organisation | None) -> QuerySet[Organisation]:
    # Computed from the path, not from treebeard's numchild, which a stale instance gets wrong.
    if org is None:
        return Organisation.objects.filter(depth=1)
    return Organisation.objects.filter(subtree_q(org.path), depth=org.depth + 1)


def _check_sibling_name(name: str, parent: Organisation | None, exclude_pk: int | None) -> None:
    siblings = _children(parent)
    clash = siblings.filter(name=name, archived_at__isnull=True)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError({"name": _("An organisation with this name already exists here.")})


@transaction.atomic
def organ_create(*, actor: Any, name: str) -> Organ:
    access.require(actor, perms.MANAGE, None)
    name = _clean_name(name)
    if Organ.objects.filter(name=name).exists():
        raise DomainError({"name": _("An organ with this name already exists.")})
    with refuse_duplicates(_("An organ with this name already exists."), "name"):
        organ = Organ.objects.create(name=name)
    audit_record(actor=actor, action="orgs.organ.create", target=organ, changes={"name": name})
    return organ


@transaction.atomic
def org_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    parent: Organisation | None,
    organ: Organ | None = None,
    is_joint: bool = False,
    is_external: bool = False,
    established_on: date | None = None,
) -> Organisation:
    if parent is None:
        if actor is not None:
            raise DomainError({"parent": _("Choose a parent organisation.")})
    else:
        access.require(actor, perms.MANAGE, parent)
    name = _clean_name(name)
    if parent is not None:
        # Lock the parent first: concurrent creations under it then check and add in turn.
        parent = Organisation.objects.select_for_update().get(pk=parent.pk)
    _check_parent(kind, parent)
    if is_joint and kind != OrgKind.BRANCH:
        raise DomainError({"is_joint": _("Only a branch can be a joint branch.")})
    _check_sibling_name(name, parent, None)
    if organ is None and parent is not None:
        organ = parent.organ
    established_on = established_on or timezone.localdate()
    if established_on > timezone.localdate():
        raise DomainError({"established_on": _("The founding date is in the future.")})
    fields = {
        "name": name,
        "kind": kind,
        "organ": organ,
        "is_joint": is_joint,
        "is_external": is_external,
        "established_on": established_on,
    }
    if parent is None:
        org = Organisation.objects.add_root(fields)
    else:
        org = Organisation.objects.add_child(parent, fields)
    audit_record(
        actor=actor,
        action="orgs.organisation.create",
        target=org,
        org=org,
        changes=diff({}, {**fields, "parent": parent}),
    )
    return org


@transaction.atomic
def org_update(
    *, actor: Any, org: Organisation, name: str, organ: Organ | None, is_joint: bool
) -> Organisation:
    access.require(actor, perms.MANAGE, org)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    if org.is_archived:
        raise DomainError(_("An archived organisation cannot be changed."))
    name = _clean_name(name)
    if is_joint and org.kind != OrgKind.BRANCH:
        raise DomainError({"is_joint": _("Only a branch can be a joint branch.")})
    _check_sibling_name(name, Organisation.objects.get_parent(org), org.pk)
    before = {"name": org.name, "organ": org.organ, "is_joint": org.is_joint}
    org.name, org.organ, org.is_joint = name, organ, is_joint
    org.save(update_fields=["name", "organ", "is_joint"])
    changes = diff(before, {"name": name, "organ": organ, "is_joint": is_joint})
    if changes:
        audit_record(
            actor=actor, action="orgs.organisation.update", target=org, org=org, changes=changes
        )
    return org


@transaction.atomic
def org_move(*, actor: Any, org: Organisation, new_parent: Organisation) -> Organisation:
    """Move an organisation (and everything under it) under another parent."""
    access.require(actor, perms.MANAGE, org)
    access.require(actor, perms.MANAGE, new_parent)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    new_parent = Organisation.objects.select_for_update().get(pk=new_parent.pk)
    if org.is_archived:
        raise DomainError(_("An archived organisation cannot be moved."))
    if org.depth == 1:
        raise DomainError(_("The top of the tree cannot be moved."))
    if new_parent.path.startswith(org.path):
        raise DomainError(
            {
                "new_parent": _(
                    "An organisation cannot move under itself or under one of its own subordinates."
                )
            }
        )
    old_parent = Organisation.objects.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise DomainError({"new_parent": _("The organisation already stands there.")})
    _check_parent(org.kind, new_parent)
    _check_sibling_name(org.name, new_parent, org.pk)
    Organisation.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    audit_record(
        actor=actor,
        action="orgs.organisation.move",
        target=org,
        org=org,
        changes=diff({"parent": old_parent}, {"parent": new_parent}),
    )
    return org


@transaction.atomic
def org_archive(*, actor: Any, org: Organisation, reason: str) -> Organisation:
    access.require(actor, perms.MANAGE, org)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    if org.is_archived:
        raise DomainError(_("This organisation is already archived."))
    if org.depth == 1:
        raise DomainError(_("The top of the tree cannot be archived."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError({"reason": _("Give the reason for archiving.")})
    if _children(org).filter(archived_at__isnull=True).exists():
        raise DomainError(_("Move or archive its subordinate organisations first."))
    if org.members.filter(archived_at__isnull=True).exists():
        raise DomainError(_("Transfer its members to another organisation first."))
    org.archived_at = timezone.now()
    org.archive_reason = reason
    org.save(update_fields=["archived_at", "archive_reason"])
    CommitteeSeat.objects.filter(org=org, ends_on__isnull=True).update(ends_on=timezone.localdate())
    audit_record(
        actor=actor,
        action="orgs.organisation.archive",
        target=org,
        org=org,
        changes={"archive_reason": [None, reason]},
    )
    return org


@transaction.atomic
def seat_assign(
    *,
    actor: Any,
    org: Organisation,
    position: str,
    holder: Member,
    starts_on: date,
    ends_on: date | None = None,
) -> CommitteeSeat:
    access.require(actor, perms.MANAGE, org)
    if org.is_archived:
        raise DomainError(_("An archived organisation cannot be changed."))
    if org.kind == OrgKind.GROUP:
        raise DomainError(_("A party group has no committee."))
    if not holder.org.path.startswith(org.path) or holder.archived_at is not None:
        raise DomainError(
            {"holder": _("The holder must be a current member of this organisation.")}
        )
    if ends_on is not None and ends_on < starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    single = position in {SeatPosition.SECRETARY}
    current = CommitteeSeat.objects.select_for_update().filter(org=org, ends_on__isnull=True)
    if single and current.filter(position=position).exists():
        raise DomainError(
            {"position": _("This seat is already held; end the current holder's seat first.")}
        )
    if current.filter(holder=holder).exists():
        raise DomainError({"holder": _("This person already holds a seat on the committee.")})
    seat = CommitteeSeat.objects.create(
        org=org, position=position, holder=holder, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(
        actor=actor,
        action="orgs.seat.assign",
        target=seat,
        org=org,
        changes=diff(
            {},
            {
                "position": seat.get_position_display(),
                "holder": holder,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        ),
    )
    return seat


@transaction.atomic
def seat_end(*, actor: Any, seat: CommitteeSeat, ends_on: date) -> CommitteeSeat:
    access.require(actor, perms.MANAGE, seat.org)
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    if seat.ends_on is not None and seat.ends_on <= timezone.localdate():
        raise DomainError(_("This seat has already ended."))
    if ends_on < seat.starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    before = seat.ends_on
    seat.ends_on = ends_on
    seat.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="orgs.seat.end",
        target=seat,
        org=seat.org,
        changes=diff({"ends_on": before}, {"ends_on": ends_on}),
    )
    return seat


@transaction.atomic
def term_start(
    *, actor: Any, org: Organisation, starts_on: date, ends_on: date | None = None, note: str = ""
) -> Term:
    """Record an election (换届): a new term, by default as long as the kind's rule says."""
    access.require(actor, perms.MANAGE, org)
    if org.is_archived:
        raise DomainError(_("An archived organisation cannot be changed."))
    default_end = default_term_end(org.kind, starts_on)
    if default_end is None:
        raise DomainError(_("This kind of organisation has no elected term."))
    ends_on = ends_on or default_end
    if ends_on <= starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    latest = Term.objects.select_for_update().filter(org=org).order_by("-starts_on").first()
    if latest is not None and starts_on <= latest.starts_on:
        raise DomainError({"starts_on": _("A new term must start after the current one started.")})
    term = Term.objects.create(org=org, starts_on=starts_on, ends_on=ends_on, note=note.strip())
    audit_record(
        actor=actor,
        action="orgs.term.start",
        target=term,
        org=org,
        changes=diff({}, {"starts_on": starts_on, "ends_on": ends_on, "note": note}),
    )
    return term


@transaction.atomic
def partner_create(
    *, actor: Any, org: Organisation, name: str, kind: str, address: str = ""
) -> PartnerUnit:
    access.require(actor, perms.MANAGE_PARTNERS, org)
    name = _clean_name(name)
    if kind not in PartnerKind.values:
        raise DomainError({"kind": _("Choose a kind.")})
    if PartnerUnit.objects.filter(name=name).exists():
        raise DomainError({"name": _("A partner unit with this name already exists.")})
    with refuse_duplicates(_("A partner unit with this name already exists."), "name"):
        partner = PartnerUnit.objects.create(name=name, kind=kind, address=address.strip(), org=org)
    audit_record(
        actor=actor,
        action="orgs.partner.create",
        target=partner,
        org=org,
        changes=diff(
            {}, {"name": name, "kind": partner.get_kind_display(), "address": partner.address}
        ),
    )
    return partner


@transaction.atomic
def partner_contact_add(
    *, actor: Any, partner: PartnerUnit, name: str, position: str = "", phone: str = ""
) -> PartnerContact:
    access.require(actor, perms.MANAGE_PARTNERS, partner.org)
    name = _clean_name(name)
    phone = "".join(ch for ch in phone if ch.isdigit() or ch == "-")
    contact = PartnerContact(partner=partner, name=name, position=position.strip())
    contact.phone = phone  # encrypted, with its mask
    contact.save()
    audit_record(
        actor=actor,
        action="orgs.partner_contact.create",
        target=contact,
        org=partner.org,
        changes=diff({}, {"name": name, "position": position}),
    )
    return contact


@transaction.atomic
def partner_contact_link_user(
    *, actor: Any, contact: PartnerContact, username: str
) -> PartnerContact:
    """Link a partner's contact to a login (or unlink it with an empty username). The login
    then acts for the partner unit: it sees the unit's demands, orders and ratings, and orders
    from the menus. The people who manage partner units do this."""
    contact = (
        PartnerContact.objects.select_for_update(of=("self",))
        .select_related("partner__org", "user")
        .get(pk=contact.pk)
    )
    access.require(actor, perms.MANAGE_PARTNERS, contact.partner.org)
    username = (username or "").strip()
    user = None
    if username:
        if contact.partner.archived_at is not None:
            raise DomainError(_("The partner unit is archived."))
        # accounts builds on orgs: the login model is the one Django is configured with.
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise DomainError({"username": _("No active account has this username.")})
        if PartnerContact.objects.filter(user=user).exclude(pk=contact.pk).exists():
            raise DomainError({"username": _("This account is the login of another contact.")})
    before = contact.user.username if contact.user else None
    if before == (username or None):
        raise DomainError(
            {"username": _("The contact is already linked to this login.")}
            if username
            else _("The contact has no login to unlink.")
        )
    contact.user = user
    with refuse_duplicates(_("This account is the login of another contact."), "username"):
        contact.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="orgs.partner_contact.link_user",
        target=contact,
        org=contact.partner.org,
        changes={"login": [before, username or None]},
    )
    return contact


@transaction.atomic
def org_import_commit(*, actor: Any, plan: ImportPlan) -> list[Organisation]:
    """Write a checked import plan: every row or, on any refusal, none."""
    if not plan.ok:
        raise DomainError(_("Correct the errors in the file before importing."))
    created: dict[str, Organisation] = {}
    organs = {organ.name: organ for organ in Organ.objects.all()}
    visible = {org.name: org for org in org_list(actor=actor, permission=perms.MANAGE)}
    result = []
    for item in plan.rows:
        parent = created.get(item.parent_name) or visible.get(item.parent_name)
        if parent is None:
            raise DomainError(
                _("Row %(row)d: the parent organisation %(name)s was not found.")
                % {"row": item.row, "name": item.parent_name}
            )
        organ = None
        if item.organ_name:
            organ = organs.get(item.organ_name)
            if organ is None:
                organ = organ_create(actor=actor, name=item.organ_name)
                organs[organ.name] = organ
        try:
            org = org_create(
                actor=actor,
                name=item.name,
                kind=item.kind,
                parent=parent,
                organ=organ,
                is_joint=item.is_joint,
            )
        except DomainError as exc:
            raise DomainError(
                _("Row %(row)d: %(reason)s") % {"row": item.row, "reason": " ".join(exc.messages)}
            ) from exc
        created[org.name] = org
        result.append(org)
    audit_record(
        actor=actor,
        action="orgs.organisation.import",
        target=None,
        org=result[0] if result else None,
        target_label=_("%(n)d organisations imported") % {"n": len(result)},
        changes={"rows": [None, len(result)]},
    )
    return result
