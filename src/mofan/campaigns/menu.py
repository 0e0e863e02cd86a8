"""Case campaigns' menu items, collected by `core.registry.menu_items()`."""

from django.utils.translation import gettext_lazy as _

from mofan.campaigns import permissions as perms
from mofan.core.navigation import PUBLISHING, NavItem

MENU = (
    NavItem(
        _("Case campaigns"),
        "campaigns:called",
        perms.SUBMIT,
        "journal-richtext",
        group=PUBLISHING,
        order=10,
    ),
    NavItem(
        _("Run campaigns"), "campaigns:managed", perms.MANAGE, "trophy", group=PUBLISHING, order=20
    ),
    NavItem(
        _("Case reviews"),
        "campaigns:reviews",
        perms.REVIEW,
        "star-half",
        in_tabs=True,
        group=PUBLISHING,
        order=30,
    ),
)
