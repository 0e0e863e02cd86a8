"""The public portal (M13): columns (栏目), special topics (专题, nested), articles with their
revisions and images, and the number that versions the public pages' cache."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mofan.core.models import StoredFile


class Column(models.Model):
    """栏目, e.g. 要闻动态. `org` is the organisation that runs the portal (the 工委)."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="portal_columns",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="column_name_once")]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """专题, nested by parent: 本网专题 > 2022 > 互联网+普法宣传."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="portal_topics",
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("special topic")
        verbose_name_plural = _("special topics")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "parent", "name"],
                condition=models.Q(parent__isnull=False),
                name="topic_name_once_under_parent",
            ),
            models.UniqueConstraint(
                fields=["org", "name"],
                condition=models.Q(parent__isnull=True),
                name="topic_name_once_at_top",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; not public
    REVIEW = "review", _("In review")  # submitted; waits for a publisher
    # to be published at published_at; not public yet
    SCHEDULED = "scheduled", pgettext_lazy("article", "Scheduled")
    PUBLISHED = "published", _("Published")  # public from published_at on
    UNPUBLISHED = "unpublished", _("Unpublished")  # withdrawn from the portal; can be resubmitted


class Article(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="portal_articles",
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    body = models.TextField(_("body"), blank=True)  # sanitised HTML
    column = models.ForeignKey(
        Column,
        verbose_name=_("column"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("special topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    # When it went public, or (scheduled) when it will.
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    audio = models.FileField(_("read-aloud audio"), upload_to="portal/audio/", blank=True)
    audio_engine = models.CharField(_("speech engine"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["state", "published_at"], name="article_public_idx"),
            models.Index(fields=["column", "state", "published_at"], name="article_column_idx"),
            models.Index(fields=["topic", "state", "published_at"], name="article_topic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["scheduled", "published"])
                | models.Q(published_at__isnull=False),
                name="article_public_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """Every save of an article keeps one revision (numbered from 1)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    body = models.TextField(_("body"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    scope_field = "article__org"

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.number}"


class ArticleImage(StoredFile):
    """A photo of an article, checked by `core.uploads`; shown under the body."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images"
    )
    file = models.FileField(_("file"), upload_to="portal/images/%Y/", max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    scope_field = "article__org"

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return self.caption or self.name


class ArticleSearch(models.Model):
    """The jieba-segmented text of an article (space-separated words) for PostgreSQL full-text
    search; migration 0002 adds the weighted tsvector column and its GIN index there. On SQLite
    the FTS5 table `portal_search` holds the same text instead."""

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search",
    )
    title_words = models.TextField(_("title words"))
    body_words = models.TextField(_("body words"))

    class Meta:
        verbose_name = _("search text")
        verbose_name_plural = _("search texts")

    def __str__(self) -> str:
        return str(self.article_id)


class PublicVersion(models.Model):
    """One row: bumped by every change to what the public sees, so cached public pages of an
    older version are never served again (all processes read it from the database)."""

    number = models.PositiveBigIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("public version")
        verbose_name_plural = _("public versions")

    def __str__(self) -> str:
        return str(self.number)
