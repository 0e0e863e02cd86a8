"""The portal's menu item, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core.navigation import PUBLISHING, NavItem
from mofan.portal import permissions as perms

MENU = (
    NavItem(
        _("Portal articles"), "portal:manage", perms.EDIT, "newspaper", group=PUBLISHING, order=50
    ),
)
