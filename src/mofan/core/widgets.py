from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class TreePicker(forms.Select):
    """The organisation picker: a select of the organisations in scope, indented by depth, that
    mofan.js lets the user narrow by typing."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"data-filterable": "1", "data-filter-placeholder": _("Type to filter")}
        super().__init__(attrs={**base, **(attrs or {})})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Thousands of organisations: one pass of string building, not a template per option.
        final = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        opening = format_html('<select name="{}"{}>', name, flatatt(final))
        return mark_safe(f"{opening}{options}</select>")  # noqa: S308 - every part escaped above


class DatePicker(forms.DateInput):
    """The phone's date picker. It needs ISO dates whatever the language's date format is."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
