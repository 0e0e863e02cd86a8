from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class TreePicker(forms.Select):
    """The organisation picker: a select of the organisations in scope, indented by depth, that
    mofan.js lets the user narrow by typing."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"data-filterable": "1", "data-filter-placeholder": _("Type to filter")}
        super().__init__(attrs={**base, **(attrs or {})})


class DatePicker(forms.DateInput):
    """The phone's date picker. It needs ISO dates whatever the language's date format is."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
