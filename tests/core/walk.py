"""The core's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): the world's author and a notice of side A."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core.models import AuditEvent, ImportJob, Notice
from mofan.core.services import notice_send
from tests.conftest import Post, Tree, World, make_user

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("core:home", "work_committee_admin", 18),
    ("core:notice_inbox", "work_committee_admin", 12),
    ("core:notice_sent", "work_committee_admin", 12),
    ("core:audit", "audit_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    # The author comes first: the notice goes out before the other users of the world exist.
    author = make_user("author", grants=[(roles["work_committee_admin"], tree.root, True)])
    notice = notice_send(
        actor=author, sender_org=tree.committee_a, org=tree.committee_a, title="通知", body="正文"
    )
    world.update({"notice_id": notice.pk, "_notice": notice, "_author": author})


def snapshot() -> tuple[Any, ...]:
    return (
        AuditEvent.objects.count(),
        Notice.objects.count(),
        # The members' roster imports wait as READY jobs of the core.
        ImportJob.objects.filter(status=ImportJob.Status.READY).count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    return [Post(reverse("core:notice_receipts", args=[world["notice_id"]]), {})]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    notice_send(
        actor=rows["author"],
        sender_org=tree.root,
        org=tree.root,
        title=f"通知{rows['tag']}",
        body="正文",
    )
