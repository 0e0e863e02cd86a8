"""Roles and grants, and the separation of the three administrators (三员分立) they keep."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import (
    Grant,
    Role,
    User,
)
from mofan.accounts.roles import ADMIN_DUTIES, BUILTIN_ROLES, refresh_builtin_roles
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.registry import all_permissions, system_permissions
from mofan.orgs.models import Organisation


@transaction.atomic
def roles_ensure_builtin() -> list[Role]:
    """Create or refresh the built-in roles (idempotent; run by migrations and the demo)."""
    refresh_builtin_roles(Role)
    return list(Role.objects.filter(is_builtin=True).order_by("id"))


def _clean_permissions(codes: list[str]) -> list[str]:
    known = all_permissions()
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise DomainError(
            {"permissions": _("Unknown permission: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    system = set(codes) & system_permissions()
    if system and set(codes) - system:
        # 三员分立: an administrator's role never carries business data as well.
        raise DomainError(
            {"permissions": _("A role cannot mix system administration and business permissions.")}
        )
    if len(_admin_duties(system)) > 1:
        raise DomainError(
            {"permissions": _("System, security and audit administration belong to three roles.")}
        )
    return sorted(set(codes))


def _admin_duties(codes: set[str] | frozenset[str]) -> set[str]:
    """Which of the three administrators' duties (三员) these codes belong to."""
    return {duty for duty in ADMIN_DUTIES if codes & set(BUILTIN_ROLES[duty])}


@transaction.atomic
def role_create(*, actor: Any, code: str, name: str, permissions: list[str]) -> Role:
    access.require(actor, perms.MANAGE_ROLES, None)
    code = (code or "").strip().lower()
    name = " ".join((name or "").split())
    if not re.match(r"^[a-z][a-z0-9_]{1,49}$", code):
        raise DomainError({"code": _("Use lower-case letters, digits and _ for the code.")})
    if not name:
        raise DomainError({"name": _("Enter a name.")})
    if Role.objects.filter(code=code).exists():
        raise DomainError({"code": _("A role with this code already exists.")})
    if Role.objects.filter(name=name).exists():
        raise DomainError({"name": _("A role with this name already exists.")})
    with refuse_duplicates(_("A role with this code already exists."), "code"):
        role = Role.objects.create(
            code=code, name=name, permissions=_clean_permissions(permissions)
        )
    audit_record(
        actor=actor,
        action="accounts.role.create",
        target=role,
        changes=diff({}, {"code": code, "name": name, "permissions": role.permissions}),
    )
    return role


@transaction.atomic
def role_update(*, actor: Any, role: Role, name: str, permissions: list[str]) -> Role:
    access.require(actor, perms.MANAGE_ROLES, None)
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.is_builtin:
        raise DomainError(_("Built-in roles cannot be changed; create a new role instead."))
    name = " ".join((name or "").split())
    if not name:
        raise DomainError({"name": _("Enter a name.")})
    if Role.objects.filter(name=name).exclude(pk=role.pk).exists():
        raise DomainError({"name": _("A role with this name already exists.")})
    before = {"name": role.name, "permissions": role.permissions}
    role.name, role.permissions = name, _clean_permissions(permissions)
    role.save(update_fields=["name", "permissions"])
    changes = diff(before, {"name": role.name, "permissions": role.permissions})
    if changes:
        audit_record(actor=actor, action="accounts.role.update", target=role, changes=changes)
    return role


def _is_business(role: Role) -> bool:
    """A role that reads or writes party business (every role without an administrator's
    system codes: the two never mix in one role)."""
    return not set(role.permissions or []) & system_permissions()


def _check_grant_allowed(user: User, role: Role, org: Organisation) -> None:
    """三员分立 for one more grant: one person holds at most one of the three administrators'
    duties, and an administrator holds no business role (nor a business holder a duty)."""
    if Grant.objects.filter(user=user, role=role, org=org, revoked_at__isnull=True).exists():
        raise DomainError(_("This user already holds this role in this organisation."))
    if org.is_archived:
        raise DomainError({"org": _("The organisation is archived.")})
    held = list(Role.objects.filter(grants__user=user, grants__revoked_at__isnull=True).distinct())
    held_codes = {code for other in held for code in (other.permissions or [])}
    if len(_admin_duties(held_codes | set(role.permissions or []))) > 1:
        raise DomainError(
            {
                "role": _(
                    "One person cannot be two of the system, security and audit administrators."
                )
            }
        )
    if _is_business(role) and _admin_duties(held_codes):
        raise DomainError(
            {"role": _("The system, security and audit administrators hold no business role.")}
        )
    if not _is_business(role) and any(_is_business(other) for other in held):
        raise DomainError(
            {"role": _("A person with a business role cannot be one of the administrators.")}
        )


@transaction.atomic
def grant_create(
    *, actor: Any, user: User, role: Role, org: Organisation, include_subtree: bool = True
) -> Grant:
    """A grant that takes effect at once: any grant by the system itself (deployment, demo),
    an administrator's role by the security administrator. A business role granted by a
    person goes through `grant_request_create`."""
    access.require(actor, perms.MANAGE_GRANTS, org)
    if actor is not None and _is_business(role):
        raise DomainError(
            {"role": _("A business role needs a work-committee administrator's approval.")}
        )
    _check_grant_allowed(user, role, org)
    return _grant_insert(
        actor=actor, user=user, role=role, org=org, include_subtree=include_subtree
    )


def _grant_insert(
    *,
    actor: Any,
    user: User,
    role: Role,
    org: Organisation,
    include_subtree: bool,
    requested_by: User | None = None,
) -> Grant:
    with refuse_duplicates(_("This user already holds this role in this organisation.")):
        grant = Grant.objects.create(
            user=user,
            role=role,
            org=org,
            include_subtree=include_subtree,
            created_by=requested_by or actor,
        )
    after: dict[str, Any] = {
        "user": user.username,
        "role": role.name,
        "org": org.name,
        "include_subtree": include_subtree,
    }
    if requested_by is not None:
        after["requested_by"] = requested_by.username
    audit_record(
        actor=actor, action="accounts.grant.create", target=grant, org=org, changes=diff({}, after)
    )
    access.forget_grants(user)
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: Grant) -> Grant:
    access.require(actor, perms.MANAGE_GRANTS, grant.org)
    grant = Grant.objects.select_for_update().select_related("org", "role", "user").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise DomainError(_("This grant has already been revoked."))
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="accounts.grant.revoke",
        target=grant,
        org=grant.org,
        changes={"revoked_at": [None, grant.revoked_at]},
    )
    access.forget_grants(grant.user)
    return grant
