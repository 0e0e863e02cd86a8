"""The demo's administration: a business grant that the security administrator has asked for
and that waits for the work committee administrator's approval (双人复核)."""

from typing import Any

from mofan.accounts.models import Role
from mofan.accounts.services import grant_request_create
from mofan.orgs.models import Organisation


def load_grant_requests(branch: Organisation, users: dict[str, Any]) -> None:
    """secadmin asks that the fourth branch's member `dangyuan` also be a branch committee
    member there; `gongwei` finds it under 授权申请."""
    grant_request_create(
        actor=users["secadmin"],
        user=users["dangyuan"],
        role=Role.objects.get(code=Role.Builtin.BRANCH_COMMITTEE),
        org=branch,
        include_subtree=False,
    )
