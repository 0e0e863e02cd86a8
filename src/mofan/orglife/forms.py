from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import DatePicker, DateTimePicker, RichTextarea, TreePicker, fill_picker
from mofan.orglife import permissions as perms
from mofan.orglife.models import AttendanceStatus, MeetingKind
from mofan.orgs.models import OrgKind
from mofan.orgs.selectors import org_choices

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MeetingForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=TreePicker())
    # Study sessions are scheduled from the study app, with their study group.
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in MeetingKind.choices if k != MeetingKind.STUDY_SESSION],
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = {OrgKind.BRANCH, OrgKind.GROUP}
        choices = org_choices(actor=actor, permission=perms.MANAGE_MEETINGS, kinds=kinds)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE_MEETINGS, kinds=kinds)


class AttendanceForm(forms.Form):
    member = forms.IntegerField()
    status = forms.ChoiceField(
        choices=[
            (s, label) for s, label in AttendanceStatus.choices if s != AttendanceStatus.EXPECTED
        ]
    )
    leave_reason = forms.CharField(max_length=200, required=False)


class MinutesForm(forms.Form):
    # Any id may come back: the service checks the person belongs to the meeting.
    host = forms.IntegerField(label=_("Host"), required=False, widget=forms.Select())
    recorder = forms.IntegerField(label=_("Recorder"), required=False, widget=forms.Select())
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=RichTextarea(rows=12),
        help_text=_("Paragraphs, lists and bold text are kept; anything else is removed."),
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Not recorded")), *people]
        self.fields["host"].widget.choices = choices
        self.fields["recorder"].widget.choices = choices
        self.fields["host"].help_text = _("An attendee or a member of the branch.")


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), max_length=500)
    votes_for = forms.IntegerField(label=_("For"), min_value=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the record is returned: say what needs correcting."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Photos (JPEG, PNG) or PDF, up to 10 MB: the sign-in sheet, scenes, documents."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class AppraisalOpenForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Branch"), coerce=int, widget=TreePicker())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = {OrgKind.BRANCH}
        choices = org_choices(actor=actor, permission=perms.MANAGE_MEETINGS, kinds=kinds)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE_MEETINGS, kinds=kinds)


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Self-assessment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your study, work and conduct this year, shortcomings and what you will do."),
    )


class HeartTalkForm(forms.Form):
    initiator = forms.TypedChoiceField(label=_("Talked"), coerce=int)
    counterpart = forms.TypedChoiceField(label=_("With"), coerce=int)
    talked_on = forms.DateField(label=_("Date"), widget=DatePicker())
    summary = forms.CharField(
        label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiator"].choices = people  # type: ignore[attr-defined]
        self.fields["counterpart"].choices = people  # type: ignore[attr-defined]


class TalkFilterForm(forms.Form):
    # Any id may come back; the view resolves it within the scope (404 otherwise).
    org = forms.IntegerField(label=_("Branch"), required=False, widget=TreePicker())
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, actor: Any, chosen: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(chosen.pk, chosen.name)] if chosen is not None else []
        fill_picker(
            self.fields["org"],
            choices,
            permission=perms.VIEW,
            kinds={OrgKind.BRANCH},
            blank=str(_("All in my scope")),
            lazy=True,
        )
