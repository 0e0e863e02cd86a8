"""The accounts' part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): a user of side A with a grant, a session, a grant request
and a password reset request."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Grant, GrantRequest, PasswordResetRequest, Role, UserSession
from tests.conftest import Post, Tree, World, make_user

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# System administration (三员分立): users, roles and sessions belong to no organisation, so a
# holder anywhere is a holder.
SYSTEM_WIDE = {
    "accounts:user_edit",
    "accounts:user_reset_password",
    "accounts:role_edit",
    "accounts:session_end",
    "accounts:reset_request_decide",
}
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("accounts:users", "system_admin", 12),
    ("accounts:grants", "security_admin", 12),
    ("accounts:login_log", "security_admin", 12),
    ("accounts:sessions", "security_admin", 12),
    ("accounts:roles", "security_admin", 12),
    ("accounts:reset_requests", "security_admin", 12),
    ("accounts:grant_requests", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    author = world["_author"]
    target_user = make_user("target", grants=[(roles["member"], tree.branch_a1, False)])
    session = UserSession.objects.create(
        session_key="k" * 32, user=target_user, last_seen=timezone.now()
    )
    grant_request = GrantRequest.objects.create(
        user=target_user, role=roles["branch_committee"], org=tree.branch_a1, requested_by=author
    )
    reset_request = PasswordResetRequest.objects.create(
        user=target_user, password="!", requested_by=author
    )
    world.update(
        {
            "user_id": target_user.pk,
            "grant_id": Grant.objects.get(user=target_user).pk,
            "role_id": roles["member"].pk,
            "session_id": session.pk,
            "request_id": grant_request.pk,
            "reset_id": reset_request.pk,
            "_target": target_user,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        Grant.objects.filter(revoked_at__isnull=True).count(),
        sorted(GrantRequest.objects.values_list("pk", "status")),
        sorted(PasswordResetRequest.objects.values_list("pk", "status", "password")),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    # A committee administrator approves nothing; side B's approver (the work committee
    # administrator there) does not decide side A's grant request either.
    return [
        Post(
            reverse("accounts:grant_request_decide", args=[world["request_id"]]),
            {"decision": "approve"},
            role="work_committee_admin",
            answers=frozenset({404}),
        )
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A user of the branch with a grant request and a password reset request, pending or
    decided (every other round)."""
    user = make_user(f"user{rows['tag']}", grants=[(roles["member"], rows["branch"], False)])
    decided = rows["i"] % 2 == 1
    by = rows["author"]
    status = "rejected" if decided else "pending"
    extra = {"decided_by": by, "decided_at": timezone.now()} if decided else {}
    GrantRequest.objects.create(
        user=user,
        role=roles["branch_committee"],
        org=rows["branch"],
        requested_by=by,
        status=status,
        **extra,
    )
    PasswordResetRequest.objects.create(
        user=user, password="!", requested_by=by, status=status, **extra
    )
