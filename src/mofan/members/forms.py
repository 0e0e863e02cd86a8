from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mofan.core.widgets import DatePicker, TreePicker, fill_picker
from mofan.members import permissions as perms
from mofan.members.models import ArchiveReason, Education, Gender, MemberStatus
from mofan.members.rules import AGE_BANDS, STANDING_BANDS
from mofan.orgs.models import Organ, Organisation, OrgKind
from mofan.orgs.selectors import org_choices, org_ref

DATE = DatePicker()
ANY = [("", _("Any"))]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, pinyin, initials, ID or mobile number"), required=False)
    # Any id may come back; the view resolves it within the scope (404 otherwise), so the
    # form need not read the whole tree to validate it.
    org = forms.IntegerField(label=_("Organisation and below"), required=False, widget=TreePicker())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ANY + list(MemberStatus.choices)
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=ANY + list(Gender.choices)
    )
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=ANY + [(k, label) for k, label, _a, _b in AGE_BANDS]
    )
    standing_band = forms.ChoiceField(
        label=_("Party standing"),
        required=False,
        choices=ANY + [(k, label) for k, label, _a, _b in STANDING_BANDS],
    )
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=ANY + list(Education.choices)
    )
    leading_cadre = forms.ChoiceField(
        label=_("Leading cadre"), required=False, choices=ANY + [("1", _("Yes")), ("0", _("No"))]
    )
    archived = forms.BooleanField(label=_("Archived records"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Full name")),
            ("branch", _("Branch")),
            ("age", _("Age, youngest first")),
            ("-age", _("Age, oldest first")),
            ("standing", _("Standing, shortest first")),
            ("-standing", _("Standing, longest first")),
        ],
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = str(self.data.get("org", "")) if self.is_bound else ""
        choices = []
        # The organisation chosen, when the actor may see it: its name for the picker and its
        # path for the list's filter (the view reads it from here, not a second time).
        self.chosen_org: Organisation | None = None
        if chosen.isdigit() and len(chosen) < 12:
            self.chosen_org = org_ref(actor=actor, pk=int(chosen), permission=perms.VIEW)
            if self.chosen_org is not None:
                choices.append((self.chosen_org.pk, self.chosen_org.name))
        fill_picker(
            self.fields["org"],
            choices,
            permission=perms.VIEW,
            blank=str(_("All in my scope")),
            lazy=True,
        )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    org = forms.TypedChoiceField(label=_("Branch"), coerce=int, widget=TreePicker())
    group = forms.TypedChoiceField(
        label=_("Party group"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=ANY + list(Gender.choices),
        help_text=_("Read from the ID number when left empty."),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=ANY + list(Education.choices)
    )
    organ = forms.ModelChoiceField(
        label=_("Organ"), required=False, queryset=Organ.objects.filter(archived_at__isnull=True)
    )
    job_title = forms.CharField(label=_("Job title"), max_length=50, required=False)
    joined_on = forms.DateField(label=_("Joined the party on"), required=False, widget=DATE)
    full_member_on = forms.DateField(label=_("Full member since"), required=False, widget=DATE)
    is_leading_cadre = forms.BooleanField(label=_("Leading cadre"), required=False)
    is_mobile = forms.BooleanField(label=_("Mobile member"), required=False)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = org_choices(actor=actor, permission=perms.MANAGE, kinds={OrgKind.BRANCH})
        groups = org_choices(actor=actor, permission=perms.MANAGE, kinds={OrgKind.GROUP})
        fill_picker(self.fields["org"], branches, permission=perms.MANAGE, kinds={OrgKind.BRANCH})
        self.fields["group"].choices = [("", "—")] + groups  # type: ignore[attr-defined]
        if editing:
            # The branch changes by transfer and the status by 转正, each with its own record.
            for name in ("org", "status"):
                self.fields[name].required = False
                self.fields[name].disabled = True
            self.fields["id_number"].help_text = _("Left empty, the number on record is kept.")
            self.fields["mobile"].help_text = _("Left empty, the number on record is kept.")


class TransferForm(forms.Form):
    to_org = forms.TypedChoiceField(label=_("New branch"), coerce=int, widget=TreePicker())
    transferred_on = forms.DateField(
        label=_("Transferred on"), widget=DATE, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = org_choices(actor=actor, permission=perms.MANAGE, kinds={OrgKind.BRANCH})
        fill_picker(
            self.fields["to_org"], branches, permission=perms.MANAGE, kinds={OrgKind.BRANCH}
        )


class MakeFullForm(forms.Form):
    full_member_on = forms.DateField(
        label=_("Full member since"),
        widget=DATE,
        help_text=_("The date of the branch assembly's resolution."),
    )


class ArchiveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ArchiveReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RosterImportForm(forms.Form):
    org = forms.TypedChoiceField(
        label=_("Import into"),
        coerce=int,
        widget=TreePicker(),
        help_text=_("A branch, or a committee when the file names each member's branch."),
    )
    file = forms.FileField(
        label=_("Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("An .xlsx file of at most 20 MB, laid out like the template."),
    )
    update_existing = forms.BooleanField(
        label=_("Update members already registered (matched by ID number)"), required=False
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = {
            OrgKind.BRANCH,
            OrgKind.GENERAL_BRANCH,
            OrgKind.PARTY_COMMITTEE,
            OrgKind.WORK_COMMITTEE,
        }
        choices = org_choices(actor=actor, permission=perms.MANAGE, kinds=kinds)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE, kinds=kinds)


class LinkUserForm(forms.Form):
    username = forms.CharField(
        label=_("Login username"),
        max_length=150,
        required=False,
        help_text=_("The member signs in with this account; leave empty to unlink."),
    )
