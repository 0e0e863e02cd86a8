import pytest
from django.core.exceptions import PermissionDenied

from mofan.accounts import services
from mofan.accounts.models import Grant, Role, User
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.orgs.models import Organisation
from tests.conftest import Tree, make_members, make_user

pytestmark = pytest.mark.django_db


def test_scope_follows_subtree_and_exact_grants(tree: Tree, roles: dict[str, Role]) -> None:
    make_members(tree.branch_a1, 2)
    make_members(tree.branch_b1, 3)
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    visible = set(
        access.scope(Organisation.objects.all(), admin_a, "orgs.view").values_list(
            "name", flat=True
        )
    )
    assert visible == {"甲机关党委", "甲第一支部", "甲第二支部", "甲一党小组"}
    assert access.scope(Member.objects.all(), admin_a, "orgs.view").count() == 2
    assert access.can(admin_a, "orgs.manage", tree.group_a1)
    assert not access.can(admin_a, "orgs.manage", tree.branch_b1)
    assert not access.can(admin_a, "orgs.manage", tree.root)  # never the parent
    member = make_user("m", grants=[(roles["member"], tree.branch_a1, False)])
    assert set(
        access.scope(Organisation.objects.all(), member, "orgs.view").values_list("name", flat=True)
    ) == {"甲第一支部"}
    assert not access.can(member, "orgs.view", tree.group_a1)


def test_three_administrators_see_no_business_data(tree: Tree, roles: dict[str, Role]) -> None:
    make_members(tree.branch_a1, 2)
    for code in ("system_admin", "security_admin", "audit_admin"):
        admin = make_user(code, grants=[(roles[code], tree.root, True)])
        assert access.scope(Organisation.objects.all(), admin, "orgs.view").count() == 0
        assert access.scope(Member.objects.all(), admin, "members.view").count() == 0
        assert not access.has_permission(admin, "orgs.view")


def test_grant_create_and_revoke(tree: Tree, roles: dict[str, Role]) -> None:
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    user = make_user("u")
    grant = services.grant_create(  # a business role: the system's, or after an approval
        actor=None,
        user=user,
        role=roles["branch_secretary"],
        org=tree.branch_a1,
        include_subtree=True,
    )
    assert access.can(user, "orgs.manage", tree.group_a1)
    with pytest.raises(DomainError) as exc:
        services.grant_create(
            actor=None, user=user, role=roles["branch_secretary"], org=tree.branch_a1
        )
    assert "已拥有该角色" in " ".join(exc.value.messages)
    services.grant_revoke(actor=security, grant=grant)
    fresh = User.objects.get(pk=user.pk)  # the next request loads the user anew
    assert not access.can(fresh, "orgs.manage", tree.group_a1)
    with pytest.raises(DomainError):
        services.grant_revoke(actor=security, grant=grant)
    assert Grant.objects.filter(pk=grant.pk, revoked_at__isnull=False).exists()  # kept


def test_only_security_admins_grant(tree: Tree, roles: dict[str, Role]) -> None:
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    with pytest.raises(PermissionDenied):
        services.grant_create(actor=admin, user=admin, role=roles["security_admin"], org=tree.root)
    assert Grant.objects.filter(user=admin).count() == 1


def test_roles(tree: Tree, roles: dict[str, Role]) -> None:
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    role = services.role_create(
        actor=security, code="clerk", name="党务干事", permissions=["orgs.view"]
    )
    with pytest.raises(DomainError) as exc:
        services.role_create(actor=security, code="clerk2", name="党务干事", permissions=[])
    assert "该名称的角色已存在" in " ".join(exc.value.messages)
    with pytest.raises(DomainError) as exc:
        services.role_update(actor=security, role=role, name="党务干事", permissions=["orgs.fly"])
    assert "未知权限" in " ".join(exc.value.messages)
    with pytest.raises(DomainError) as exc:
        services.role_update(actor=security, role=roles["member"], name="x", permissions=[])
    assert "内置角色不能修改" in " ".join(exc.value.messages)
    services.role_update(
        actor=security, role=role, name="党务干事", permissions=["orgs.view", "orgs.manage"]
    )
    role.refresh_from_db()
    assert role.permissions == ["orgs.manage", "orgs.view"]


def test_separation_of_the_three_administrators(tree: Tree, roles: dict[str, Role]) -> None:
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    with pytest.raises(DomainError) as exc:
        services.role_create(
            actor=security,
            code="super",
            name="超级管理员",
            permissions=["accounts.manage_grants", "orgs.view"],
        )
    assert "不能同时包含系统管理权限和业务权限" in " ".join(exc.value.messages)
    with pytest.raises(DomainError) as exc:
        services.role_create(
            actor=security,
            code="both",
            name="安全审计",
            permissions=["accounts.manage_grants", "core.view_audit"],
        )
    assert "分属三个角色" in " ".join(exc.value.messages)
    auditor = make_user("aud", grants=[(roles["audit_admin"], tree.root, True)])
    with pytest.raises(DomainError) as exc:
        services.grant_create(
            actor=security, user=auditor, role=roles["security_admin"], org=tree.root
        )
    assert "不能同时担任" in " ".join(exc.value.messages)
    # nor a business role beside an administrator's (issue 23 §1)
    with pytest.raises(DomainError) as exc:
        services.grant_request_create(
            actor=security,
            user=auditor,
            role=roles["member"],
            org=tree.branch_a1,
            include_subtree=False,
        )
    assert "不能担任业务角色" in " ".join(exc.value.messages)
    assert Grant.objects.filter(user=auditor, revoked_at__isnull=True).count() == 1
    assert not Role.objects.filter(code__in=["super", "both"]).exists()


def test_grant_list_filters(tree: Tree, roles: dict[str, Role]) -> None:
    from django.test import Client

    from tests.conftest import login

    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    make_user("zhangxiao", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    make_user("lixiaoming", grants=[(roles["member"], tree.branch_b1, False)])
    client = login(Client(), security)
    page = client.get("/accounts/grants/", {"q": "乙第一"}).content.decode()
    assert "lixiaoming" in page and "zhangxiao" not in page
    page = client.get("/accounts/grants/", {"role": roles["branch_secretary"].pk}).content.decode()
    assert "zhangxiao" in page and "lixiaoming" not in page
