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


class TreeMultiPicker(TreePicker):
    """The organisation picker for several organisations: a `<select multiple>` that mofan.js
    turns into a search box with the chosen organisations shown as removable chips. Like the
    single picker, a long list is fetched after load (only the chosen options are in the page);
    the form still checks every choice on the server against the user's scope."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "data-multipicker": "1",
            "data-filter-placeholder": _("Type to search, then choose"),
            "data-remove-label": _("Remove"),
            "data-no-match": _("No match"),
            "data-loading": _("Loading…"),
            "size": 6,
        }
        forms.Select.__init__(self, attrs={**base, **(attrs or {})})
        self.options_url = ""
        self.always_lazy = False

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        # The opening tag ends at the first ">" (every attribute value is escaped).
        return mark_safe(html.replace(">", " multiple>", 1))  # noqa: S308

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty multiple select sends nothing, yet it was not left out


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
