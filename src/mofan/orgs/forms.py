from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import DatePicker, TreePicker, fill_picker
from mofan.orgs import permissions as perms
from mofan.orgs.models import Organ, OrgKind, PartnerKind, SeatPosition
from mofan.orgs.selectors import org_choices

DATE = DatePicker()


class OrgCreateForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("Parent organisation"), coerce=int, widget=TreePicker())
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in OrgKind.choices if c[0] != OrgKind.WORK_COMMITTEE]
    )
    organ = forms.ModelChoiceField(
        label=_("Organ"),
        required=False,
        queryset=Organ.objects.filter(archived_at__isnull=True),
        help_text=_("Left empty, the parent's organ is used."),
    )
    is_joint = forms.BooleanField(label=_("Joint branch"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE)
        fill_picker(self.fields["parent"], choices, permission=perms.MANAGE)


class OrgUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    organ = forms.ModelChoiceField(
        label=_("Organ"), required=False, queryset=Organ.objects.filter(archived_at__isnull=True)
    )
    is_joint = forms.BooleanField(label=_("Joint branch"), required=False)


class OrgMoveForm(forms.Form):
    new_parent = forms.TypedChoiceField(
        label=_("New parent organisation"), coerce=int, widget=TreePicker()
    )

    def __init__(self, *args: Any, actor: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].choices = org_choices(  # type: ignore[attr-defined]
            actor=actor, permission=perms.MANAGE, exclude_subtree_of=org
        )


class OrgArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class SeatForm(forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=SeatPosition.choices)
    holder = forms.TypedChoiceField(label=_("Holder"), coerce=int)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)

    def __init__(self, *args: Any, holders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = holders  # type: ignore[attr-defined]


class SeatEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, initial=timezone.localdate)


class TermForm(forms.Form):
    starts_on = forms.DateField(label=_("Elected on"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Term ends on"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: 5 years for a party committee, 3 for a general branch or branch."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OrganForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    org = forms.TypedChoiceField(label=_("Managing organisation"), coerce=int, widget=TreePicker())

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE_PARTNERS)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE_PARTNERS)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("An .xlsx file of at most 20 MB, laid out like the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
