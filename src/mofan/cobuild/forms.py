from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.cobuild import permissions as perms
from mofan.core.widgets import DatePicker, TreePicker, fill_picker
from mofan.orgs.models import OrgKind, PartnerUnit
from mofan.orgs.selectors import org_choices


class AgreementForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Kept by"), coerce=int, widget=TreePicker())
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), widget=DatePicker())
    ends_on = forms.DateField(label=_("Ends on"), widget=DatePicker())
    party_orgs = forms.TypedMultipleChoiceField(
        label=_("Party organisations"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or long-press on a phone) to choose several."),
    )
    party_partners = forms.ModelMultipleChoiceField(
        label=_("Partner units"),
        required=False,
        queryset=PartnerUnit.objects.filter(archived_at__isnull=True).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scan = forms.FileField(
        label=_("Signed copy (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE)
        parties = org_choices(
            actor=actor,
            permission=perms.VIEW,
            kinds={
                OrgKind.WORK_COMMITTEE,
                OrgKind.PARTY_COMMITTEE,
                OrgKind.LEADING_GROUP,
                OrgKind.GENERAL_BRANCH,
                OrgKind.BRANCH,
            },
        )
        self.fields["party_orgs"].choices = parties  # type: ignore[attr-defined]


class JointMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DatePicker())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = forms.CharField(label=_("Attendees"), max_length=500)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
