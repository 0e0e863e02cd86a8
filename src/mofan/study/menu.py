"""Theory study's menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core.navigation import STUDY, NavItem
from mofan.study import permissions as perms

MENU = (
    NavItem(_("Theory study"), "study:groups", perms.VIEW, "book", group=STUDY, order=10),
    NavItem(
        _("My study record"),
        "study:mine",
        access.AUTHENTICATED,
        "journal-bookmark",
        group=STUDY,
        order=20,
        members_only=True,
    ),
)
