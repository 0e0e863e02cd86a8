from typing import Any

from django.http import HttpRequest

from mofan.core.navigation import navigation_for
from mofan.core.selectors import message_unread_count, notice_unread_count


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = navigation_for(user, request.path)
    return {
        "nav_items": nav,
        "tab_items": [item for item in nav if item["in_tabs"]][:5],
        "unread_notices": notice_unread_count(actor=user),
        "unread_messages": message_unread_count(actor=user),
    }
