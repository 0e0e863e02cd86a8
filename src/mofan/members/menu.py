"""The member records' menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core.navigation import PEOPLE, NavItem
from mofan.members import permissions as perms

MENU = (
    NavItem(
        _("Party members"),
        "members:list",
        perms.VIEW,
        "person-vcard",
        in_tabs=True,
        group=PEOPLE,
        order=20,
    ),
    NavItem(
        _("Transfers"), "members:transfers", perms.VIEW, "arrow-left-right", group=PEOPLE, order=30
    ),
    NavItem(
        _("My record"),
        "members:me",
        access.AUTHENTICATED,
        "person-vcard",
        group=PEOPLE,
        order=60,
        members_only=True,
    ),
)
