from django.utils.translation import gettext_lazy as _

MANAGE_USERS = "accounts.manage_users"
MANAGE_ROLES = "accounts.manage_roles"
MANAGE_GRANTS = "accounts.manage_grants"
VIEW_LOGIN_LOG = "accounts.view_login_log"
MANAGE_SESSIONS = "accounts.manage_sessions"
APPROVE_RESETS = "accounts.approve_resets"
APPROVE_GRANTS = "accounts.approve_grants"

PERMISSIONS = {
    MANAGE_USERS: _("Manage user accounts"),
    MANAGE_ROLES: _("Manage roles"),
    MANAGE_GRANTS: _("Manage grants"),
    VIEW_LOGIN_LOG: _("View the login log"),
    MANAGE_SESSIONS: _("Manage online sessions and unlock accounts"),
    APPROVE_RESETS: _("Approve password resets of administrators"),
    APPROVE_GRANTS: _("Approve grants of business roles"),
}
# Codes that administer the system rather than read party business (三员分立). Approving a
# business grant is the business side's own check on the security administrator: it belongs to
# the work committee's administrator, so it is not a system code.
SYSTEM_PERMISSIONS = frozenset(PERMISSIONS) - {APPROVE_GRANTS}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
# 三员分立: each administrator's duty is its own role and holds system codes only.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (APPROVE_GRANTS,),
    "system_admin": (MANAGE_USERS,),
    "security_admin": (
        MANAGE_ROLES,
        MANAGE_GRANTS,
        VIEW_LOGIN_LOG,
        MANAGE_SESSIONS,
        APPROVE_RESETS,
    ),
}
