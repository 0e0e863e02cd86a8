"""The role-aware menu: an item shows only to users who hold its permission somewhere (and,
for a party member's own pages, only to party members: `access.is_party_member`)."""

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from mofan.core import access, registry


@dataclass(frozen=True, eq=False)  # compared by identity: one object per group
class NavGroup:
    """A section of the menu, in `order`. A section with a label is a heading whose items fold
    under it (a `<details>`, the current one open); the two without one (the personal items at
    the top, the account at the bottom) draw their items on their own."""

    label: str | Promise | None
    icon: str
    order: int


# The sections, in menu order; each app's `menu.py` places its items in them.
PERSONAL = NavGroup(None, "", 0)
PEOPLE = NavGroup(_("Organisations and members"), "diagram-3", 10)
ORGLIFE = NavGroup(_("Organisational life"), "calendar-event", 20)
STUDY = NavGroup(_("Study"), "book", 30)
VOLUNTEER = NavGroup(_("Volunteer service"), "heart", 40)
COBUILD = NavGroup(_("Co-building"), "people", 50)
PUBLISHING = NavGroup(_("Campaigns and portal"), "newspaper", 60)
SYSTEM = NavGroup(_("System"), "gear", 70)
ACCOUNT = NavGroup(None, "", 80)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str  # who sees the item: a permission code held anywhere, or AUTHENTICATED
    icon: str  # a Bootstrap Icons name (vendored font)
    in_tabs: bool = False
    # Where the item stands: its section and its place there (unique in the section, checked
    # by tests/core/test_registry.py). Keyword-only and required, so no item lands by default.
    group: NavGroup = field(kw_only=True)
    order: int = field(kw_only=True)
    members_only: bool = False  # a party member's own page: not for partner contacts or staff


@cache
def nav_items() -> tuple[NavItem, ...]:
    """Every app's `MENU` in menu order (`registry.menu_items`). A group is drawn where its
    first visible item is; a group of which a user sees one item only is drawn as that item.
    Read once: the apps' declarations do not change while the process runs."""
    return registry.menu_items()


TABS = 4  # the phone's tab bar: the first four tab items a user sees, then "More" (the drawer)


@cache
def _url(name: str) -> str:
    # The menu's URLs take no arguments and never change while the process runs.
    return reverse(name)


def _visible(user: Any) -> tuple[int, ...]:
    """The positions in `nav_items()` of the items the user sees."""
    if not user.is_authenticated:
        return ()
    return _visible_for(access.permissions_held(user), access.is_party_member(user))


@lru_cache(maxsize=256)
def _visible_for(held: frozenset[str], party_member: bool) -> tuple[int, ...]:
    return tuple(
        i
        for i, item in enumerate(nav_items())
        if (item.permission == access.AUTHENTICATED or item.permission in held)
        and (party_member or not item.members_only)
    )


def _current(visible: tuple[int, ...], path: str) -> int | None:
    """The one current item: the visible item whose URL is the longest prefix of the path
    (`/orglife/compliance/…` is Compliance, not Meetings at `/orglife/`); Home only at `/`."""
    best, length = None, 0
    for i in visible:
        url = _url(nav_items()[i].url_name)
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
    item = nav_items()[i]
    state = ' active" aria-current="page' if i == current else ""
    return (
        f'<li class="nav-item"><a class="nav-link{state}" href="{escape(_url(item.url_name))}">'
        f"{_icon(item.icon)}{escape(item.label)}</a></li>"
    )


def _sidebar(visible: tuple[int, ...], current: int | None) -> str:
    groups: dict[NavGroup, list[int]] = {}
    for i in visible:
        groups.setdefault(nav_items()[i].group, []).append(i)
    parts, drawn = [], set()
    for i in visible:
        group = nav_items()[i].group
        if group.label is None or len(groups[group]) == 1:
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
    shown = [i for i in visible if nav_items()[i].in_tabs][:TABS]
    parts = []
    for i in shown:
        item = nav_items()[i]
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
