"""The role-aware menu: an item shows only to users who hold its permission somewhere (and,
for a party member's own pages, only to party members: `access.is_party_member`)."""

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from mofan.accounts import permissions as acc
from mofan.campaigns import permissions as campaigns
from mofan.cobuild import permissions as cobuild
from mofan.core import access
from mofan.core import permissions as core
from mofan.lawedu import permissions as lawedu
from mofan.members import permissions as members
from mofan.orglife import permissions as orglife
from mofan.orgs import permissions as orgs
from mofan.portal import permissions as portal
from mofan.study import permissions as study
from mofan.volunteer import permissions as volunteer


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    icon: str  # a Bootstrap Icons name (vendored font)
    in_tabs: bool = False
    members_only: bool = False  # a party member's own page: not for partner contacts or staff


NAV_ITEMS = (
    NavItem(_("Home"), "core:home", access.AUTHENTICATED, "house", in_tabs=True),
    NavItem(_("Notices"), "core:notice_inbox", access.AUTHENTICATED, "envelope", in_tabs=True),
    NavItem(
        _("My tasks"),
        "orglife:mine",
        access.AUTHENTICATED,
        "list-check",
        in_tabs=True,
        members_only=True,
    ),
    NavItem(_("Organisations"), "orgs:tree", orgs.VIEW, "diagram-3", in_tabs=True),
    NavItem(_("Party members"), "members:list", members.VIEW, "person-vcard", in_tabs=True),
    NavItem(_("Transfers"), "members:transfers", members.VIEW, "arrow-left-right"),
    NavItem(_("Meetings"), "orglife:list", orglife.VIEW, "calendar-event"),
    NavItem(_("Compliance"), "orglife:compliance", orglife.VIEW, "check2-square"),
    NavItem(_("Reviews"), "orglife:reviews", orglife.REVIEW_MEETINGS, "clipboard-check"),
    NavItem(_("Yearly work"), "orglife:appraisals", orglife.VIEW, "award"),
    NavItem(_("Theory study"), "study:groups", study.VIEW, "book"),
    NavItem(_("Volunteering"), "volunteer:mine", access.AUTHENTICATED, "heart"),
    NavItem(_("Volunteer activities"), "volunteer:activities", volunteer.VIEW, "people-fill"),
    NavItem(_("Micro-wishes"), "volunteer:wishes", volunteer.VIEW, "gift"),
    NavItem(_("Volunteer teams"), "volunteer:teams", volunteer.VIEW, "people"),
    NavItem(_("Community registration"), "volunteer:registrations", volunteer.VIEW, "house-heart"),
    NavItem(_("Volunteer statistics"), "volunteer:statistics", volunteer.VIEW, "bar-chart"),
    NavItem(_("Terms"), "orgs:terms", orgs.VIEW, "hourglass-split"),
    NavItem(_("Branch checks"), "orgs:flags", orgs.VIEW, "flag"),
    NavItem(_("Partner units"), "orgs:partners", orgs.VIEW, "people"),
    NavItem(_("Co-building agreements"), "cobuild:agreements", cobuild.VIEW, "file-earmark-text"),
    NavItem(_("Service orders"), "cobuild:orders", access.AUTHENTICATED, "basket"),
    NavItem(_("Service projects"), "cobuild:projects", cobuild.VIEW, "grid"),
    NavItem(_("Demands"), "cobuild:demands", cobuild.VIEW, "megaphone"),
    NavItem(_("Handouts"), "lawedu:materials", lawedu.VIEW, "book-half"),
    NavItem(_("Legal counsellors"), "lawedu:appointments", lawedu.VIEW, "person-badge"),
    NavItem(_("Case campaigns"), "campaigns:called", campaigns.SUBMIT, "journal-richtext"),
    NavItem(_("Run campaigns"), "campaigns:managed", campaigns.MANAGE, "trophy"),
    NavItem(_("Case reviews"), "campaigns:reviews", campaigns.REVIEW, "star-half", in_tabs=True),
    NavItem(_("Sent notices"), "core:notice_sent", core.SEND_NOTICE, "send"),
    NavItem(_("Portal articles"), "portal:manage", portal.EDIT, "newspaper"),
    NavItem(_("Users"), "accounts:users", acc.MANAGE_USERS, "person-badge", in_tabs=True),
    NavItem(_("Roles"), "accounts:roles", acc.MANAGE_ROLES, "shield-lock"),
    NavItem(_("Grants"), "accounts:grants", acc.MANAGE_GRANTS, "key", in_tabs=True),
    NavItem(_("Grant requests"), "accounts:grant_requests", acc.APPROVE_GRANTS, "person-check"),
    NavItem(_("Reset requests"), "accounts:reset_requests", acc.APPROVE_RESETS, "unlock"),
    NavItem(_("Login log"), "accounts:login_log", acc.VIEW_LOGIN_LOG, "journal-text"),
    NavItem(_("Online users"), "accounts:sessions", acc.MANAGE_SESSIONS, "broadcast"),
    NavItem(_("Audit log"), "core:audit", core.VIEW_AUDIT, "clipboard-check", in_tabs=True),
    NavItem(_("Messages"), "core:messages", access.AUTHENTICATED, "bell"),
    NavItem(_("My record"), "members:me", access.AUTHENTICATED, "person-vcard", members_only=True),
    NavItem(
        _("My study record"),
        "study:mine",
        access.AUTHENTICATED,
        "journal-bookmark",
        members_only=True,
    ),
    NavItem(
        _("My account"),
        "accounts:password_change",
        access.AUTHENTICATED,
        "person-gear",
        in_tabs=True,
    ),
)


@cache
def _url(name: str) -> str:
    # The menu's URLs take no arguments and never change while the process runs.
    return reverse(name)


def _visible(user: Any) -> tuple[int, ...]:
    """The positions in NAV_ITEMS of the items the user sees."""
    if not user.is_authenticated:
        return ()
    return _visible_for(access.permissions_held(user), access.is_party_member(user))


@lru_cache(maxsize=256)
def _visible_for(held: frozenset[str], party_member: bool) -> tuple[int, ...]:
    return tuple(
        i
        for i, item in enumerate(NAV_ITEMS)
        if (item.permission == access.AUTHENTICATED or item.permission in held)
        and (party_member or not item.members_only)
    )


def _is_active(url: str, current_path: str) -> bool:
    return current_path == url if url == "/" else current_path.startswith(url)


def menu_html(user: Any, current_path: str, where: str) -> SafeString:
    """The sidebar's list items (`where="sidebar"`) or the phone's tab bar (`"tabs"`, the first
    five items marked for it). Every page draws both, so the HTML is kept per set of items,
    language and current item: a page looks up a string instead of writing forty links."""
    visible = _visible(user)
    active = tuple(i for i in visible if _is_active(_url(NAV_ITEMS[i].url_name), current_path))
    return _menu_html(visible, where, translation.get_language(), active)


@lru_cache(maxsize=1024)
def _menu_html(
    visible: tuple[int, ...], where: str, language: str | None, active: tuple[int, ...]
) -> SafeString:
    shown = [(i, NAV_ITEMS[i]) for i in visible]
    if where == "tabs":
        shown = [(i, item) for i, item in shown if item.in_tabs][:5]
    parts = []
    for i, item in shown:
        icon = f'<i class="mofan-icon bi bi-{escape(item.icon)}" aria-hidden="true"></i>'
        label, url = escape(item.label), escape(_url(item.url_name))
        if where == "tabs":
            state = "active" if i in active else ""
            parts.append(f'<a href="{url}" class="{state}">{icon}{label}</a>')
        else:
            state = " active" if i in active else ""
            parts.append(
                f'<li class="nav-item"><a class="nav-link{state}" href="{url}">'
                f"{icon}{label}</a></li>"
            )
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above
