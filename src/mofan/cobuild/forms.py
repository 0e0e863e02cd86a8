from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mofan.cobuild import extensions
from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    MenuTopic,
    OrderFormat,
    ProjectKind,
    ProjectMember,
    ServiceProject,
)
from mofan.core.paths import subtree_q
from mofan.core.widgets import (
    DatePicker,
    DateTimePicker,
    RichTextarea,
    TreeMultiPicker,
    TreePicker,
    fill_picker,
)
from mofan.members.models import Member
from mofan.orgs.models import Organisation, OrgKind, PartnerUnit
from mofan.orgs.selectors import org_choices

# The organisations that sign agreements (not party groups).
PARTY_KINDS = {
    OrgKind.WORK_COMMITTEE,
    OrgKind.PARTY_COMMITTEE,
    OrgKind.LEADING_GROUP,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
}


class AgreementForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Kept by"), coerce=int, widget=TreePicker())
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), widget=DatePicker())
    ends_on = forms.DateField(label=_("Ends on"), widget=DatePicker())
    party_orgs = forms.TypedMultipleChoiceField(
        label=_("Party organisations"),
        coerce=int,
        widget=TreeMultiPicker(),
        help_text=_("Type part of a name and choose; each choice can be removed with its ×."),
    )
    party_partners = forms.ModelMultipleChoiceField(
        label=_("Partner units"),
        required=False,
        queryset=PartnerUnit.objects.filter(archived_at__isnull=True).order_by("name"),
        # The same search-and-chips picker as the party organisations (the units are a flat
        # list, written into the page).
        widget=TreeMultiPicker(attrs={"data-no-match": _("No matching unit")}),
        help_text=_("Type part of a name and choose; each choice can be removed with its ×."),
    )
    summary = forms.CharField(
        label=pgettext_lazy("agreement", "Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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
        parties = org_choices(actor=actor, permission=perms.VIEW, kinds=PARTY_KINDS)
        fill_picker(self.fields["party_orgs"], parties, permission=perms.VIEW, kinds=PARTY_KINDS)


class JointMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DatePicker())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = forms.CharField(label=_("Attendees"), max_length=500)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=RichTextarea(rows=6))
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# ── Service projects, demands and orders ──

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ProjectForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Owning organisation"), coerce=int, widget=TreePicker())
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    formats = forms.MultipleChoiceField(
        label=_("Formats"), choices=OrderFormat.choices, widget=forms.CheckboxSelectMultiple
    )
    team_orgs = forms.TypedMultipleChoiceField(
        label=_("Team organisations"),
        coerce=int,
        required=False,
        widget=TreeMultiPicker(),
        help_text=_("Type part of a name and choose; each choice can be removed with its ×."),
    )
    summary = forms.CharField(
        label=pgettext_lazy("service project", "Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_picker(
            self.fields["org"],
            org_choices(actor=actor, permission=perms.MANAGE),
            permission=perms.MANAGE,
        )
        fill_picker(
            self.fields["team_orgs"],
            org_choices(actor=actor, permission=perms.VIEW),
            permission=perms.VIEW,
        )


class ProjectEditForm(ProjectForm):
    """The project form without the kind (a legal-education project stays one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ProjectMemberForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Party member"), required=False, queryset=Member.objects.none()
    )
    name = forms.CharField(
        label=_("Or an outside professional: name"), max_length=50, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    role = forms.CharField(
        label=_("Role"), max_length=50, required=False, help_text=_("e.g. lawyer, lecturer")
    )
    is_lecturer = forms.BooleanField(label=_("Lecturer"), required=False, initial=True)

    def __init__(self, *args: Any, project: ServiceProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        condition = Q(pk__in=[])
        for path in project.team_orgs.values_list("path", flat=True):
            condition |= subtree_q(path, "org")
        self.fields["member"].queryset = (  # type: ignore[attr-defined]
            Member.objects.filter(condition, archived_at__isnull=True)
            .exclude(project_roles__project=project)
            .select_related("org")
            .order_by("org__path", "full_name")[:500]
        )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Course topic"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lecturers = forms.ModelMultipleChoiceField(
        label=_("Lecturers"),
        required=False,
        queryset=ProjectMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project: ServiceProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lecturers"].queryset = project.team.filter(  # type: ignore[attr-defined]
            left_at__isnull=True
        )


class DemandForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner unit"), queryset=PartnerUnit.objects.none())
    title = forms.CharField(label=_("What is needed"), max_length=100)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.CharField(label=_("Audience"), max_length=100, required=False)
    wanted_by = forms.DateField(label=_("Wanted by"), required=False, widget=DatePicker())

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        if len(partners) == 1:
            self.fields["partner"].initial = partners[0].pk


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.project.name} · {obj.title}"


class OrderForm(forms.Form):
    """点单, laid out for a phone: one column, big controls."""

    partner = forms.ModelChoiceField(label=_("Ordering unit"), queryset=PartnerUnit.objects.none())
    topic = TopicChoiceField(label=_("Course topic"), queryset=MenuTopic.objects.none())
    format = forms.ChoiceField(label=_("Format"), choices=OrderFormat.choices)
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=200,
        required=False,
        help_text=_("e.g. a Wednesday afternoon in the second week of March"),
    )
    audience = forms.CharField(
        label=_("Audience"), max_length=100, help_text=_("e.g. grade 8 pupils and their parents")
    )
    audience_size = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=5000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, partners: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        if len(partners) == 1:
            self.fields["partner"].initial = partners[0].pk
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]


class OrderStepForm(forms.Form):
    """The form of one order step (`workflows.ORDER`, each step's `form`): made with the order,
    with the fields the apps joining the step add (`extensions`), and read back as the step
    service's arguments."""

    step = ""

    def __init__(self, *args: Any, order: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        extensions.add_fields(self, self.step, order)

    def arguments(self) -> dict[str, Any]:
        own = {name: self.cleaned_data.get(name) for name in self.declared_fields}
        return {**own, **extensions.read(self, self.step, self.order)}


class DispatchForm(OrderStepForm):
    step = "dispatch"
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Organisation.objects.none(), empty_label=None
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, order: Any, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        self.fields["team"].queryset = order.project.team_orgs.order_by(  # type: ignore[attr-defined]
            "path"
        )


class ScheduleForm(OrderStepForm):
    step = "schedule"
    scheduled_at = forms.DateTimeField(
        label=_("Date and time of the session"),
        widget=DateTimePicker(),
        input_formats=DATETIME_FORMATS,
    )

    def __init__(self, *args: Any, order: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"scheduled_at": order.scheduled_at})
        super().__init__(*args, order=order, **kwargs)


class PrepareForm(OrderStepForm):
    step = "prepare"
    lesson_plan = forms.FileField(
        label=_("Lesson plan (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )
    slides = forms.FileField(
        label=_("Slides (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )


class DeliverForm(OrderStepForm):
    step = "deliver"
    taught_by = forms.ModelMultipleChoiceField(
        label=_("Who taught"),
        queryset=ProjectMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    attendance = forms.IntegerField(
        label=_("Number attending"),
        min_value=1,
        max_value=5000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, order: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"attendance": order.audience_size})
        super().__init__(*args, order=order, **kwargs)
        self.fields["taught_by"].queryset = order.project.team.filter(  # type: ignore[attr-defined]
            left_at__isnull=True
        )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "taught_by": list(data["taught_by"]),
            "attendance": data["attendance"],
            "photos": [data["photo"]] if data["photo"] else [],
            **extensions.read(self, self.step, self.order),
        }


class ConfirmForm(OrderStepForm):
    step = "confirm"
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeclineForm(OrderStepForm):
    # The service asks for the reason, so that its message stands next to the field.
    step = "decline"
    reason = forms.CharField(label=_("Reason for declining"), max_length=500, required=False)


class CancelForm(OrderStepForm):
    step = "cancel"
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
