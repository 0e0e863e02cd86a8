"""Writes of the portal: columns, special topics, articles and their editorial workflow
(draft → review → published, scheduled publication, unpublishing), revisions, images and the
read-aloud audio. Every write is audited; every change to what the public sees bumps the
public version, so no cached page outlives it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.deferred import after_commit
from mofan.core.errors import DomainError
from mofan.core.uploads import JPEG, PNG, check_upload
from mofan.orgs.models import Organisation
from mofan.portal import permissions as perms
from mofan.portal import search, speech
from mofan.portal.models import (
    Article,
    ArticleImage,
    ArticleRevision,
    ArticleState,
    Column,
    PublicVersion,
    Topic,
)
from mofan.portal.text import plain_text
from mofan.portal.workflows import ARTICLE

S = ArticleState

PUBLIC_STATES = frozenset({S.PUBLISHED, S.SCHEDULED})  # a change to these is seen outside


def allowed_actions(article: Article) -> list[str]:
    """The steps the article's state allows (the page asks separately who may take them);
    `release` is the periodic task's."""
    return [s.name for s in ARTICLE.steps if article.state in s.sources and s.name != "release"]


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def portal_org() -> Organisation:
    """The organisation that runs the portal: the work committee at the top of the tree."""
    org = Organisation.objects.filter(depth=1).order_by("path").first()
    if org is None:
        raise DomainError(_("Set up the work committee before the portal."))
    return org


def public_version_bump() -> None:
    """Make every cached public page stale (a conditional UPDATE: concurrent bumps add up)."""
    if not PublicVersion.objects.filter(pk=1).update(number=F("number") + 1):
        PublicVersion.objects.get_or_create(pk=1, defaults={"number": 2})


@transaction.atomic
def column_ensure(actor: Any, name: str, *, position: int = 0) -> Column:
    """The column of that name, created when missing (idempotent)."""
    org = portal_org()
    access.require(actor, perms.EDIT, org)
    name = _clean(name, 50)
    if not name:
        raise DomainError({"name": _("Enter a name.")})
    column = Column.objects.filter(org=org, name=name).first()
    if column is not None:
        return column
    try:
        with transaction.atomic():
            column = Column.objects.create(org=org, name=name, position=position)
    except IntegrityError:  # created meanwhile by a concurrent call: that one is the column
        return Column.objects.get(org=org, name=name)
    audit_record(
        actor=actor,
        action="portal.column.create",
        target=column,
        org=org,
        changes={"name": [None, name]},
    )
    public_version_bump()
    return column


@transaction.atomic
def topic_ensure(actor: Any, names: Sequence[str]) -> Topic:
    """The topic at the end of the path of names (本网专题 > 2022 > 互联网+普法宣传), creating
    what is missing on the way (idempotent)."""
    org = portal_org()
    access.require(actor, perms.EDIT, org)
    cleaned = [_clean(n, 100) for n in names]
    if not cleaned or not all(cleaned):
        raise DomainError({"name": _("Enter a name.")})
    parent: Topic | None = None
    for name in cleaned:
        topic = Topic.objects.filter(org=org, parent=parent, name=name).first()
        if topic is None:
            try:
                with transaction.atomic():
                    topic = Topic.objects.create(org=org, parent=parent, name=name)
            except IntegrityError:  # created meanwhile by a concurrent call
                parent = Topic.objects.get(org=org, parent=parent, name=name)
                continue
            audit_record(
                actor=actor,
                action="portal.topic.create",
                target=topic,
                org=org,
                changes={"name": [None, name], "parent": [None, str(parent or "")]},
            )
            public_version_bump()
        parent = topic
    if parent is None:  # pragma: no cover - names is never empty here
        raise DomainError({"name": _("Enter a name.")})
    return parent


def _check_fields(
    title: str, column: Column | None, topic: Topic | None, org: Organisation
) -> None:
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if column is not None and column.org_id != org.pk:
        raise DomainError({"column": _("Choose a column of this portal.")})
    if topic is not None and topic.org_id != org.pk:
        raise DomainError({"topic": _("Choose a special topic of this portal.")})


def _revision(actor: Any, article: Article) -> ArticleRevision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first()
    return ArticleRevision.objects.create(
        article=article,
        number=(last or 0) + 1,
        title=article.title,
        subtitle=article.subtitle,
        source=article.source,
        body=article.body,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def article_create(
    actor: Any,
    *,
    title: str,
    body: str,
    subtitle: str = "",
    source: str = "",
    column: Column | None = None,
    topic: Topic | None = None,
) -> Article:
    """A draft article; the body is sanitised, the first revision kept."""
    org = portal_org()
    access.require(actor, perms.EDIT, org)
    title = _clean(title, 200)
    _check_fields(title, column, topic, org)
    article = Article.objects.create(
        org=org,
        title=title,
        subtitle=_clean(subtitle, 200),
        source=_clean(source, 100),
        body=richtext.clean(body, profile="article"),
        column=column,
        topic=topic,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _revision(actor, article)
    search.index_article(article)
    audit_record(
        actor=actor,
        action="portal.article.create",
        target=article,
        org=org,
        changes=diff(
            {},
            {
                "title": title,
                "column": str(column or ""),
                "topic": str(topic or ""),
                "source": article.source,
            },
        ),
    )
    return article


@transaction.atomic
def article_update(
    actor: Any,
    article: Article,
    *,
    title: str,
    body: str,
    subtitle: str = "",
    source: str = "",
    column: Column | None = None,
    topic: Topic | None = None,
) -> Article:
    """Save a new text: a revision is kept for every save that changes something."""
    article = Article.objects.select_for_update().select_related("org").get(pk=article.pk)
    access.require(actor, perms.EDIT, article.org)
    title = _clean(title, 200)
    _check_fields(title, column, topic, article.org)
    fields = ("title", "subtitle", "source", "body", "column", "topic")
    before = {f: getattr(article, f) for f in fields}
    article.title = title
    article.subtitle = _clean(subtitle, 200)
    article.source = _clean(source, 100)
    article.body = richtext.clean(body, profile="article")
    article.column = column
    article.topic = topic
    after = {f: getattr(article, f) for f in fields}
    if before == after:
        return article
    article.save(update_fields=[*fields, "updated_at"])
    revision = _revision(actor, article)
    search.index_article(article)
    changes = diff(
        {k: str(v or "") for k, v in before.items() if k != "body"},
        {k: str(v or "") for k, v in after.items() if k != "body"},
    )
    if before["body"] != after["body"]:
        changes["body"] = [f"#{revision.number - 1}", f"#{revision.number}"]
    audit_record(
        actor=actor,
        action="portal.article.edit",
        target=article,
        org=article.org,
        changes=changes,
    )
    if article.state in PUBLIC_STATES:
        public_version_bump()
        if article.state == S.PUBLISHED and before["body"] != after["body"]:
            _audio_later(article)
    return article


def _transition(
    actor: Any, article: Article, action: str, *, at: datetime | None = None, reason: str = ""
) -> Article:
    article = ARTICLE.begin(actor, article, action)
    before = {"state": article.get_state_display(), "published_at": article.published_at}
    was_public = article.state in PUBLIC_STATES
    now = timezone.now()
    fields = ["updated_at"]
    target = ARTICLE[action].target
    if action == "publish":
        when = at or now
        target = S.SCHEDULED if when > now else S.PUBLISHED
        article.published_at = when
        fields.append("published_at")
    # The audit entry names the states in words, as it always has.
    after = {"state": str(S(target).label), "published_at": article.published_at}
    changes = diff(before, after)
    if reason:
        changes["reason"] = [None, reason]
    ARTICLE.finish(actor, article, action, fields=fields, changes=changes, to=target)
    if was_public or article.state in PUBLIC_STATES:
        public_version_bump()
    if article.state == S.PUBLISHED:
        _audio_later(article)
    return article


@transaction.atomic
def article_submit(actor: Any, article: Article) -> Article:
    """Draft (or unpublished) → review."""
    return _transition(actor, article, "submit")


@transaction.atomic
def article_return(actor: Any, article: Article, *, reason: str = "") -> Article:
    """Review → draft, with the publisher's reason."""
    return _transition(actor, article, "return", reason=_clean(reason, 500))


@transaction.atomic
def article_publish(actor: Any, article: Article, *, at: datetime | None = None) -> Article:
    """Review → published now (or at a past `at`, kept as its publication time), or scheduled
    when `at` lies in the future."""
    return _transition(actor, article, "publish", at=at)


@transaction.atomic
def article_unpublish(actor: Any, article: Article, *, reason: str = "") -> Article:
    """Published or scheduled → unpublished: off the portal at once."""
    reason = _clean(reason, 500)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    return _transition(actor, article, "unpublish", reason=reason)


def articles_release_due(*, now: datetime | None = None) -> int:
    """Publish every scheduled article whose time has come (the periodic task; safe to run
    twice: each article is released once, under its row lock)."""
    now = now or timezone.now()
    due = list(
        Article.objects.filter(state=S.SCHEDULED, published_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    released = 0
    for pk in due:
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=pk)
            if article.state != S.SCHEDULED or article.published_at is None:
                continue
            if article.published_at > now:
                continue
            _transition(None, article, "release")
            released += 1
    return released


@transaction.atomic
def article_image_add(
    actor: Any, article: Article, *, upload: Any, caption: str = ""
) -> ArticleImage:
    article = Article.objects.select_for_update().select_related("org").get(pk=article.pk)
    access.require(actor, perms.EDIT, article.org)
    checked = check_upload(upload, kinds=(JPEG, PNG))
    image = ArticleImage(
        article=article,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        caption=_clean(caption, 200),
    )
    image.file.save(checked.stored_name, checked.upload, save=False)
    image.save()
    audit_record(
        actor=actor,
        action="portal.article.image",
        target=article,
        org=article.org,
        target_label=f"{article} · {image.name}",
        changes={"image": [None, image.name]},
    )
    if article.state in PUBLIC_STATES:
        public_version_bump()
    return image


def _audio_later(article: Article) -> None:
    after_commit("mofan.portal.tasks.article_audio_task", article.pk)


def article_audio_make(*, article_id: int) -> bool:
    """Generate the read-aloud audio of a published article with the configured offline
    engine (for browsers without a Chinese voice), stored as MP3. False when no engine is
    available."""
    engine = speech.engine()
    if engine is None:
        return False
    article = Article.objects.filter(pk=article_id, state=S.PUBLISHED).first()
    if article is None:
        return False
    text = "\n".join(p for p in (article.title, article.subtitle, plain_text(article.body)) if p)
    data = speech.wav_to_mp3(engine.synthesize(text))
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("org").get(pk=article_id)
        old = locked.audio.name if locked.audio else ""
        locked.audio.save(f"article-{article_id}.mp3", ContentFile(data), save=False)
        locked.audio_engine = engine.name
        locked.save(update_fields=["audio", "audio_engine"])
        audit_record(
            actor=None,
            action="portal.article.audio",
            target=locked,
            org=locked.org,
            changes={"engine": [None, engine.name]},
        )
        public_version_bump()
    if old and old != locked.audio.name:
        locked.audio.storage.delete(old)
    return True
