"""Second-person requests: a business grant and a privileged password reset, each decided
by somebody other than who asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import (
    Grant,
    GrantRequest,
    PasswordResetRequest,
    RequestStatus,
    Role,
    User,
)
from mofan.accounts.services.grants import (
    _check_grant_allowed,
    _grant_insert,
    _is_business,
    grant_create,
)
from mofan.accounts.services.users import (
    _apply_reset,
    _refuse_own_reset,
    _reset_needs_approval,
    _validate_password,
    user_reset_password,
)
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.services import message_send
from mofan.orgs.models import Organisation


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
