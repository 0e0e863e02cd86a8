from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.cobuild.models import ProjectMember
from mofan.core.widgets import DatePicker, TreePicker, fill_picker
from mofan.lawedu import permissions as perms
from mofan.lawedu.models import CounsellorTitle
from mofan.lawedu.selectors import person_choices
from mofan.orgs.models import PartnerUnit
from mofan.orgs.selectors import org_choices


class MaterialForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Kept by"), coerce=int, widget=TreePicker())
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.CharField(label=_("Unit"), max_length=10, initial="本")
    stock = forms.IntegerField(label=_("In stock now"), min_value=0, initial=0)
    low_stock_at = forms.IntegerField(label=_("Warn at or below"), min_value=0, initial=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE)


class ReceiveForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AdjustForm(forms.Form):
    delta = forms.IntegerField(
        label=_("Change in stock"),
        help_text=_("Add with a plain number (5), take away with a minus sign (-5)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ThresholdForm(forms.Form):
    low_stock_at = forms.IntegerField(label=_("Warn at or below"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def issue_form(materials: list[Any], data: Any = None) -> forms.Form:
    """One quantity per handout in stock (blank or 0: none of it)."""
    form = forms.Form(data)
    for material in materials:
        form.fields[f"qty_{material.pk}"] = forms.IntegerField(
            label=f"{material.name}（{material.org.name}，"
            + str(_("%(n)s in stock") % {"n": material.stock})
            + "）",
            min_value=0,
            max_value=100000,
            required=False,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
        )
    return form


class MockTrialForm(forms.Form):
    case_title = forms.CharField(label=_("Case title"), max_length=100)
    case_summary = forms.CharField(
        label=_("Case summary"), widget=forms.Textarea(attrs={"rows": 4})
    )
    script = forms.CharField(
        label=_("Script"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The judgment pronounced and what the pupils took from it."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Script, judgment or photo (PDF, JPG, PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class AppointmentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=ProjectMember.objects.none())
    partner = forms.ModelChoiceField(
        label=_("School or partner"),
        queryset=PartnerUnit.objects.filter(archived_at__isnull=True).order_by("kind", "name"),
    )
    title = forms.ChoiceField(label=_("Appointed as"), choices=CounsellorTitle.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DatePicker())
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DatePicker(),
        help_text=_("Leave empty for the usual term (five years)."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = person_choices(actor=actor)  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: (  # type: ignore[attr-defined]
            f"{p.name}（{p.unit or p.project.name}{'，' + p.role if p.role else ''}）"
        )


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), max_length=200)
