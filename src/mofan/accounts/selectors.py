"""Reads of accounts for the administrators' pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.backends import _resolve_username
from mofan.accounts.models import (
    Grant,
    GrantRequest,
    LoginRecord,
    PasswordResetRequest,
    RequestStatus,
    Role,
    User,
    UserSession,
)
from mofan.core import access, crypto
from mofan.core.models import Notice
from mofan.core.paths import subtree_q


def user_list(*, actor: Any, query: str = "") -> QuerySet[User]:
    if not access.has_permission(actor, perms.MANAGE_USERS):
        return User.objects.none()
    qs = User.objects.annotate(
        n_grants=Count("grants", filter=Q(grants__revoked_at__isnull=True))
    ).order_by("username")
    if query:
        # Mobile numbers are stored encrypted: a whole number is found by its keyed hash.
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(mobile_hash=crypto.keyed_hash(query.strip()))
        )
    return qs


def user_get(*, actor: Any, pk: int) -> User:
    user: User = _get(user_list(actor=actor), pk)
    return user


def _get(qs: QuerySet[Any], pk: int) -> Any:
    from django.http import Http404

    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def role_list(*, actor: Any) -> QuerySet[Role]:
    if not access.has_permission(actor, perms.MANAGE_ROLES):
        return Role.objects.none()
    return Role.objects.annotate(
        n_grants=Count("grants", filter=Q(grants__revoked_at__isnull=True))
    ).order_by("-is_builtin", "id")


def role_get(*, actor: Any, pk: int) -> Role:
    role: Role = _get(role_list(actor=actor), pk)
    return role


def grant_list(
    *, actor: Any, include_revoked: bool = False, query: str = "", role_id: int | None = None
) -> QuerySet[Grant]:
    qs = access.scope(
        Grant.objects.select_related("user", "role", "org", "created_by"),
        actor,
        perms.MANAGE_GRANTS,
    )
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    if query:
        qs = qs.filter(
            Q(user__username__icontains=query)
            | Q(user__full_name__icontains=query)
            | Q(org__name__icontains=query)
        )
    if role_id:
        qs = qs.filter(role_id=role_id)
    return qs.order_by("-id")


def grant_get(*, actor: Any, pk: int) -> Grant:
    return access.get_for_actor(
        grant_list(actor=actor, include_revoked=True), actor, perms.MANAGE_GRANTS, pk=pk
    )


def grant_request_list(
    *, actor: Any, permission: str = perms.APPROVE_GRANTS, pending: bool = True
) -> QuerySet[GrantRequest]:
    """Grant requests in the actor's scope: the approver's queue (`pending`), or the recently
    decided ones."""
    qs = access.scope(
        GrantRequest.objects.select_related("user", "role", "org", "requested_by", "decided_by"),
        actor,
        permission,
    )
    if pending:
        return qs.filter(status=RequestStatus.PENDING).order_by("id")
    return qs.exclude(status=RequestStatus.PENDING).order_by("-decided_at", "-id")


def grant_request_get(*, actor: Any, pk: int) -> GrantRequest:
    return access.get_for_actor(
        GrantRequest.objects.select_related("user", "role", "org"),
        actor,
        perms.APPROVE_GRANTS,
        pk=pk,
    )


def reset_request_list(*, actor: Any, pending: bool = True) -> QuerySet[PasswordResetRequest]:
    if not access.has_permission(actor, perms.APPROVE_RESETS):
        return PasswordResetRequest.objects.none()
    qs = PasswordResetRequest.objects.select_related("user", "requested_by", "decided_by")
    if pending:
        return qs.filter(status=RequestStatus.PENDING).order_by("id")
    return qs.exclude(status=RequestStatus.PENDING).order_by("-decided_at", "-id")


def reset_request_get(*, actor: Any, pk: int) -> PasswordResetRequest:
    request: PasswordResetRequest = _get(reset_request_list(actor=actor), pk)
    return request


def login_log(*, actor: Any, query: str = "", failures_only: bool = False) -> QuerySet[LoginRecord]:
    if not access.has_permission(actor, perms.VIEW_LOGIN_LOG):
        return LoginRecord.objects.none()
    qs = LoginRecord.objects.order_by("-id")
    if query:
        qs = qs.filter(username__icontains=query)
    if failures_only:
        qs = qs.filter(success=False)
    return qs


def online_sessions(*, actor: Any) -> QuerySet[UserSession]:
    if not access.has_permission(actor, perms.MANAGE_SESSIONS):
        return UserSession.objects.none()
    since = timezone.now() - settings.IDLE_TIMEOUT
    return (
        UserSession.objects.filter(ended_at__isnull=True, last_seen__gte=since)
        .select_related("user")
        .order_by("-last_seen")
    )


def online_session_get(*, actor: Any, pk: int) -> UserSession:
    session: UserSession = _get(online_sessions(actor=actor), pk)
    return session


def locked_accounts(*, actor: Any) -> list[dict[str, Any]]:
    """Accounts currently locked by too many failed sign-ins."""
    from axes.models import AccessAttempt

    if not access.has_permission(actor, perms.MANAGE_SESSIONS):
        return []
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        )
        .values("username")
        .annotate(n=Count("id"))
        .order_by("username")
    )
    return [{"username": r["username"]} for r in rows]


# Sign-in throttling: read from axes's attempts, which hold the account and the address of
# every failure (axes itself locks by account only; the address limit is ours, in one place).


@dataclass(frozen=True)
class LoginGuard:
    address_blocked: bool  # too many wrong passwords from this address: refuse outright
    account_locked: bool  # axes's lockout of the account, known before the password is checked
    captcha_required: bool  # enough wrong passwords for the account or the address


def login_guard(*, username: str, ip: str | None) -> LoginGuard:
    """What stands before a sign-in, from the wrong passwords of the last ten minutes."""

    account_q = Q(username=_resolve_username(username)) if username else Q(pk__in=[])
    address_q = Q(ip_address=ip) if ip else Q(pk__in=[])
    totals = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    ).aggregate(
        account=Sum("failures_since_start", filter=account_q),
        address=Sum("failures_since_start", filter=address_q),
    )
    account, address = int(totals["account"] or 0), int(totals["address"] or 0)
    return LoginGuard(
        address_blocked=address >= settings.MOFAN_LOGIN_IP_FAILURE_LIMIT,
        account_locked=account >= settings.AXES_FAILURE_LIMIT,
        captcha_required=max(account, address) >= settings.MOFAN_LOGIN_CAPTCHA_AFTER,
    )


ADMIN_ROLE_CODES = ("system_admin", "security_admin", "audit_admin")

# Roles that carry no party work: the 三员 administrators, and the partner contact role held
# by the logins of partner units' contacts (who are reached as partners, not as party staff).
NOT_PARTY_ROLE_CODES = (*ADMIN_ROLE_CODES, "partner_contact")


def notice_audience(*, org: Any, audience: str) -> set[int]:
    """Party: the holders of business roles in the subtree (`core.registry.provided`)."""
    if audience not in (Notice.Audience.PARTY, Notice.Audience.ALL):
        return set()
    return set(
        Grant.objects.filter(
            subtree_q(org.path, "org"), revoked_at__isnull=True, user__is_active=True
        )
        .exclude(role__code__in=NOT_PARTY_ROLE_CODES)
        .values_list("user_id", flat=True)
    )


def figures_for_home(*, actor: Any) -> list[dict[str, Any]]:
    """The home page's figure about logins (`core.registry.provided`)."""
    if not access.has_permission(actor, perms.MANAGE_SESSIONS):
        return []
    since = timezone.now() - settings.IDLE_TIMEOUT
    online = UserSession.objects.filter(ended_at__isnull=True, last_seen__gte=since)
    return [
        {
            "label": _("Users online"),
            "value": online.count(),
            "url": reverse("accounts:sessions"),
            "rank": 20,
        }
    ]
