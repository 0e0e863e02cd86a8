from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import TreePicker, fill_picker
from mofan.lawedu import permissions as perms
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
        label=_("Change"),
        help_text=_("Add with a plain number (5), take away with a minus sign (-5)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ThresholdForm(forms.Form):
    low_stock_at = forms.IntegerField(label=_("Warn at or below"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
