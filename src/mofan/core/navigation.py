"""The role-aware menu: an item shows only to users who hold its permission somewhere."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mofan.accounts import permissions as acc
from mofan.core import access
from mofan.core import permissions as core
from mofan.orgs import permissions as orgs


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    icon: str
    in_tabs: bool = False


NAV_ITEMS = (
    NavItem(_("Home"), "core:home", access.AUTHENTICATED, "⌂", in_tabs=True),
    NavItem(_("Notices"), "core:notice_inbox", access.AUTHENTICATED, "✉", in_tabs=True),
    NavItem(_("Organisations"), "orgs:tree", orgs.VIEW, "☷", in_tabs=True),
    NavItem(_("Terms"), "orgs:terms", orgs.VIEW, "⌛"),
    NavItem(_("Branch checks"), "orgs:flags", orgs.VIEW, "⚑"),
    NavItem(_("Partner units"), "orgs:partners", orgs.VIEW, "⚭"),
    NavItem(_("Sent notices"), "core:notice_sent", core.SEND_NOTICE, "✎"),
    NavItem(_("Users"), "accounts:users", acc.MANAGE_USERS, "☺", in_tabs=True),
    NavItem(_("Roles"), "accounts:roles", acc.MANAGE_ROLES, "⚙"),
    NavItem(_("Grants"), "accounts:grants", acc.MANAGE_GRANTS, "⚿", in_tabs=True),
    NavItem(_("Login log"), "accounts:login_log", acc.VIEW_LOGIN_LOG, "⎆"),
    NavItem(_("Online users"), "accounts:sessions", acc.MANAGE_SESSIONS, "◉"),
    NavItem(_("Audit log"), "core:audit", core.VIEW_AUDIT, "☰", in_tabs=True),
    NavItem(_("Messages"), "core:messages", access.AUTHENTICATED, "✦"),
    NavItem(_("My account"), "accounts:password_change", access.AUTHENTICATED, "⚷", in_tabs=True),
)


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if not access.has_permission(user, item.permission):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "in_tabs": item.in_tabs,
                "active": active,
            }
        )
    return items
