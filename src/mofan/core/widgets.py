import json
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class TreePicker(forms.Select):
    """The organisation picker: a select of the organisations in scope, indented by depth, that
    mofan.js lets the user narrow by typing. A long list is not written into the page: the page
    carries the chosen option and the address of the list, which mofan.js fetches after load."""

    inline_limit = 200

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"data-filterable": "1", "data-filter-placeholder": _("Type to filter")}
        super().__init__(attrs={**base, **(attrs or {})})
        self.options_url = ""
        self.always_lazy = False

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        choices = list(self.choices)
        if self.options_url and (self.always_lazy or len(choices) > self.inline_limit):
            final["data-options-url"] = self.options_url
            choices = [(k, label) for k, label in choices if str(k) in selected or k == ""]
        # One pass of string building, not a template per option.
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
            for key, label in choices
        )
        opening = format_html('<select name="{}"{}>', name, flatatt(final))
        return mark_safe(f"{opening}{options}</select>")  # noqa: S308 - every part escaped above


class DatePicker(forms.DateInput):
    """The phone's date picker. It needs ISO dates whatever the language's date format is."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def fill_picker(
    field: forms.Field,
    choices: list[tuple[Any, str]],
    *,
    permission: str,
    kinds: set[Any] | None = None,
    blank: str | None = None,
    lazy: bool = False,
) -> None:
    """Give a TreePicker field its choices (for validation) and the address of its options."""
    from urllib.parse import urlencode

    from django.urls import reverse

    params: dict[str, str] = {"permission": permission}
    if kinds:
        params["kinds"] = ",".join(sorted(str(k) for k in kinds))
    if blank is not None:
        params["blank"] = blank
        choices = [("", blank), *choices]
    field.choices = choices  # type: ignore[attr-defined]
    if isinstance(field.widget, TreePicker):
        # A choice field hands its choices to the widget; an integer field (a filter that
        # resolves the id itself) does not, so the chosen option would be lost.
        field.widget.choices = list(choices)
        field.widget.options_url = f"{reverse('orgs:picker')}?{urlencode(params)}"
        field.widget.always_lazy = lazy


class DateTimePicker(forms.DateTimeInput):
    """The phone's date-and-time picker, in the format it needs."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class RichTextarea(forms.Textarea):
    """A textarea of sanitised HTML that static/js/richtext.js turns into a formatting editor
    (toolbar, paste cleaning, character count). Without JavaScript it stays a textarea of HTML.
    The profile names the tags offered, the same as `core.richtext.clean(profile=...)`."""

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, profile: str = "text", rows: int = 8
    ) -> None:
        if profile not in {"text", "article"}:
            raise ValueError(f"unknown rich-text profile {profile!r}")
        self.profile = profile
        super().__init__(attrs={"rows": rows, "data-richtext": profile, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The toolbar's words come from the catalogue, not from the script.
        context["widget"]["attrs"]["data-richtext-labels"] = json.dumps(
            {key: str(label) for key, label in RICHTEXT_LABELS.items()}, ensure_ascii=False
        )
        return context


RICHTEXT_LABELS = {
    "toolbar": _("Formatting"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "underline": _("Underline"),
    "heading": _("Subheading"),
    "ol": _("Numbered list"),
    "ul": _("Bulleted list"),
    "quote": _("Quotation"),
    "undo": _("Undo"),
    "redo": _("Redo"),
    "clear": _("Clear formatting"),
    "image": _("Insert a picture"),
    "images": _("Pictures of this article"),
    "close": _("Close"),
    "count": _("{n} characters"),
    "total": _("In all {n} of at most {max} characters"),
}
