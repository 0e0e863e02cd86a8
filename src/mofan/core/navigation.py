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


@dataclass(frozen=True, eq=False)  # compared by identity: one object per group
class NavGroup:
    """A heading of the menu; its items fold under it (a `<details>`), the current one open."""

    label: str | Promise
    icon: str


PEOPLE = NavGroup(_("Organisations and members"), "diagram-3")
ORGLIFE = NavGroup(_("Organisational life"), "calendar-event")
STUDY = NavGroup(_("Study"), "book")
VOLUNTEER = NavGroup(_("Volunteer service"), "heart")
COBUILD = NavGroup(_("Co-building"), "people")
PUBLISHING = NavGroup(_("Campaigns and portal"), "newspaper")
SYSTEM = NavGroup(_("System"), "gear")


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str  # who sees the item: a permission code held anywhere, or AUTHENTICATED
    icon: str  # a Bootstrap Icons name (vendored font)
    in_tabs: bool = False
    group: NavGroup | None = None  # None: a top-level item
    members_only: bool = False  # a party member's own page: not for partner contacts or staff


# The menu's order. A group is drawn where its first visible item is; a group of which a user
# sees one item only is drawn as that item.
NAV_ITEMS = (
    NavItem(_("Home"), "core:home", access.AUTHENTICATED, "house", in_tabs=True),
    NavItem(_("Notices"), "core:notice_inbox", access.AUTHENTICATED, "envelope"),
    NavItem(_("Messages"), "core:messages", access.AUTHENTICATED, "bell"),
    NavItem(
        _("My tasks"),
        "orglife:mine",
        access.AUTHENTICATED,
        "list-check",
        in_tabs=True,
        members_only=True,
    ),
    NavItem(_("Organisations"), "orgs:tree", orgs.VIEW, "diagram-3", in_tabs=True, group=PEOPLE),
    NavItem(
        _("Party members"),
        "members:list",
        members.VIEW,
        "person-vcard",
        in_tabs=True,
        group=PEOPLE,
    ),
    NavItem(_("Transfers"), "members:transfers", members.VIEW, "arrow-left-right", group=PEOPLE),
    NavItem(_("Terms"), "orgs:terms", orgs.VIEW, "hourglass-split", group=PEOPLE),
    NavItem(_("Branch checks"), "orgs:flags", orgs.VIEW, "flag", group=PEOPLE),
    NavItem(
        _("My record"),
        "members:me",
        access.AUTHENTICATED,
        "person-vcard",
        group=PEOPLE,
        members_only=True,
    ),
    NavItem(_("Meetings"), "orglife:list", orglife.VIEW, "calendar-event", group=ORGLIFE),
    NavItem(_("Compliance"), "orglife:compliance", orglife.VIEW, "check2-square", group=ORGLIFE),
    NavItem(
        _("Reviews"), "orglife:reviews", orglife.REVIEW_MEETINGS, "clipboard-check", group=ORGLIFE
    ),
    NavItem(_("Yearly work"), "orglife:appraisals", orglife.VIEW, "award", group=ORGLIFE),
    NavItem(_("Theory study"), "study:groups", study.VIEW, "book", group=STUDY),
    NavItem(
        _("My study record"),
        "study:mine",
        access.AUTHENTICATED,
        "journal-bookmark",
        group=STUDY,
        members_only=True,
    ),
    NavItem(_("My volunteering"), "volunteer:mine", access.AUTHENTICATED, "heart", group=VOLUNTEER),
    NavItem(
        _("Volunteer activities"),
        "volunteer:activities",
        volunteer.VIEW,
        "people-fill",
        group=VOLUNTEER,
    ),
    NavItem(_("Micro-wishes"), "volunteer:wishes", volunteer.VIEW, "gift", group=VOLUNTEER),
    NavItem(_("Volunteer teams"), "volunteer:teams", volunteer.VIEW, "people", group=VOLUNTEER),
    NavItem(
        _("Community registration"),
        "volunteer:registrations",
        volunteer.VIEW,
        "house-heart",
        group=VOLUNTEER,
    ),
    NavItem(
        _("Volunteer statistics"),
        "volunteer:statistics",
        volunteer.VIEW,
        "bar-chart",
        group=VOLUNTEER,
    ),
    NavItem(_("Partner units"), "orgs:partners", orgs.VIEW, "building", group=COBUILD),
    NavItem(
        _("Co-building agreements"),
        "cobuild:agreements",
        cobuild.VIEW,
        "file-earmark-text",
        group=COBUILD,
    ),
    NavItem(_("Service orders"), "cobuild:orders", access.AUTHENTICATED, "basket", group=COBUILD),
    NavItem(_("Service projects"), "cobuild:projects", cobuild.VIEW, "grid", group=COBUILD),
    NavItem(_("Demands"), "cobuild:demands", cobuild.VIEW, "megaphone", group=COBUILD),
    NavItem(_("Handouts"), "lawedu:materials", lawedu.VIEW, "book-half", group=COBUILD),
    NavItem(
        _("Legal counsellors"),
        "lawedu:appointments",
        lawedu.VIEW,
        "person-badge",
        group=COBUILD,
    ),
    NavItem(
        _("Case campaigns"),
        "campaigns:called",
        campaigns.SUBMIT,
        "journal-richtext",
        group=PUBLISHING,
    ),
    NavItem(_("Run campaigns"), "campaigns:managed", campaigns.MANAGE, "trophy", group=PUBLISHING),
    NavItem(
        _("Case reviews"),
        "campaigns:reviews",
        campaigns.REVIEW,
        "star-half",
        in_tabs=True,
        group=PUBLISHING,
    ),
    NavItem(_("Sent notices"), "core:notice_sent", core.SEND_NOTICE, "send", group=PUBLISHING),
    NavItem(_("Portal articles"), "portal:manage", portal.EDIT, "newspaper", group=PUBLISHING),
    NavItem(
        _("Users"), "accounts:users", acc.MANAGE_USERS, "person-badge", in_tabs=True, group=SYSTEM
    ),
    NavItem(_("Roles"), "accounts:roles", acc.MANAGE_ROLES, "shield-lock", group=SYSTEM),
    NavItem(_("Grants"), "accounts:grants", acc.MANAGE_GRANTS, "key", in_tabs=True, group=SYSTEM),
    NavItem(
        _("Grant requests"),
        "accounts:grant_requests",
        acc.APPROVE_GRANTS,
        "person-check",
        group=SYSTEM,
    ),
    NavItem(
        _("Reset requests"), "accounts:reset_requests", acc.APPROVE_RESETS, "unlock", group=SYSTEM
    ),
    NavItem(_("Login log"), "accounts:login_log", acc.VIEW_LOGIN_LOG, "journal-text", group=SYSTEM),
    NavItem(_("Online users"), "accounts:sessions", acc.MANAGE_SESSIONS, "broadcast", group=SYSTEM),
    NavItem(
        _("Audit log"), "core:audit", core.VIEW_AUDIT, "clipboard-check", in_tabs=True, group=SYSTEM
    ),
    NavItem(
        _("My account"),
        "accounts:password_change",
        access.AUTHENTICATED,
        "person-gear",
        in_tabs=True,
    ),
)
TABS = 4  # the phone's tab bar: the first four tab items a user sees, then "More" (the drawer)


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


def _current(visible: tuple[int, ...], path: str) -> int | None:
    """The one current item: the visible item whose URL is the longest prefix of the path
    (`/orglife/compliance/…` is Compliance, not Meetings at `/orglife/`); Home only at `/`."""
    best, length = None, 0
    for i in visible:
        url = _url(NAV_ITEMS[i].url_name)
        if (path == url if url == "/" else path.startswith(url)) and len(url) > length:
            best, length = i, len(url)
    return best


def menu_html(user: Any, current_path: str, where: str) -> SafeString:
    """The sidebar's list (`where="sidebar"`; on a phone the same list is the drawer behind
    "More") or the phone's tab bar (`"tabs"`). Every page draws both, so the HTML is kept per
    set of items, language and current item: a page looks up a string instead of writing forty
    links."""
    visible = _visible(user)
    return _menu_html(visible, where, translation.get_language(), _current(visible, current_path))


def _icon(name: str) -> str:
    return f'<i class="mofan-icon bi bi-{escape(name)}" aria-hidden="true"></i>'


def _link(i: int, current: int | None) -> str:
    item = NAV_ITEMS[i]
    state = ' active" aria-current="page' if i == current else ""
    return (
        f'<li class="nav-item"><a class="nav-link{state}" href="{escape(_url(item.url_name))}">'
        f"{_icon(item.icon)}{escape(item.label)}</a></li>"
    )


def _sidebar(visible: tuple[int, ...], current: int | None) -> str:
    groups: dict[NavGroup, list[int]] = {}
    for i in visible:
        group = NAV_ITEMS[i].group
        if group is not None:
            groups.setdefault(group, []).append(i)
    parts, drawn = [], set()
    for i in visible:
        group = NAV_ITEMS[i].group
        if group is None or len(groups[group]) == 1:
            parts.append(_link(i, current))
        elif group not in drawn:
            drawn.add(group)
            items = groups[group]
            is_open = " open" if current in items else ""
            links = "".join(_link(j, current) for j in items)
            parts.append(
                f'<li class="nav-item mofan-group"><details{is_open}>'
                f'<summary class="nav-link">{_icon(group.icon)}{escape(group.label)}'
                '<i class="mofan-chevron bi bi-chevron-down" aria-hidden="true"></i></summary>'
                f'<ul class="nav flex-column">{links}</ul></details></li>'
            )
    return "".join(parts)


def _tabs(visible: tuple[int, ...], current: int | None) -> str:
    shown = [i for i in visible if NAV_ITEMS[i].in_tabs][:TABS]
    parts = []
    for i in shown:
        item = NAV_ITEMS[i]
        state = ' class="active" aria-current="page"' if i == current else ""
        parts.append(
            f'<a href="{escape(_url(item.url_name))}"{state}>{_icon(item.icon)}'
            f"{escape(item.label)}</a>"
        )
    # Everything else is one tap away in the drawer; it is lit when the current page is there.
    more = " active" if current is not None and current not in shown else ""
    label = escape(_("More"))
    parts.append(
        f'<button type="button" class="mofan-more{more}" data-bs-toggle="offcanvas" '
        'data-bs-target="#mofan-menu" aria-controls="mofan-menu">'
        f"{_icon('grid-3x3-gap')}{label}</button>"
    )
    return "".join(parts)


@lru_cache(maxsize=1024)
def _menu_html(
    visible: tuple[int, ...], where: str, language: str | None, current: int | None
) -> SafeString:
    html = _tabs(visible, current) if where == "tabs" else _sidebar(visible, current)
    return mark_safe(html)  # noqa: S308 - every label and URL escaped above
