"""The organisations' menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core.navigation import COBUILD, PEOPLE, NavItem
from mofan.orgs import permissions as perms

MENU = (
    NavItem(
        _("Organisations"),
        "orgs:tree",
        perms.VIEW,
        "diagram-3",
        in_tabs=True,
        group=PEOPLE,
        order=10,
    ),
    NavItem(_("Terms"), "orgs:terms", perms.VIEW, "hourglass-split", group=PEOPLE, order=40),
    NavItem(_("Branch checks"), "orgs:flags", perms.VIEW, "flag", group=PEOPLE, order=50),
    # Partner units are the other side of co-building, so they stand with it.
    NavItem(_("Partner units"), "orgs:partners", perms.VIEW, "building", group=COBUILD, order=10),
)
