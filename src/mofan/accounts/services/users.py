"""Accounts and their passwords: creating and changing users, resets, a user's own change."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import (
    Grant,
    PasswordHistory,
    User,
)
from mofan.accounts.services.grants import _admin_duties, _is_business
from mofan.accounts.services.sessions import _end_sessions_of
from mofan.core import access, crypto
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates

MOBILE_RE = re.compile(r"^1\d{10}$")


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
