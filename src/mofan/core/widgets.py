import json
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
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


# Django renders every widget, and every <option> of a select, through its template engine: a
# filter form with a few selects costs several milliseconds per page. The two widget shapes the
# layout uses most (a select with the stock templates, an <input>) are written here in one pass
# of string building instead, producing the same markup (tests/core/test_widget_html.py compares
# them with Django's own rendering).
_SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def _esc(value: Any) -> str:
    # As the template engine's autoescape: a value already marked safe stays as it is. (What
    # `conditional_escape` does, without its lazy-argument wrapper: called once per option.)
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value))


def _attrs_html(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False drops the attribute, True writes its name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def widget_html(field: forms.BoundField, attrs: dict[str, Any]) -> SafeString:
    """A bound field's widget as `field.as_widget(attrs=attrs)` renders it."""
    widget = field.field.widget
    stock_select = (
        isinstance(widget, forms.Select)
        and (widget.template_name, widget.option_template_name) == _SELECT_TEMPLATES
    )
    stock_input = (
        isinstance(widget, Input)
        and widget.template_name == f"django/forms/widgets/{widget.input_type}.html"
        and widget.input_type not in {"checkbox", "radio", "file"}
    )
    own_render = type(widget).render is not forms.Widget.render  # e.g. TreePicker
    if not (stock_select or stock_input) or own_render or field.field.localize:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(dict(attrs), widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = _esc(context["name"])
    if stock_input:
        value = context["value"]
        shown = "" if value is None else f' value="{_esc(value)}"'
        rest = f"{shown}{_attrs_html(context['attrs'])}"
        return mark_safe(f'<input type="{context["type"]}" name="{name}"{rest}>')  # noqa: S308 - every part escaped above
    parts = [f'<select name="{name}"{_attrs_html(context["attrs"])}>']
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{_esc(group_name)}">')
        parts.extend(
            f'<option value="{_esc(option["value"])}"{_attrs_html(option["attrs"])}>'
            f"{_esc(option['label'])}</option>"
            for option in group_choices
        )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


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
