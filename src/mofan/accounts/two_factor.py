"""Second factor (TOTP, 等保 2.0 level 3): the services and reads of enrolment, verification and
reset, kept together (django-otp's TOTP and static-token devices hold the secrets).

Who must use it: holders of the roles below, while MOFAN_ADMIN_2FA is on. The session remembers
the answer (`SESSION_KEY`, set at sign-in or at a session's first request), so a page costs no
query for it; a role granted later applies from the next sign-in.
"""

from __future__ import annotations

import secrets
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mofan.accounts import permissions as perms
from mofan.accounts.models import Grant, LoginRecord, Role, User
from mofan.accounts.services.sessions import _end_sessions_of
from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError

ENFORCED_ROLES = (
    Role.Builtin.SYSTEM_ADMIN,
    Role.Builtin.SECURITY_ADMIN,
    Role.Builtin.AUDIT_ADMIN,
    Role.Builtin.WORK_COMMITTEE_ADMIN,
)
SESSION_KEY = "mofan_2fa"
PENDING, VERIFIED, EXEMPT = "pending", "verified", "exempt"
# Session key of the secret being enrolled, until its first code is right.
PENDING_SECRET = "mofan_2fa_secret"  # noqa: S105 - a session key, not a secret
RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def two_factor_state(*, user: User) -> str:
    """PENDING when this sign-in still needs its second factor, else EXEMPT."""
    if not settings.MOFAN_ADMIN_2FA:
        return EXEMPT
    enforced = Grant.objects.filter(
        user=user, revoked_at__isnull=True, role__code__in=ENFORCED_ROLES
    ).exists()
    return PENDING if enforced else EXEMPT


def two_factor_enrolled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_secret() -> str:
    return secrets.token_hex(20)


def provisioning_url(*, user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=secret).config_url)


def secret_for_typing(secret: str) -> str:
    """The same secret in base32, in groups of four, for apps without a camera."""
    from base64 import b32encode

    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _clean_token(token: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", token or "").split()).lower()


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, token: str) -> list[str]:
    """Confirm the authenticator with its first code; returns the ten recovery codes."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if two_factor_enrolled(user=user):
        raise DomainError(_("A second factor is already set up for this account."))
    totp = TOTP(unhexlify(secret), step=30, digits=6)
    if not _clean_token(token).isdigit() or not totp.verify(int(_clean_token(token)), tolerance=1):
        raise DomainError(
            {"token": _("The code is wrong. Check the time on your phone and try again.")}
        )
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=secret, confirmed=True, last_t=totp.t()
    )
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    audit_record(
        actor=user,
        action="accounts.two_factor.enrol",
        target=user,
        changes={"device": [None, device.name], "recovery_codes": [0, RECOVERY_CODES]},
    )
    return codes


@transaction.atomic
def two_factor_verify(
    *, user: User, token: str, ip: str | None, user_agent: str
) -> tuple[bool, int | None]:
    """Check a sign-in's second factor: a TOTP code, or one of the recovery codes (used up).

    Returns (accepted, recovery codes left when one was used). django-otp slows repeated
    failures down on each device (doubling the wait each time)."""
    token = _clean_token(token)
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None and token.isdigit() and device.verify_token(token):
        return True, None
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if recovery is not None and recovery.verify_token(token):
        left = recovery.token_set.count()
        audit_record(
            actor=user,
            action="accounts.two_factor.recovery_code_used",
            target=user,
            changes={"recovery_codes": [left + 1, left]},
        )
        return True, left
    LoginRecord.objects.create(
        user=user,
        username=user.username,
        success=False,
        reason="wrong second factor",
        ip=ip,
        user_agent=user_agent[:300],
    )
    return False, None


@transaction.atomic
def two_factor_reset(*, actor: Any, username: str) -> User:
    """A security administrator removes a user's second factor (a lost phone); the user sets
    up a new one at the next sign-in, and is signed out everywhere now."""
    access.require(actor, perms.MANAGE_SESSIONS, None)
    user = User.objects.select_for_update().filter(username=(username or "").strip()).first()
    if user is None:
        raise DomainError({"username": _("There is no account with this username.")})
    removed, _counts = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if not removed:
        raise DomainError({"username": _("This account has no second factor to reset.")})
    _end_sessions_of(user, reason="second factor reset")
    audit_record(
        actor=actor,
        action="accounts.two_factor.reset",
        target=user,
        changes={"device": [DEVICE_NAME, None]},
    )
    return user
