"""Co-building's menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.cobuild import permissions as perms
from mofan.core import access
from mofan.core.navigation import COBUILD, NavItem

MENU = (
    NavItem(
        _("Co-building agreements"),
        "cobuild:agreements",
        perms.VIEW,
        "file-earmark-text",
        group=COBUILD,
        order=20,
    ),
    # Partner contacts hold no grant: their orders page filters by who they are.
    NavItem(
        _("Service orders"),
        "cobuild:orders",
        access.AUTHENTICATED,
        "basket",
        group=COBUILD,
        order=30,
    ),
    NavItem(_("Service projects"), "cobuild:projects", perms.VIEW, "grid", group=COBUILD, order=40),
    NavItem(_("Demands"), "cobuild:demands", perms.VIEW, "megaphone", group=COBUILD, order=50),
)
