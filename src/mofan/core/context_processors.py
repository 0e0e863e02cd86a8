from functools import cached_property
from typing import Any

from django.http import HttpRequest

from mofan.core.selectors import unread_counts


class _Shell:
    """What the layout's top bar shows for a signed-in user: the unread counts, read in one
    query the first time a template reads either, so a page that does not show the layout (the
    check-in confirmation a phone opens after a scan) costs nothing. (The menu is written by
    the `menu` template tag.)"""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def unread(self) -> tuple[int, int]:
        return unread_counts(actor=self.request.user)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    lazy = _Shell(request)
    # Templates call callables when they read them; each value is computed once per request.
    return {
        "unread_notices": lambda: lazy.unread[0],
        "unread_messages": lambda: lazy.unread[1],
    }
