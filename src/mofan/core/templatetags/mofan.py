"""Presentation helpers for templates; no business rules here."""

from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mofan.core.widgets import widget_html

register = template.Library()


@register.filter
def control(field: BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap's classes."""
    css = "form-select" if field.widget_type in {"select", "selectmultiple"} else "form-control"
    if field.errors:
        css += " is-invalid"
    return widget_html(field, {"class": css})


@register.filter
def cn_datetime(value: Any) -> str:
    """2026年11月26日 14:05 — dates and times the way Chinese offices write them."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


@register.filter
def cn_date(value: Any) -> str:
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.simple_tag(takes_context=True)
def menu(context: Any, where: str) -> SafeString:
    """The layout's menu as the sidebar's list items or the phone's tab bar, written in one pass
    (every page draws it; a template loop over its items cost a few milliseconds a page)."""
    items = context.get("tab_items" if where == "tabs" else "nav_items") or []
    if callable(items):  # the layout's values are worked out when first read
        items = items()
    parts = []
    for item in items:
        icon = f'<i class="mofan-icon bi bi-{escape(item["icon"])}" aria-hidden="true"></i>'
        label, url = escape(item["label"]), escape(item["url"])
        if where == "tabs":
            active = "active" if item["active"] else ""
            parts.append(f'<a href="{url}" class="{active}">{icon}{label}</a>')
        else:
            active = " active" if item["active"] else ""
            parts.append(
                f'<li class="nav-item"><a class="nav-link{active}" href="{url}">'
                f"{icon}{label}</a></li>"
            )
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above
