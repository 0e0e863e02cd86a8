"""Writes to accounts: users, roles, grants, sessions and login security."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import axes.utils
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import (
    Grant,
    GrantRequest,
    LoginRecord,
    PasswordHistory,
    PasswordResetRequest,
    RequestStatus,
    Role,
    User,
    UserSession,
)
from mofan.accounts.roles import ADMIN_DUTIES, BUILTIN_ROLES, refresh_builtin_roles
from mofan.core import access, crypto
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.identity import mask_mobile
from mofan.core.registry import all_permissions, system_permissions
from mofan.core.services import message_send
from mofan.orgs.models import Organisation

MOBILE_RE = re.compile(r"^1\d{10}$")
TOUCH_LAG = timedelta(minutes=1)  # UserSession.last_seen is written at most once a minute

# A sign-in name that is a mainland mobile number (sign-in by mobile is allowed).
MOBILE_TYPED = re.compile(r"1\d{10}")


def _normalise_mobile(mobile: str) -> str | None:
    digits = "".join(ch for ch in (mobile or "") if not ch.isspace())
    if not digits:
        return None
    if not MOBILE_RE.match(digits):
        raise DomainError({"mobile": _("Enter an 11-digit mobile number starting with 1.")})
    return digits


def _remember_password(user: User) -> None:
    """Keep the hash just set, and only as many as the history rule looks back."""
    keep = max(settings.MOFAN_PASSWORD_HISTORY, 1)
    PasswordHistory.objects.create(user=user, password=user.password)
    newest = list(
        PasswordHistory.objects.filter(user=user)
        .order_by("-id")
        .values_list("pk", flat=True)[:keep]
    )
    PasswordHistory.objects.filter(user=user).exclude(pk__in=newest).delete()


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
    if mobile_value and User.objects.filter(mobile_hash=crypto.keyed_hash(mobile_value)).exists():
        raise DomainError({"mobile": _("This mobile number belongs to another account.")})
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=_normalise_email(email),
        must_change_password=must_change_password,
    )
    user.mobile = mobile_value  # encrypted, with its hash and mask
    _validate_password(password, user, "password")
    user.set_password(password)
    with refuse_duplicates(_("This username is taken."), "username"):
        user.save()
    _remember_password(user)
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
    clash = User.objects.filter(mobile_hash=crypto.keyed_hash(mobile_value or ""))
    if mobile_value and clash.exclude(pk=user.pk).exists():
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
    user.save(update_fields=["full_name", *User.MOBILE_FIELDS, "email", "is_active"])
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


def _reset_needs_approval(user: User) -> bool:
    """Whether resetting this account's password would let the system administrator take over
    another duty: an account of one of the three administrators, or one holding a business role
    on a top organisation (the work committee's administrator)."""
    for grant in Grant.objects.filter(user=user, revoked_at__isnull=True).select_related(
        "role", "org"
    ):
        codes = set(grant.role.permissions or [])
        if _admin_duties(codes) or (_is_business(grant.role) and grant.org.depth == 1):
            return True
    return False


def _refuse_own_reset(actor: Any, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("Change your own password under My account."))


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a temporary password; the user must change it at next sign-in.
    Accounts of other duties need the security administrator's approval first
    (`password_reset_request_create`)."""
    access.require(actor, perms.MANAGE_USERS, None)
    _refuse_own_reset(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and _reset_needs_approval(user):
        raise DomainError(
            _("This account's password is reset only after the security administrator approves.")
        )
    _validate_password(password, user, "password")
    user.set_password(password)
    _apply_reset(user)
    audit_record(actor=actor, action="accounts.user.reset_password", target=user)
    return user


def _apply_reset(user: User) -> None:
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _remember_password(user)
    _end_sessions_of(user, reason="password reset")


def password_reset_submit(*, actor: Any, user: User, password: str) -> User | PasswordResetRequest:
    """The reset page: done at once, or requested for the security administrator's approval."""
    if actor is not None and _reset_needs_approval(user):
        return password_reset_request_create(actor=actor, user=user, password=password)
    return user_reset_password(actor=actor, user=user, password=password)


@transaction.atomic
def password_reset_request_create(*, actor: Any, user: User, password: str) -> PasswordResetRequest:
    access.require(actor, perms.MANAGE_USERS, None)
    _refuse_own_reset(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    _validate_password(password, user, "password")
    if PasswordResetRequest.objects.filter(user=user, status=RequestStatus.PENDING).exists():
        raise DomainError(_("A reset of this account's password is already awaiting approval."))
    with refuse_duplicates(_("A reset of this account's password is already awaiting approval.")):
        request = PasswordResetRequest.objects.create(
            user=user, password=make_password(password), requested_by=actor
        )
    audit_record(
        actor=actor,
        action="accounts.reset_request.create",
        target=request,
        changes={"status": [None, RequestStatus.PENDING]},
    )
    return request


@transaction.atomic
def password_reset_request_decide(
    *, actor: Any, request: PasswordResetRequest, approve: bool, reason: str = ""
) -> PasswordResetRequest:
    """The security administrator approves (the reset happens, with the forced change) or
    rejects (with a reason) the system administrator's reset of a privileged account."""
    access.require(actor, perms.APPROVE_RESETS, None)
    request = (
        PasswordResetRequest.objects.select_for_update()
        .select_related("user", "requested_by")
        .get(pk=request.pk)
    )
    target, reason = _decide(actor, request, approve, reason)
    if approve and actor is not None and actor.pk == request.user_id:
        raise DomainError(_("You cannot approve a reset of your own password."))
    before = request.status
    if approve:
        user = User.objects.select_for_update().get(pk=request.user_id)
        user.password = request.password
        _apply_reset(user)
        audit_record(
            actor=actor,
            action="accounts.user.reset_password",
            target=user,
            changes={"requested_by": [None, request.requested_by.username]},
        )
    request.status, request.reason, request.password = target, reason, ""
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "reason", "password", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=f"accounts.reset_request.{'approve' if approve else 'reject'}",
        target=request,
        changes=diff({"status": before}, {"status": target, "reason": reason or None}),
    )
    title = (
        _("The reset of the password of %(name)s was approved.")
        if approve
        else _("The reset of the password of %(name)s was rejected: %(reason)s")
    ) % {"name": request.user.username, "reason": reason}
    # A row of this transaction: it goes with the decision (its e-mail waits for the commit).
    message_send(user_id=request.requested_by_id, title=title, link=reverse("accounts:users"))
    return request


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
    _remember_password(user)
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


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


RS = RequestStatus
# The one table of a request's life, for grant requests and password reset requests alike.
REQUEST_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(frozenset({RS.PENDING}), RS.APPROVED),
    "reject": Transition(frozenset({RS.PENDING}), RS.REJECTED),
}


def _decide(
    actor: Any, request: GrantRequest | PasswordResetRequest, approve: bool, reason: str
) -> tuple[str, str]:
    """The checks every decision shares: a pending request, a second person, a reason for a
    rejection. Returns the new status and the cleaned reason."""
    step = REQUEST_TRANSITIONS["approve" if approve else "reject"]
    if request.status not in step.sources:
        raise DomainError(_("This request has already been decided."))
    if actor is not None and actor.pk == request.requested_by_id:
        raise DomainError(_("Somebody else must decide your own request."))
    reason = " ".join((reason or "").split())[:200]
    if not approve and not reason:
        raise DomainError({"reason": _("Give the reason for the rejection.")})
    return step.target, reason


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


def grant_submit(
    *, actor: Any, user: User, role: Role, org: Organisation, include_subtree: bool = True
) -> Grant | GrantRequest:
    """The grant page: an administrator's role is granted at once; a business role is
    requested, and takes effect when a work-committee administrator approves it."""
    if actor is not None and _is_business(role):
        return grant_request_create(
            actor=actor, user=user, role=role, org=org, include_subtree=include_subtree
        )
    return grant_create(actor=actor, user=user, role=role, org=org, include_subtree=include_subtree)


@transaction.atomic
def grant_request_create(
    *, actor: Any, user: User, role: Role, org: Organisation, include_subtree: bool = True
) -> GrantRequest:
    access.require(actor, perms.MANAGE_GRANTS, org)
    if not _is_business(role):
        raise DomainError({"role": _("An administrator's role is granted without a request.")})
    _check_grant_allowed(user, role, org)
    duplicate = _("A request for this role in this organisation is already awaiting approval.")
    if GrantRequest.objects.filter(
        user=user, role=role, org=org, status=RequestStatus.PENDING
    ).exists():
        raise DomainError(duplicate)
    with refuse_duplicates(duplicate):
        request = GrantRequest.objects.create(
            user=user, role=role, org=org, include_subtree=include_subtree, requested_by=actor
        )
    audit_record(
        actor=actor,
        action="accounts.grant_request.create",
        target=request,
        org=org,
        changes=diff(
            {},
            {
                "user": user.username,
                "role": role.name,
                "org": org.name,
                "include_subtree": include_subtree,
                "status": RequestStatus.PENDING,
            },
        ),
    )
    return request


@transaction.atomic
def grant_request_decide(
    *, actor: Any, request: GrantRequest, approve: bool, reason: str = ""
) -> GrantRequest:
    """A work-committee administrator (the approval code on the top organisation) approves —
    the grant is made — or rejects with a reason. The requester is told either way."""
    request = (
        GrantRequest.objects.select_for_update()
        .select_related("user", "role", "org", "requested_by")
        .get(pk=request.pk)
    )
    root = Organisation.objects.get(path=request.org.path[: Organisation.steplen])
    access.require(actor, perms.APPROVE_GRANTS, root)
    target, reason = _decide(actor, request, approve, reason)
    if approve and actor is not None and actor.pk == request.user_id:
        raise DomainError(_("You cannot approve a grant to yourself."))
    before = request.status
    if approve:
        _check_grant_allowed(request.user, request.role, request.org)
        request.grant = _grant_insert(
            actor=actor,
            user=request.user,
            role=request.role,
            org=request.org,
            include_subtree=request.include_subtree,
            requested_by=request.requested_by,
        )
    request.status, request.reason = target, reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at", "grant"])
    audit_record(
        actor=actor,
        action=f"accounts.grant_request.{'approve' if approve else 'reject'}",
        target=request,
        org=request.org,
        changes=diff({"status": before}, {"status": target, "reason": reason or None}),
    )
    values = {"role": request.role.name, "user": request.user.username, "reason": reason}
    title = (
        _("The grant of %(role)s to %(user)s was approved.") % values
        if approve
        else _("The grant of %(role)s to %(user)s was rejected: %(reason)s") % values
    )
    # A row of this transaction: it goes with the decision (its e-mail waits for the commit).
    message_send(user_id=request.requested_by_id, title=title, link=reverse("accounts:grants"))
    return request


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


# Login security -------------------------------------------------------------------------


@transaction.atomic
def login_record_failure(*, username: str, ip: str | None, user_agent: str, reason: str) -> None:
    """A refused sign-in: in the login log, and in the audit log under the name typed. A
    mobile number typed for an account is kept masked, like every stored mobile number."""
    user = User.objects.filter(username=username).first()
    if user is None and MOBILE_TYPED.fullmatch(username):
        username = mask_mobile(username)
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
    _end_sessions_over_limit(user, keep=tracked, now=now)
    return tracked


def _end_sessions_over_limit(user: User, *, keep: UserSession, now: datetime) -> None:
    """At most MOFAN_MAX_SESSIONS_PER_USER open sessions: the oldest ones end."""
    others = UserSession.objects.filter(user=user, ended_at__isnull=True).exclude(pk=keep.pk)
    # Sessions nobody used within the idle timeout (plus the minute `last_seen` may lag) are
    # over already: end them as such, so that they neither count nor linger in the list.
    stale = list(
        others.filter(last_seen__lt=now - settings.IDLE_TIMEOUT - TOUCH_LAG).values_list(
            "pk", "session_key"
        )
    )
    for _pk, key in stale:
        _session_store(key).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in stale]).update(
        ended_at=now, end_reason="idle timeout"
    )
    limit = settings.MOFAN_MAX_SESSIONS_PER_USER
    if limit <= 0:
        return
    surplus = list(
        others.filter(ended_at__isnull=True)
        .order_by("-started_at", "-id")
        .values_list("pk", "session_key")[limit - 1 :]
    )
    if not surplus:
        return
    for _pk, key in surplus:
        _session_store(key).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in surplus]).update(
        ended_at=now, end_reason="session limit"
    )
    audit_record(
        actor=user,
        action="accounts.session.end_by_limit",
        target=user,
        changes={"open_sessions": [limit + len(surplus), limit]},
    )


def session_touch(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        last_seen=timezone.now()
    )


def session_rekey(*, old_key: str, new_key: str) -> None:
    """The session got a new key (a password change cycles it): keep tracking it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key, ended_at__isnull=True).update(
            session_key=new_key
        )


# How a session ended, in the audit log; other reasons (an administrator's reset, disabling
# the account) are the audit event of the service that ended it.
SESSION_END_ACTIONS = {
    "signed out": "accounts.session.sign_out",
    "idle timeout": "accounts.session.time_out",
    "session lifetime": "accounts.session.expire",
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
