"""Volunteering's menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core.navigation import VOLUNTEER, NavItem
from mofan.volunteer import permissions as perms

MENU = (
    NavItem(
        _("My volunteering"),
        "volunteer:mine",
        access.AUTHENTICATED,
        "heart",
        group=VOLUNTEER,
        order=10,
    ),
    NavItem(
        _("Volunteer activities"),
        "volunteer:activities",
        perms.VIEW,
        "people-fill",
        group=VOLUNTEER,
        order=20,
    ),
    NavItem(_("Micro-wishes"), "volunteer:wishes", perms.VIEW, "gift", group=VOLUNTEER, order=30),
    NavItem(
        _("Volunteer teams"), "volunteer:teams", perms.VIEW, "people", group=VOLUNTEER, order=40
    ),
    NavItem(
        _("Community registration"),
        "volunteer:registrations",
        perms.VIEW,
        "house-heart",
        group=VOLUNTEER,
        order=50,
    ),
    NavItem(
        _("Volunteer statistics"),
        "volunteer:statistics",
        perms.VIEW,
        "bar-chart",
        group=VOLUNTEER,
        order=60,
    ),
)
