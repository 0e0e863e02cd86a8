from django.utils.translation import gettext_lazy as _

MANAGE_USERS = "accounts.manage_users"
MANAGE_ROLES = "accounts.manage_roles"
MANAGE_GRANTS = "accounts.manage_grants"
VIEW_LOGIN_LOG = "accounts.view_login_log"
MANAGE_SESSIONS = "accounts.manage_sessions"

PERMISSIONS = {
    MANAGE_USERS: _("Manage user accounts"),
    MANAGE_ROLES: _("Manage roles"),
    MANAGE_GRANTS: _("Manage grants"),
    VIEW_LOGIN_LOG: _("View the login log"),
    MANAGE_SESSIONS: _("Manage online sessions and unlock accounts"),
}
# Codes that administer the system rather than read party business (三员分立).
SYSTEM_PERMISSIONS = frozenset(PERMISSIONS)
