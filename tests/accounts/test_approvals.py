"""Two people for every change of who sees business data (双人复核): a business grant is the
security administrator's request and a work-committee administrator's approval; a reset of
another duty's password is the system administrator's request and the security administrator's
approval. No administrator holds a business role."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from mofan.accounts import services
from mofan.accounts.models import (
    Grant,
    GrantRequest,
    PasswordResetRequest,
    RequestStatus,
    User,
)
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from tests.conftest import PASSWORD, Tree, login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree: Tree, roles: dict[str, Any]) -> dict[str, User]:
    return {
        "sec": make_user("secadmin", grants=[(roles["security_admin"], tree.root, True)]),
        "sys": make_user("sysadmin", grants=[(roles["system_admin"], tree.root, True)]),
        "aud": make_user("auditadmin", grants=[(roles["audit_admin"], tree.root, True)]),
        "gw": make_user("gongwei", grants=[(roles["work_committee_admin"], tree.root, True)]),
        "newcomer": make_user("xinshuji"),
    }


def messages(exc: Any) -> str:
    return " ".join(exc.value.messages)


def test_security_admin_cannot_grant_themselves_a_business_role(
    client: Any, tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    """Issue 23 §1: secadmin → 工委管理员 on 工委 with subtree used to be saved at once."""
    sec = people["sec"]
    login(client, sec)
    response = client.post(
        "/accounts/grants/new/",
        {
            "user": sec.pk,
            "role": roles["work_committee_admin"].pk,
            "org": tree.root.pk,
            "include_subtree": "on",
        },
    )
    assert response.status_code == 200
    assert "系统管理员、安全管理员和审计管理员不能担任业务角色" in response.content.decode()
    assert Grant.objects.filter(user=sec, revoked_at__isnull=True).count() == 1
    assert not GrantRequest.objects.exists()
    assert client.get("/members/").status_code == 403
    for admin in ("sys", "aud"):  # nor one another
        with pytest.raises(DomainError) as exc:
            services.grant_request_create(
                actor=sec, user=people[admin], role=roles["member"], org=tree.branch_a1
            )
        assert "不能担任业务角色" in messages(exc)
    with pytest.raises(DomainError) as exc:  # nor the other way round
        services.grant_create(
            actor=sec, user=people["gw"], role=roles["audit_admin"], org=tree.root
        )
    assert "担任业务角色的人不能同时担任" in messages(exc)
    with pytest.raises(DomainError) as exc:  # not even by the system itself
        services.grant_create(
            actor=None, user=people["aud"], role=roles["member"], org=tree.branch_a1
        )
    assert "不能担任业务角色" in messages(exc)
    assert not GrantRequest.objects.exists()


def test_a_business_grant_takes_effect_only_when_approved(
    tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    sec, gw, newcomer = people["sec"], people["gw"], people["newcomer"]
    with pytest.raises(DomainError) as exc:  # no shortcut around the request
        services.grant_create(
            actor=sec, user=newcomer, role=roles["branch_secretary"], org=tree.branch_a1
        )
    assert "须经工委管理员批准" in messages(exc)
    made = services.grant_submit(
        actor=sec, user=newcomer, role=roles["branch_secretary"], org=tree.branch_a1
    )
    assert isinstance(made, GrantRequest) and made.status == RequestStatus.PENDING
    assert not Grant.objects.filter(user=newcomer).exists()
    assert not access.can(User.objects.get(pk=newcomer.pk), "members.view", tree.branch_a1)
    with pytest.raises(DomainError) as exc:
        services.grant_request_create(
            actor=sec, user=newcomer, role=roles["branch_secretary"], org=tree.branch_a1
        )
    assert "已在等待批准" in messages(exc)
    with pytest.raises(PermissionDenied):  # the security administrator cannot approve
        services.grant_request_decide(actor=sec, request=made, approve=True)
    committee = make_user("a-admin", grants=[(roles["committee_admin"], tree.committee_a, True)])
    with pytest.raises(PermissionDenied):  # nor anybody below the top
        services.grant_request_decide(actor=committee, request=made, approve=True)
    assert GrantRequest.objects.get(pk=made.pk).status == RequestStatus.PENDING

    done = services.grant_request_decide(actor=gw, request=made, approve=True)
    assert done.status == RequestStatus.APPROVED and done.decided_by == gw
    grant = Grant.objects.get(user=newcomer)
    assert done.grant == grant and grant.created_by == sec
    assert access.can(User.objects.get(pk=newcomer.pk), "members.view", tree.branch_a1)
    with pytest.raises(DomainError) as exc:
        services.grant_request_decide(actor=gw, request=made, approve=False, reason="晚了")
    assert "已处理" in messages(exc)
    actions = list(
        AuditEvent.objects.exclude(actor_label="system")
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions[-3:] == [
        ("accounts.grant_request.create", "secadmin"),
        ("accounts.grant.create", "gongwei"),
        ("accounts.grant_request.approve", "gongwei"),
    ]
    note = Message.objects.get(user=sec)
    assert note.title == "将支部书记授予xinshuji的申请已批准。"


def test_a_rejection_needs_a_reason_and_changes_nothing(
    tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    sec, gw, newcomer = people["sec"], people["gw"], people["newcomer"]
    made = services.grant_request_create(
        actor=sec, user=newcomer, role=roles["member"], org=tree.branch_a1, include_subtree=False
    )
    with pytest.raises(DomainError) as exc:
        services.grant_request_decide(actor=gw, request=made, approve=False, reason="  ")
    assert "请填写驳回理由" in messages(exc)
    done = services.grant_request_decide(
        actor=gw, request=made, approve=False, reason="不是本支部党员"
    )
    assert done.status == RequestStatus.REJECTED and done.reason == "不是本支部党员"
    assert not Grant.objects.filter(user=newcomer).exists()
    assert Message.objects.get(user=sec).title == "将党员授予xinshuji的申请已驳回：不是本支部党员"
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "accounts.grant_request.reject"
    assert event.changes["reason"] == [None, "不是本支部党员"]


def test_nobody_approves_their_own_request_or_a_grant_to_themselves(
    tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    gw = people["gw"]
    # A work-committee administrator who also holds the grant code (a custom business role can
    # never carry it: 三员分立) is the only way the same person requests and approves.
    request = GrantRequest.objects.create(
        user=people["newcomer"], role=roles["member"], org=tree.branch_a1, requested_by=gw
    )
    with pytest.raises(DomainError) as exc:
        services.grant_request_decide(actor=gw, request=request, approve=True)
    assert "须由他人处理" in messages(exc)
    second = make_user("gongwei2", grants=[(roles["work_committee_admin"], tree.root, True)])
    to_self = GrantRequest.objects.create(
        user=gw, role=roles["member"], org=tree.branch_a1, requested_by=second
    )
    with pytest.raises(DomainError) as exc:
        services.grant_request_decide(actor=gw, request=to_self, approve=True)
    assert "不能批准授予自己的角色" in messages(exc)
    assert not Grant.objects.filter(role=roles["member"]).exists()


def test_system_admin_resets_another_duty_only_with_approval(
    tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    """Issue 23 §2: the system administrator took over secadmin, auditadmin and gongwei."""
    sys, sec = people["sys"], people["sec"]
    for who in ("sec", "aud", "gw"):
        with pytest.raises(DomainError) as exc:
            services.user_reset_password(actor=sys, user=people[who], password="Temp-pass-2026")
        assert "须经安全管理员批准" in messages(exc)
        assert User.objects.get(pk=people[who].pk).check_password(PASSWORD)
    with pytest.raises(DomainError) as exc:
        services.user_reset_password(actor=sys, user=sys, password="Temp-pass-2026")
    assert "请在“我的账号”中修改自己的密码" in messages(exc)

    made = services.password_reset_submit(actor=sys, user=people["aud"], password="Temp-pass-2026")
    assert isinstance(made, PasswordResetRequest) and made.status == RequestStatus.PENDING
    assert "Temp-pass-2026" not in made.password
    assert User.objects.get(pk=people["aud"].pk).check_password(PASSWORD)
    with pytest.raises(PermissionDenied):  # the auditor cannot approve their own reset
        services.password_reset_request_decide(actor=people["aud"], request=made, approve=True)
    done = services.password_reset_request_decide(actor=sec, request=made, approve=True)
    assert done.status == RequestStatus.APPROVED and done.password == ""
    auditor = User.objects.get(pk=people["aud"].pk)
    assert auditor.check_password("Temp-pass-2026") and auditor.must_change_password
    assert Message.objects.get(user=sys).title == "重置auditadmin密码的申请已批准。"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label"))
    assert actions[-3:] == [
        ("accounts.reset_request.create", "sysadmin"),
        ("accounts.user.reset_password", "secadmin"),
        ("accounts.reset_request.approve", "secadmin"),
    ]

    # The security administrator cannot approve a reset of their own password.
    own = services.password_reset_request_create(actor=sys, user=sec, password="Temp-pass-2026")
    with pytest.raises(DomainError) as exc:
        services.password_reset_request_decide(actor=sec, request=own, approve=True)
    assert "不能批准重置自己的密码" in messages(exc)
    rejected = services.password_reset_request_decide(
        actor=sec, request=own, approve=False, reason="本人可自行修改"
    )
    assert rejected.status == RequestStatus.REJECTED
    assert User.objects.get(pk=sec.pk).check_password(PASSWORD)


def test_an_ordinary_account_is_reset_at_once(
    tree: Tree, roles: dict[str, Any], people: dict[str, User]
) -> None:
    clerk = make_user("clerk", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    done = services.password_reset_submit(
        actor=people["sys"], user=clerk, password="Temp-pass-2026"
    )
    assert done == clerk
    clerk.refresh_from_db()
    assert clerk.check_password("Temp-pass-2026") and clerk.must_change_password
    assert not PasswordResetRequest.objects.exists()


def test_pages_of_the_approval(tree: Tree, roles: dict[str, Any], people: dict[str, User]) -> None:
    sec, gw, sys = people["sec"], people["gw"], people["sys"]
    secretary = login(Client(), sec)
    response = secretary.post(
        "/accounts/grants/new/",
        {
            "user": people["newcomer"].pk,
            "role": roles["branch_secretary"].pk,
            "org": tree.branch_a1.pk,
            "include_subtree": "on",
        },
        follow=True,
    )
    assert "授权申请已提交，工委管理员批准后生效。" in response.content.decode()
    assert "待批准" in secretary.get("/accounts/grants/").content.decode()
    request = GrantRequest.objects.get()
    approver = login(Client(), gw)
    page = approver.get("/accounts/grant-requests/").content.decode()
    assert "xinshuji" in page and "支部书记" in page and "甲第一支部" in page
    assert 'href="/accounts/grant-requests/"' in approver.get("/").content.decode()  # the menu
    response = approver.post(
        f"/accounts/grant-requests/{request.pk}/decide/", {"decision": "reject"}, follow=True
    )
    assert "请填写驳回理由" in response.content.decode()
    assert GrantRequest.objects.get().status == RequestStatus.PENDING
    response = approver.post(
        f"/accounts/grant-requests/{request.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "已批准，授权已生效。" in response.content.decode()
    assert Grant.objects.filter(user=people["newcomer"]).count() == 1

    system = login(Client(), sys)
    response = system.post(
        f"/accounts/users/{gw.pk}/reset-password/", {"password": "Temp-pass-2026"}, follow=True
    )
    assert "重置申请已提交，安全管理员批准后生效。" in response.content.decode()
    reset = PasswordResetRequest.objects.get()
    page = secretary.get("/accounts/reset-requests/").content.decode()
    assert "gongwei" in page and "sysadmin" in page
    response = secretary.post(
        f"/accounts/reset-requests/{reset.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "已批准，密码已重置。" in response.content.decode()
    assert User.objects.get(pk=gw.pk).must_change_password
