"""Case campaigns (M12, 案例征集): a work committee calls for cases, the organisations below it
submit them, assigned experts score them blind, and the committee ranks them and decides the
awards and which are published (DOMAIN_RULES.md §7)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mofan.core.models import StoredFile

DEFAULT_CATEGORIES = ["调研课题论文", "党建+业务", "共驻共建"]
DEFAULT_SECTIONS = ["背景与起因", "做法与经过", "成效与反响"]
DEFAULT_SCORE_CATEGORIES = [("创新性", 30), ("实效性", 30), ("示范性", 20), ("文字质量", 20)]
DEFAULT_TIERS = [{"name": "最佳", "share": 10}, {"name": "优秀", "share": 20}]
MAX_SCORE = 100


class CampaignPhase(models.TextChoices):
    OPEN = "open", _("collecting cases")  # organisations draft, submit and withdraw
    REVIEWING = "reviewing", _("reviewing")  # codes given, experts score blind
    DECIDING = "deciding", _("committee decision")  # scores closed, ranking shown
    DECIDED = "decided", _("decided")  # awards and publication recorded


# The phase changes are declared once, in `campaigns/workflows.py` (`CAMPAIGN`).


class Campaign(models.Model):
    """案例征集 opened by a committee (`org`); the organisations of its subtree may submit."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    categories = models.JSONField(_("categories"), default=list)
    sections = models.JSONField(_("required sections"), default=list)
    quota = models.PositiveSmallIntegerField(
        _("cases per organisation"), default=1, validators=[MinValueValidator(1)]
    )
    max_chars = models.PositiveIntegerField(
        _("length limit (characters)"), default=3000, validators=[MinValueValidator(100)]
    )
    attachments_allowed = models.BooleanField(_("attachments allowed"), default=True)
    deadline = models.DateTimeField(_("deadline"))
    tiers = models.JSONField(_("award tiers"), default=list)
    phase = models.CharField(
        _("phase"), max_length=20, choices=CampaignPhase.choices, default=CampaignPhase.OPEN
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case campaign")
        verbose_name_plural = _("case campaigns")
        ordering = ["-deadline", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="campaign_quota_min"),
        ]

    def __str__(self) -> str:
        return self.title


class ScoreCategory(models.Model):
    """A weighted criterion of a campaign (创新性 30 …); scores run from 0 to 100."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="score_categories",
    )
    name = models.CharField(_("name"), max_length=50)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_field = "campaign__org"

    class Meta:
        verbose_name = _("score category")
        verbose_name_plural = _("score categories")
        ordering = ["campaign", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="score_category_once"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("draft")  # being written; counts against the quota
    SUBMITTED = "submitted", _("submitted")  # handed in; counts against the quota
    WITHDRAWN = "withdrawn", _("withdrawn")  # taken back before the deadline; may be resubmitted


class Submission(models.Model):
    """One case of an organisation. `sections` is a list of {"heading", "html"} in the order of
    the campaign's sections; the HTML is sanitised on save. `code` (A-07) is what reviewers see
    instead of the organisation; it is drawn at random when the review starts."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="submissions"
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="campaign_submissions",
    )
    category = models.CharField(_("category"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)
    text_length = models.PositiveIntegerField(_("length (characters)"), default=0)
    state = models.CharField(
        _("state"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    code = models.CharField(_("anonymous code"), max_length=10, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    tier = models.CharField(_("award"), max_length=50, blank=True)
    for_publication = models.BooleanField(_("selected for publication"), default=False)
    article = models.ForeignKey(
        "portal.Article",
        verbose_name=_("published in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_cases",
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["campaign", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"],
                condition=~models.Q(code=""),
                name="submission_code_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionVersion(models.Model):
    """Every save and every submission leaves one of these; nothing is overwritten."""

    class Action(models.TextChoices):
        SAVE = "save", _("saved")
        SUBMIT = "submit", _("submitted")
        WITHDRAW = "withdraw", _("withdrawn")

    submission = models.ForeignKey(
        Submission, verbose_name=_("case"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    category = models.CharField(_("category"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)
    text_length = models.PositiveIntegerField(_("length (characters)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    scope_field = "submission__org"

    class Meta:
        verbose_name = _("case version")
        verbose_name_plural = _("case versions")
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


class SubmissionFile(StoredFile):
    """A photo or an attachment of a case. Reviewers get it under a neutral name."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        ATTACHMENT = "attachment", _("attachment")

    submission = models.ForeignKey(
        Submission, verbose_name=_("case"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="campaigns/%Y/", max_length=200)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    scope_field = "submission__org"

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["submission", "id"]

    @property
    def extension(self) -> str:
        name = self.file.name or ""
        return "." + name.rsplit(".", 1)[-1] if "." in name else ""


class Review(models.Model):
    """One expert's assignment to one case, and their scores once given."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("case"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="campaign_reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    comment = models.TextField(_("overall comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    total = models.DecimalField(
        _("weighted score"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    scope_field = "submission__campaign__org"

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.submission.code} · {self.reviewer_id}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    category = models.ForeignKey(
        ScoreCategory, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    scope_field = "review__submission__campaign__org"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "category"], name="score_once"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=MAX_SCORE),
                name="score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.value}"
