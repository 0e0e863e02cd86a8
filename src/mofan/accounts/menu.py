"""The accounts' menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.accounts import permissions as perms
from mofan.core import access
from mofan.core.navigation import ACCOUNT, SYSTEM, NavItem

MENU = (
    NavItem(
        _("Users"),
        "accounts:users",
        perms.MANAGE_USERS,
        "person-badge",
        in_tabs=True,
        group=SYSTEM,
        order=10,
    ),
    NavItem(
        _("Roles"), "accounts:roles", perms.MANAGE_ROLES, "shield-lock", group=SYSTEM, order=20
    ),
    NavItem(
        _("Grants"),
        "accounts:grants",
        perms.MANAGE_GRANTS,
        "key",
        in_tabs=True,
        group=SYSTEM,
        order=30,
    ),
    NavItem(
        _("Grant requests"),
        "accounts:grant_requests",
        perms.APPROVE_GRANTS,
        "person-check",
        group=SYSTEM,
        order=40,
    ),
    NavItem(
        _("Reset requests"),
        "accounts:reset_requests",
        perms.APPROVE_RESETS,
        "unlock",
        group=SYSTEM,
        order=50,
    ),
    NavItem(
        _("Login log"),
        "accounts:login_log",
        perms.VIEW_LOGIN_LOG,
        "journal-text",
        group=SYSTEM,
        order=60,
    ),
    NavItem(
        _("Online users"),
        "accounts:sessions",
        perms.MANAGE_SESSIONS,
        "broadcast",
        group=SYSTEM,
        order=70,
    ),
    # The last item of everyone's menu, after the sections.
    NavItem(
        _("My account"),
        "accounts:password_change",
        access.AUTHENTICATED,
        "person-gear",
        in_tabs=True,
        group=ACCOUNT,
        order=10,
    ),
)
