"""Organisational life's menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core.navigation import ORGLIFE, PERSONAL, NavItem
from mofan.orglife import permissions as perms

MENU = (
    NavItem(
        _("My tasks"),
        "orglife:mine",
        access.AUTHENTICATED,
        "list-check",
        in_tabs=True,
        group=PERSONAL,
        order=40,
        members_only=True,
    ),
    NavItem(_("Meetings"), "orglife:list", perms.VIEW, "calendar-event", group=ORGLIFE, order=10),
    NavItem(
        _("Compliance"), "orglife:compliance", perms.VIEW, "check2-square", group=ORGLIFE, order=20
    ),
    NavItem(
        _("Reviews"),
        "orglife:reviews",
        perms.REVIEW_MEETINGS,
        "clipboard-check",
        group=ORGLIFE,
        order=30,
    ),
    NavItem(_("Yearly work"), "orglife:appraisals", perms.VIEW, "award", group=ORGLIFE, order=40),
)
