"""`{% lawedu_links order %}` on the co-building order page: its handouts and, for a 模拟法庭
session, its mock trial — for those who hold legal education over the order's project."""

from __future__ import annotations

from typing import Any

from django import template

from mofan.cobuild.models import OrderFormat
from mofan.core import access
from mofan.lawedu import permissions as perms

register = template.Library()


@register.inclusion_tag("lawedu/_order_links.html", takes_context=True)
def lawedu_links(context: Any, order: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "order": order,
        "show": access.can(user, perms.VIEW, order.project.org),
        "is_mock_trial": order.format == OrderFormat.MOCK_TRIAL,
    }
