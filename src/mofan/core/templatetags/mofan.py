"""Presentation helpers for templates; no business rules here."""

from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from mofan.core.navigation import menu_html
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
    """The layout's menu as the sidebar's list items or the phone's tab bar
    (`core.navigation.menu_html`: kept per set of items, so a page looks it up)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return mark_safe("")
    return menu_html(request.user, request.path, where)
