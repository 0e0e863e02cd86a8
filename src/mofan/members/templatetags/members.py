"""`{% member_rows rows %}`: the member list's table rows, written in one pass.

The list is the page officials open most, and its 20 rows were most of its rendering time
through the template engine (about twenty nodes a row, each resolved and escaped on its own).
The markup here is exactly what a row of `members/_list.html` was; every value is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _text(value: Any) -> str:
    return "" if value is None else escape(str(value))


@register.simple_tag
def member_rows(rows: list[tuple[Any, ...]]) -> SafeString:
    """Each row is (member row, link, age, standing, gender label, status label)."""
    if not rows:
        none = escape(_("No member matches."))
        return mark_safe(f'<tr><td colspan="7" class="text-muted">{none}</td></tr>')  # noqa: S308
    name, gender_l, age_l, standing_l, status_l, branch_l, mobile_l = (
        escape(_(label))
        for label in (
            "Full name",
            "Gender",
            "Age",
            "Party standing",
            "Status",
            "Branch",
            "Mobile number",
        )
    )
    cadre = f' <span class="badge text-bg-info">{escape(_("leading cadre"))}</span>'
    parts = []
    for m, link, age, standing, gender, status in rows:
        shown_status = _text(status)
        if m.status == "probationary":
            shown_status = f'<span class="badge text-bg-warning">{shown_status}</span>'
        branch = _text(m.branch) + (f" · {_text(m.group)}" if m.group else "")
        parts.append(
            '<tr data-testid="member-row">'
            f'<td data-label="{name}"><a href="{escape(link)}">{_text(m.full_name)}</a>'
            f"{cadre if m.is_leading_cadre else ''}</td>"
            f'<td data-label="{gender_l}">{_text(gender)}</td>'
            f'<td data-label="{age_l}">{_text(age)}</td>'
            f'<td data-label="{standing_l}">{_text(standing)}</td>'
            f'<td data-label="{status_l}">{shown_status}</td>'
            f'<td data-label="{branch_l}">{branch}</td>'
            f'<td data-label="{mobile_l}">{_text(m.mobile_masked)}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
