from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import DateTimePicker, RichTextarea, TreePicker, fill_picker
from mofan.members.models import Member
from mofan.orgs.selectors import org_choices
from mofan.study import permissions as perms
from mofan.study.models import StudyKind
from mofan.study.rules import GROUP_ORG_KINDS, age_on

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _org_field(form: forms.Form, actor: Any) -> None:
    kinds = set(GROUP_ORG_KINDS)
    choices = org_choices(actor=actor, permission=perms.MANAGE, kinds=kinds)
    fill_picker(form.fields["org"], choices, permission=perms.MANAGE, kinds=kinds)


class GroupForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=TreePicker())
    kind = forms.ChoiceField(label=_("Kind"), choices=StudyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _org_field(self, actor)


class MembersForm(forms.Form):
    """Choose members to add; each option shows the age, which the youth group limits."""

    members = forms.TypedMultipleChoiceField(
        label=_("Members to add"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = []
        for person in candidates:
            age = age_on(person.birth_date, today)
            label = person.full_name if age is None else f"{person.full_name}（{age}）"
            choices.append((person.pk, label))
        self.fields["members"].choices = choices  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    materials = forms.CharField(
        label=_("Study materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is studied: documents, speeches, chapters."),
    )


class SpeechForm(forms.Form):
    speaker = forms.TypedChoiceField(label=_("Speaker"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=RichTextarea(rows=6),
        help_text=_("Paragraphs, lists and bold text are kept; anything else is removed."),
    )

    def __init__(self, *args: Any, speakers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = [("", "—"), *speakers]  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=TreePicker())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
            del self.fields["year"]
        else:
            _org_field(self, actor)
