"""Writes to accounts: users, roles, grants, sessions and login security."""

from __future__ import annotations

import re
from typing import Any

import axes.utils
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import Grant, LoginRecord, Role, User, UserSession
from mofan.accounts.roles import ADMIN_DUTIES, BUILTIN_ROLES, refresh_builtin_roles
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.registry import all_permissions, system_permissions
from mofan.orgs.models import Organisation

MOBILE_RE = re.compile(r"^1\d{10}$")


def _normalise_mobile(mobile: str) -> str | None:
    digits = "".join(ch for ch in (mobile or "") if not ch.isspace())
    if not digits:
        return None
    if not MOBILE_RE.match(digits):
        raise DomainError({"mobile": _("Enter an 11-digit mobile number starting with 1.")})
    return digits


def _validate_password(password: str, user: User | None, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError({field: exc.messages}) from exc


@transaction.atomic
def roles_ensure_builtin() -> list[Role]:
    """Create or refresh the built-in roles (idempotent; run by migrations and the demo)."""
    refresh_builtin_roles(Role)
    return list(Role.objects.filter(is_builtin=True).order_by("id"))


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError({"email": _("Enter a valid e-mail address.")}) from error
    return email.lower()


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    mobile: str = "",
    email: str = "",
    must_change_password: bool = True,
) -> User:
    access.require(actor, perms.MANAGE_USERS, None)
    username = (username or "").strip()
    if not re.match(r"^[A-Za-z0-9_.@-]{3,150}$", username):
        raise DomainError(
            {
                "username": _(
                    "Use 3 or more letters, digits or the characters _ . @ - for the username."
                )
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError({"username": _("This username is taken.")})
    mobile_value = _normalise_mobile(mobile)
    if mobile_value and User.objects.filter(mobile=mobile_value).exists():
        raise DomainError({"mobile": _("This mobile number belongs to another account.")})
    user = User(
        username=username,
        full_name=full_name.strip(),
        mobile=mobile_value,
        email=_normalise_email(email),
        must_change_password=must_change_password,
    )
    _validate_password(password, user, "password")
    user.set_password(password)
    with refuse_duplicates(_("This username is taken."), "username"):
        user.save()
    audit_record(
        actor=actor,
        action="accounts.user.create",
        target=user,
        changes=diff(
            {}, {"username": username, "full_name": user.full_name, "mobile": user.masked_mobile}
        ),
    )
    return user


@transaction.atomic
def user_update(
    *, actor: Any, user: User, full_name: str, mobile: str, is_active: bool, email: str = ""
) -> User:
    access.require(actor, perms.MANAGE_USERS, None)
    user = User.objects.select_for_update().get(pk=user.pk)
    mobile_value = _normalise_mobile(mobile)
    if mobile_value and User.objects.filter(mobile=mobile_value).exclude(pk=user.pk).exists():
        raise DomainError({"mobile": _("This mobile number belongs to another account.")})
    if actor is not None and user.pk == actor.pk and not is_active:
        raise DomainError({"is_active": _("You cannot disable your own account.")})
    before = {
        "full_name": user.full_name,
        "mobile": user.masked_mobile,
        "email": user.email,
        "is_active": user.is_active,
    }
    user.full_name, user.mobile, user.is_active = full_name.strip(), mobile_value, is_active
    user.email = _normalise_email(email)
    user.save(update_fields=["full_name", "mobile", "email", "is_active"])
    after = {
        "full_name": user.full_name,
        "mobile": user.masked_mobile,
        "email": user.email,
        "is_active": user.is_active,
    }
    if not is_active:
        _end_sessions_of(user, reason="account disabled")
    changes = diff(before, after)
    if changes:
        audit_record(actor=actor, action="accounts.user.update", target=user, changes=changes)
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a temporary password; the user must change it at next sign-in."""
    access.require(actor, perms.MANAGE_USERS, None)
    user = User.objects.select_for_update().get(pk=user.pk)
    _validate_password(password, user, "password")
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions_of(user, reason="password reset")
    audit_record(actor=actor, action="accounts.user.reset_password", target=user)
    return user


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The user's own change; clears the forced-change flag."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        raise DomainError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise DomainError({"new_password": _("Choose a password different from the current one.")})
    _validate_password(new_password, user, "new_password")
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(actor=user, action="accounts.user.change_password", target=user)
    return user


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


@transaction.atomic
def grant_create(
    *, actor: Any, user: User, role: Role, org: Organisation, include_subtree: bool = True
) -> Grant:
    access.require(actor, perms.MANAGE_GRANTS, org)
    if Grant.objects.filter(user=user, role=role, org=org, revoked_at__isnull=True).exists():
        raise DomainError(_("This user already holds this role in this organisation."))
    if org.is_archived:
        raise DomainError({"org": _("The organisation is archived.")})
    held = Grant.objects.filter(user=user, revoked_at__isnull=True).values_list(
        "role__permissions", flat=True
    )
    held_codes = {code for codes in held for code in (codes or [])}
    duties = _admin_duties(held_codes | set(role.permissions or []))
    if len(duties) > 1:
        raise DomainError(
            {
                "role": _(
                    "One person cannot be two of the system, security and audit administrators."
                )
            }
        )
    with refuse_duplicates(_("This user already holds this role in this organisation.")):
        grant = Grant.objects.create(
            user=user,
            role=role,
            org=org,
            include_subtree=include_subtree,
            created_by=actor if actor is not None else None,
        )
    audit_record(
        actor=actor,
        action="accounts.grant.create",
        target=grant,
        org=org,
        changes=diff(
            {},
            {
                "user": user.username,
                "role": role.name,
                "org": org.name,
                "include_subtree": include_subtree,
            },
        ),
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


# Login security -------------------------------------------------------------------------


@transaction.atomic
def login_record_failure(*, username: str, ip: str | None, user_agent: str, reason: str) -> None:
    """A refused sign-in: in the login log, and in the audit log under the name typed."""
    user = User.objects.filter(username=username).first()
    LoginRecord.objects.create(
        user=user,
        username=username[:150],
        success=False,
        reason=reason[:100],
        ip=ip,
        user_agent=user_agent[:300],
    )
    audit_record(
        actor=None,
        action="accounts.session.refuse",
        target=user,
        target_label=username[:150],
        changes={"reason": [None, reason[:100]]},
    )


@transaction.atomic
def session_open(*, user: User, session_key: str, ip: str | None, user_agent: str) -> UserSession:
    """After a successful sign-in: log it and start tracking the session."""
    LoginRecord.objects.create(
        user=user, username=user.username, success=True, ip=ip, user_agent=user_agent[:300]
    )
    now = timezone.now()
    tracked, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip": ip,
            "user_agent": user_agent[:300],
            "last_seen": now,
            "ended_at": None,
            "end_reason": "",
        },
    )
    audit_record(actor=user, action="accounts.session.open", target=user)
    return tracked


def session_touch(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        last_seen=timezone.now()
    )


# How a session ended, in the audit log; other reasons (an administrator's reset, disabling
# the account) are the audit event of the service that ended it.
SESSION_END_ACTIONS = {
    "signed out": "accounts.session.sign_out",
    "idle timeout": "accounts.session.time_out",
}


@transaction.atomic
def session_close(*, session_key: str, reason: str) -> None:
    tracked = (
        UserSession.objects.select_for_update()
        .select_related("user")
        .filter(session_key=session_key, ended_at__isnull=True)
        .first()
    )
    if tracked is None:
        return
    tracked.ended_at = timezone.now()
    tracked.end_reason = reason
    tracked.save(update_fields=["ended_at", "end_reason"])
    action = SESSION_END_ACTIONS.get(reason)
    if action is not None:
        audit_record(
            actor=tracked.user,
            action=action,
            target=tracked.user,
            changes={"session": [tracked.started_at, tracked.ended_at]},
        )


def _session_store(session_key: str) -> SessionBase:
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def _end_sessions_of(user: User, *, reason: str) -> None:
    for tracked in UserSession.objects.filter(user=user, ended_at__isnull=True):
        _session_store(tracked.session_key).delete()
        session_close(session_key=tracked.session_key, reason=reason)


@transaction.atomic
def session_end(*, actor: Any, tracked: UserSession) -> UserSession:
    """A security administrator forces a session to end (强制退出)."""
    access.require(actor, perms.MANAGE_SESSIONS, None)
    tracked = UserSession.objects.select_for_update().select_related("user").get(pk=tracked.pk)
    if tracked.ended_at is not None:
        raise DomainError(_("This session has already ended."))
    _session_store(tracked.session_key).delete()
    tracked.ended_at = timezone.now()
    tracked.end_reason = "ended by administrator"
    tracked.save(update_fields=["ended_at", "end_reason"])
    audit_record(
        actor=actor,
        action="accounts.session.end",
        target=tracked.user,
        changes={"session": [tracked.started_at, None]},
    )
    return tracked


@transaction.atomic
def account_unlock(*, actor: Any, username: str) -> int:
    """Lift a lockout after failed sign-ins before the ten minutes are over."""
    access.require(actor, perms.MANAGE_SESSIONS, None)
    removed = axes.utils.reset(username=username)
    if not removed:
        raise DomainError(_("This account is not locked."))
    user = User.objects.filter(username=username).first()
    audit_record(
        actor=actor,
        action="accounts.user.unlock",
        target=user,
        target_label=username,
        changes={"locked": [True, False]},
    )
    return int(removed)
