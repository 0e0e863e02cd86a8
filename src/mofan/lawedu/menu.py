"""Legal education's menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core.navigation import COBUILD, NavItem
from mofan.lawedu import permissions as perms

MENU = (
    NavItem(_("Handouts"), "lawedu:materials", perms.VIEW, "book-half", group=COBUILD, order=60),
    NavItem(
        _("Legal counsellors"),
        "lawedu:appointments",
        perms.VIEW,
        "person-badge",
        group=COBUILD,
        order=70,
    ),
)
