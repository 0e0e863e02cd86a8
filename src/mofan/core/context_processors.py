from functools import cached_property
from typing import Any

from django.http import HttpRequest

from mofan.core.navigation import navigation_for
from mofan.core.selectors import message_unread_count, notice_unread_count


class _Shell:
    """What the layout shows around a page for a signed-in user: the menu, the tab bar and the
    unread counts. Each is worked out the first time a template reads it, so a page that does
    not show the layout (the check-in confirmation a phone opens after a scan) costs nothing."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def nav_items(self) -> list[dict[str, Any]]:
        return navigation_for(self.request.user, self.request.path)

    @cached_property
    def tab_items(self) -> list[dict[str, Any]]:
        return [item for item in self.nav_items if item["in_tabs"]][:5]

    @cached_property
    def unread_notices(self) -> int:
        return notice_unread_count(actor=self.request.user)

    @cached_property
    def unread_messages(self) -> int:
        return message_unread_count(actor=self.request.user)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    lazy = _Shell(request)
    # Templates call callables when they read them; each value is computed once per request.
    return {
        "nav_items": lambda: lazy.nav_items,
        "tab_items": lambda: lazy.tab_items,
        "unread_notices": lambda: lazy.unread_notices,
        "unread_messages": lambda: lazy.unread_messages,
    }
