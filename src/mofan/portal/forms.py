from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import RichTextarea
from mofan.portal.models import ArticleState, Column, Topic
from mofan.portal.selectors import topic_tree


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    column = forms.ModelChoiceField(
        label=_("Portal column"), queryset=Column.objects.order_by("position", "id"), required=False
    )
    topic = forms.TypedChoiceField(
        label=_("Special topic"), coerce=int, required=False, empty_value=None
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=RichTextarea(profile="article", rows=14),
        help_text=_(
            "Headings, lists, bold and the pictures of this article are kept; anything else is "
            "removed on saving."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.TypedChoiceField)  # noqa: S101 - declared above
        topic_field.choices = [("", "—")] + [
            (t.pk, "　" * depth + t.name) for t, depth in topic_tree()
        ]

    def clean_topic(self) -> Topic | None:
        pk = self.cleaned_data.get("topic")
        if pk is None:
            return None
        topic = Topic.objects.filter(pk=pk).first()
        if topic is None:
            raise forms.ValidationError(_("Choose a special topic of this portal."))
        return topic


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("publish", _("Publish")),
            ("return", _("Return for changes")),
            ("unpublish", _("Unpublish")),
        ]
    )
    at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to publish now; a future time schedules the article."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImageForm(forms.Form):
    file = forms.FileField(
        label=_("Picture (JPG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ColumnForm(forms.Form):
    name = forms.CharField(label=_("Column name"), max_length=50)


class TopicForm(forms.Form):
    path = forms.CharField(
        label=_("Special topic"),
        max_length=300,
        help_text=_("Nested names separated by “>”, e.g. 本网专题 > 2022 > 互联网+普法宣传."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=50, required=False)


STATE_FILTER = [("", _("All"))] + list(ArticleState.choices)
