"""The built-in roles and their permission codes (三员分立: the three administrators hold
system codes only and see no business data by their role alone)."""

from mofan.accounts import permissions as acc
from mofan.accounts.models import Role
from mofan.campaigns import permissions as campaigns
from mofan.cobuild import permissions as cobuild
from mofan.core import permissions as core
from mofan.lawedu import permissions as lawedu
from mofan.members import permissions as members
from mofan.orglife import permissions as orglife
from mofan.orgs import permissions as orgs
from mofan.portal import permissions as portal
from mofan.study import permissions as study
from mofan.volunteer import permissions as volunteer

B = Role.Builtin

BUILTIN_ROLES: dict[str, list[str]] = {
    B.WORK_COMMITTEE_ADMIN: [
        orgs.VIEW,
        orgs.MANAGE,
        orgs.MANAGE_PARTNERS,
        members.VIEW,
        members.MANAGE,
        members.VIEW_SENSITIVE,
        core.SEND_NOTICE,
        orglife.VIEW,
        orglife.MANAGE_MEETINGS,
        orglife.REVIEW_MEETINGS,
        volunteer.VIEW,
        volunteer.MANAGE,
        volunteer.REVIEW_WISHES,
        cobuild.VIEW,
        cobuild.MANAGE,
        cobuild.COORDINATE,
        cobuild.SERVE,
        study.VIEW,
        study.MANAGE,
        lawedu.VIEW,
        lawedu.MANAGE,
        portal.EDIT,
        portal.PUBLISH,
        campaigns.MANAGE,
        acc.APPROVE_GRANTS,
    ],
    B.COMMITTEE_ADMIN: [
        orgs.VIEW,
        orgs.MANAGE,
        orgs.MANAGE_PARTNERS,
        members.VIEW,
        members.MANAGE,
        members.VIEW_SENSITIVE,
        core.SEND_NOTICE,
        orglife.VIEW,
        orglife.MANAGE_MEETINGS,
        orglife.REVIEW_MEETINGS,
        volunteer.VIEW,
        volunteer.MANAGE,
        volunteer.REVIEW_WISHES,
        cobuild.VIEW,
        cobuild.MANAGE,
        cobuild.COORDINATE,
        cobuild.SERVE,
        study.VIEW,
        study.MANAGE,
        lawedu.VIEW,
        lawedu.MANAGE,
        campaigns.SUBMIT,
    ],
    B.BRANCH_SECRETARY: [
        orgs.VIEW,
        orgs.MANAGE,
        members.VIEW,
        members.MANAGE,
        core.SEND_NOTICE,
        orglife.VIEW,
        orglife.MANAGE_MEETINGS,
        volunteer.VIEW,
        volunteer.MANAGE,
        study.VIEW,
        study.MANAGE,
        cobuild.VIEW,
        cobuild.SERVE,
        lawedu.VIEW,
        campaigns.SUBMIT,
    ],
    B.BRANCH_COMMITTEE: [
        orgs.VIEW,
        members.VIEW,
        orglife.VIEW,
        orglife.MANAGE_MEETINGS,
        volunteer.VIEW,
        volunteer.MANAGE,
        study.VIEW,
        study.MANAGE,
    ],
    B.MEMBER: [orgs.VIEW],
    B.PARTNER_CONTACT: [],
    B.REVIEWER: [campaigns.REVIEW],
    B.SYSTEM_ADMIN: [acc.MANAGE_USERS],
    B.SECURITY_ADMIN: [
        acc.MANAGE_ROLES,
        acc.MANAGE_GRANTS,
        acc.VIEW_LOGIN_LOG,
        acc.MANAGE_SESSIONS,
        acc.APPROVE_RESETS,
    ],
    B.AUDIT_ADMIN: [core.VIEW_AUDIT],
}

# Role names are data: stored in Chinese, the language of the deployment.
BUILTIN_ROLE_NAMES: dict[str, str] = {
    B.WORK_COMMITTEE_ADMIN: "工委管理员",
    B.COMMITTEE_ADMIN: "党委管理员",
    B.BRANCH_SECRETARY: "支部书记",
    B.BRANCH_COMMITTEE: "支部委员",
    B.MEMBER: "党员",
    B.PARTNER_CONTACT: "共建单位联络人",
    B.REVIEWER: "评审专家",
    B.SYSTEM_ADMIN: "系统管理员",
    B.SECURITY_ADMIN: "安全管理员",
    B.AUDIT_ADMIN: "审计管理员",
}

# 三员分立: the three administrators' duties, each held by a different person.
ADMIN_DUTIES = (B.SYSTEM_ADMIN, B.SECURITY_ADMIN, B.AUDIT_ADMIN)


def refresh_builtin_roles(role_model: type) -> None:
    """Create or update the built-in roles with the codes above. Data migrations call this with
    their historical model whenever the codes change, so existing deployments follow."""
    for code, permissions in BUILTIN_ROLES.items():
        role_model.objects.update_or_create(  # type: ignore[attr-defined]
            code=str(code),
            defaults={
                "name": BUILTIN_ROLE_NAMES[code],
                "permissions": sorted(permissions),
                "is_builtin": True,
            },
        )
