from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    DEFAULT_CATEGORIES,
    DEFAULT_SCORE_CATEGORIES,
    DEFAULT_SECTIONS,
    DEFAULT_TIERS,
    MAX_SCORE,
    Campaign,
    SubmissionFile,
)
from mofan.core.widgets import DateTimePicker, RichTextarea, TreePicker, fill_picker
from mofan.orgs.selectors import org_choices

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("、", "\n").splitlines() if line.strip()]


def _pairs(text: str, field: str) -> list[tuple[str, Decimal]]:
    """Lines of "name number" (创新性 30, 最佳 10%)."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip().rstrip("%％").strip()
        if not line:
            continue
        name, _sep, number = line.rpartition(" ")
        try:
            value = Decimal(number.strip())
        except InvalidOperation as exc:
            raise forms.ValidationError(
                _("Write one per line: a name, a space and a number.")
            ) from exc
        rows.append((name.strip(), value))
    return rows


class CampaignForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Opened by"), coerce=int, widget=TreePicker())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Call text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=DateTimePicker(), input_formats=DATETIME_FORMATS
    )
    categories = forms.CharField(
        label=_("Categories"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    sections = forms.CharField(
        label=_("Required sections"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in order."),
    )
    quota = forms.IntegerField(label=_("Cases per organisation"), min_value=1, max_value=50)
    max_chars = forms.IntegerField(
        label=_("Length limit (characters)"), min_value=100, max_value=100000
    )
    attachments_allowed = forms.BooleanField(label=_("Attachments allowed"), required=False)
    score_categories = forms.CharField(
        label=_("Score criteria and weights"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the criterion, a space, its weight."),
    )
    tiers = forms.CharField(
        label=_("Awards and their shares in percent"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, best first: the award, a space, its share of the ranked cases."),
    )

    def __init__(self, *args: Any, actor: Any, campaign: Campaign | None = None, **kwargs: Any):
        if campaign is None:
            kwargs.setdefault(
                "initial",
                {
                    "categories": "\n".join(DEFAULT_CATEGORIES),
                    "sections": "\n".join(DEFAULT_SECTIONS),
                    "quota": 1,
                    "max_chars": 3000,
                    "attachments_allowed": True,
                    "score_categories": "\n".join(f"{n} {w}" for n, w in DEFAULT_SCORE_CATEGORIES),
                    "tiers": "\n".join(f"{t['name']} {t['share']}" for t in DEFAULT_TIERS),
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "title": campaign.title,
                    "description": campaign.description,
                    "deadline": campaign.deadline,
                    "categories": "\n".join(campaign.categories),
                    "sections": "\n".join(campaign.sections),
                    "quota": campaign.quota,
                    "max_chars": campaign.max_chars,
                    "attachments_allowed": campaign.attachments_allowed,
                    "score_categories": "\n".join(
                        f"{c.name} {c.weight.normalize():f}"
                        for c in campaign.score_categories.all()
                    ),
                    "tiers": "\n".join(f"{t['name']} {t['share']:g}" for t in campaign.tiers),
                },
            )
        super().__init__(*args, **kwargs)
        if campaign is None:
            fill_picker(
                self.fields["org"],
                org_choices(actor=actor, permission=perms.MANAGE),
                permission=perms.MANAGE,
            )
        else:
            del self.fields["org"]

    def clean_score_categories(self) -> list[tuple[str, Decimal]]:
        return _pairs(self.cleaned_data["score_categories"], "score_categories")

    def clean_tiers(self) -> list[dict[str, Any]]:
        return [{"name": n, "share": v} for n, v in _pairs(self.cleaned_data["tiers"], "tiers")]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("org", None)
        data["categories"] = _lines(data["categories"])
        data["sections"] = _lines(data["sections"])
        return data


class SubmissionForm(forms.Form):
    """The case: one text box per required section of the campaign (sanitised on save)."""

    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Reviewers score blind: do not name your organisation or yourself."),
    )

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        orgs: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].choices = [(o.pk, o.name) for o in orgs]  # type: ignore[attr-defined]
        self.fields["category"].choices = [(c, c) for c in campaign.categories]  # type: ignore[attr-defined]
        for i, heading in enumerate(campaign.sections):
            self.fields[f"section_{i}"] = forms.CharField(
                label=heading,
                required=False,
                widget=RichTextarea(
                    attrs={"data-count": "chars", "data-count-max": campaign.max_chars}, rows=8
                ),
                help_text=_(
                    "Paragraphs, bold, lists and headings are kept; other markup is removed."
                ),
            )

    def section_texts(self) -> dict[str, str]:
        return {
            heading: self.cleaned_data.get(f"section_{i}", "")
            for i, heading in enumerate(self.campaign.sections)
        }


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubmissionFile.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
        help_text=_(
            "Photos: JPG or PNG; attachments: PDF, DOCX, JPG or PNG. The review is blind: files "
            "must not show the name of your unit or of any person. PDF and DOCX files that name "
            "them are refused; photos cannot be read, so check them yourself. What cameras and "
            "office programs record about the author is removed."
        ),
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        fields: dict[str, forms.Field] = {}
        for category in categories:
            fields[f"score_{category.pk}"] = forms.DecimalField(
                label=_("%(name)s (weight %(weight)s)")
                % {"name": category.name, "weight": format(category.weight.normalize(), "f")},
                min_value=0,
                max_value=MAX_SCORE,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            fields[f"note_{category.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": category.name},
                required=False,
                max_length=500,
            )
        comment = self.fields.pop("comment")
        self.fields.update(fields)
        self.fields["comment"] = comment

    def scores(self) -> dict[int, tuple[Decimal, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data.get(f"note_{c.pk}", ""))
            for c in self.categories
        }


class ArticleForm(forms.Form):
    """Turn the cases selected for publication into one draft portal article."""

    cases = forms.TypedMultipleChoiceField(
        label=_("Cases"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    topic = forms.CharField(
        label=_("Special topic"),
        max_length=300,
        required=False,
        help_text=_("The path of the topic, its levels separated by >, e.g. 本网专题 > 2022."),
    )
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"cases": [c.pk for c in cases]})
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.code} {c.title}（{c.org.name}）") for c in cases
        ]

    def topic_path(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data["topic"].replace("＞", ">").split(">")]
