from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import DatePicker, DateTimePicker, TreePicker, fill_picker
from mofan.orgs.models import PartnerUnit
from mofan.orgs.selectors import org_choices
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import ActivityKind, EvaluationGrade, VolunteerTeam

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _datetime(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )


class ActivityForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organised by"), coerce=int, widget=TreePicker())
    kind = forms.ModelChoiceField(
        label=_("Kind"), queryset=ActivityKind.objects.filter(archived_at__isnull=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    partner = forms.ModelChoiceField(
        label=_("Community or partner served"),
        required=False,
        queryset=PartnerUnit.objects.filter(archived_at__isnull=True),
    )
    team = forms.ModelChoiceField(
        label=_("Volunteer team"), required=False, queryset=VolunteerTeam.objects.all()
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = _datetime(_("Starts at"))
    ends_at = _datetime(_("Ends at"))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    signup_deadline = _datetime(_("Sign-up closes"), required=False)
    cancel_deadline = _datetime(_("Cancellations close"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE)
        ids = [pk for pk, _label in choices]
        self.fields["partner"].queryset = PartnerUnit.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True, org_id__in=ids
        ).order_by("name")
        self.fields["team"].queryset = VolunteerTeam.objects.filter(org_id__in=ids)  # type: ignore[attr-defined]
        self.fields["signup_deadline"].help_text = _("Empty: until the start.")
        self.fields["cancel_deadline"].help_text = _("Empty: when sign-up closes.")


class TimesForm(forms.Form):
    checked_in_at = _datetime(_("Checked in at"), required=False)
    checked_out_at = _datetime(_("Checked out at"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)


class HoursCorrectForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CertificateForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Issued by"), coerce=int, widget=TreePicker())
    period_from = forms.DateField(label=_("From"), widget=DatePicker())
    period_to = forms.DateField(label=_("To"), widget=DatePicker())
    person_in_charge = forms.CharField(label=_("Person in charge"), max_length=50)
    handler = forms.CharField(label=_("Handled by"), max_length=50)
    handler_contact = forms.CharField(label=_("Handler's contact"), max_length=50)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE)


class CertificateCheckForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=30)
    code = forms.CharField(label=_("Check code"), max_length=12)


class WishForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=PartnerUnit.objects.none(), empty_label=None
    )
    beneficiary = forms.CharField(
        label=_("Beneficiary"),
        max_length=50,
        help_text=_("Shown to the public only as the family name, e.g. 王**."),
    )
    title = forms.CharField(label=_("Wish"), max_length=100)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    estimated_value = forms.DecimalField(
        label=_("Estimated value (yuan)"), min_value=0, max_digits=8, decimal_places=2
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DatePicker())
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class FulfilForm(forms.Form):
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), widget=DatePicker())
    note = forms.CharField(
        label=_("How it was fulfilled"), widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )


class StatisticsForm(forms.Form):
    org = forms.IntegerField(label=_("Organisation and below"), required=False, widget=TreePicker())
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args: Any, actor: Any, chosen: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (str(year), _("This year (%(year)d)") % {"year": year}),
            (str(year - 1), _("Last year (%(year)d)") % {"year": year - 1}),
            ("last12", _("The last twelve months")),
        ]
        choices = [(chosen.pk, chosen.name)] if chosen is not None else []
        fill_picker(
            self.fields["org"],
            choices,
            permission=perms.VIEW,
            blank=str(_("All in my scope")),
            lazy=True,
        )


class TeamForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=TreePicker())
    name = forms.CharField(label=_("Name of the team"), max_length=100)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE)


class HoursRuleForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DatePicker())
    presence_threshold = forms.IntegerField(
        label=_("Presence needed (per cent of the planned time)"), min_value=10, max_value=100
    )
    star_hours = forms.CharField(
        label=_("Hours for one to five stars"),
        help_text=_("Five numbers separated by commas, e.g. 100,300,600,1000,1500."),
    )
    open_claims_per_member = forms.IntegerField(
        label=_("Open wish claims per member"), min_value=1, max_value=20
    )
    registration_hours_target = forms.IntegerField(
        label=_("Yearly hours expected of a member registered with a community"),
        help_text=_("0: no target."),
        min_value=0,
        max_value=500,
        initial=0,
        required=False,
    )

    def clean_star_hours(self) -> list[int]:
        raw = self.cleaned_data["star_hours"].replace("，", ",").replace(" ", "")
        try:
            return [int(part) for part in raw.split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError(_("Use whole numbers separated by commas.")) from exc


class TaskAssignForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=100)
    detail = forms.CharField(label=_("Details"), required=False, max_length=2000)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DatePicker())


class TaskReportForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )
    report = forms.CharField(label=_("What I did"), max_length=2000)


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    grade = forms.ChoiceField(label=_("Grade"), choices=EvaluationGrade.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)
