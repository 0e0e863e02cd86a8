"""The core's menu items: placed by group and order, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core import permissions as perms
from mofan.core.navigation import PERSONAL, PUBLISHING, SYSTEM, NavItem

MENU = (
    NavItem(
        _("Home"),
        "core:home",
        access.AUTHENTICATED,
        "house",
        in_tabs=True,
        group=PERSONAL,
        order=10,
    ),
    NavItem(
        _("Notices"),
        "core:notice_inbox",
        access.AUTHENTICATED,
        "envelope",
        group=PERSONAL,
        order=20,
    ),
    NavItem(_("Messages"), "core:messages", access.AUTHENTICATED, "bell", group=PERSONAL, order=30),
    NavItem(
        _("Sent notices"), "core:notice_sent", perms.SEND_NOTICE, "send", group=PUBLISHING, order=40
    ),
    NavItem(
        _("Audit log"),
        "core:audit",
        perms.VIEW_AUDIT,
        "clipboard-check",
        in_tabs=True,
        group=SYSTEM,
        order=80,
    ),
)
