from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mofan.core import permissions as perms
from mofan.core.models import Notice
from mofan.core.widgets import DatePicker, TreePicker, fill_picker
from mofan.orgs.models import Organisation
from mofan.orgs.selectors import org_choices


class NoticeForm(forms.Form):
    sender_org = forms.TypedChoiceField(
        label=_("Sending organisation"), coerce=int, widget=TreePicker()
    )
    org = forms.TypedChoiceField(
        label=_("Addressed to"),
        coerce=int,
        widget=TreePicker(),
        help_text=_("Everyone in this organisation and below it receives the notice."),
    )
    audience = forms.ChoiceField(
        label=pgettext_lazy("notice", "Audience"),
        choices=Notice.Audience.choices,
        initial=Notice.Audience.PARTY,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Partner units: the contacts of the partner units these organisations manage. "
            "Party members only see what is addressed to them."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.SEND_NOTICE)
        fill_picker(self.fields["sender_org"], choices, permission=perms.SEND_NOTICE)
        fill_picker(self.fields["org"], choices, permission=perms.SEND_NOTICE)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        orgs = Organisation.objects.in_bulk([data["sender_org"], data["org"]])
        return {
            "sender_org": orgs[data["sender_org"]],
            "org": orgs[data["org"]],
            "title": data["title"],
            "body": data["body"],
            "audience": data.get("audience") or Notice.Audience.PARTY,
        }


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False)
    actor_name = forms.CharField(label=_("Actor"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DatePicker())
    until = forms.DateField(label=_("To"), required=False, widget=DatePicker())
