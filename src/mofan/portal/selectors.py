"""Reads of the portal. Public reads show published articles whose time has come and nothing
else; back-office reads go through `access.scope`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mofan.core import access
from mofan.portal import permissions as perms
from mofan.portal.models import (
    Article,
    ArticleImage,
    ArticleRevision,
    ArticleState,
    Column,
    PublicVersion,
    Topic,
)


def public_version() -> int:
    number = PublicVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 1


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(
        state=ArticleState.PUBLISHED, published_at__lte=timezone.now()
    ).order_by("-published_at", "-id")


def public_article_get(*, pk: int) -> Article | None:
    return public_articles().select_related("column", "topic").filter(pk=pk).first()


def public_image_get(*, pk: int) -> ArticleImage | None:
    return (
        ArticleImage.objects.filter(pk=pk, article__in=public_articles().values("pk"))
        .select_related("article")
        .first()
    )


def columns() -> list[Column]:
    return list(Column.objects.order_by("position", "id"))


def column_get(*, pk: int) -> Column | None:
    """A column of the portal (every column is public)."""
    return Column.objects.filter(pk=pk).first()


def topic_path(topic: Topic | None) -> list[Topic]:
    """The topic and its ancestors, from the top (本网专题, 2022, 互联网+普法宣传)."""
    path: list[Topic] = []
    seen: set[int] = set()
    while topic is not None and topic.pk not in seen:
        seen.add(topic.pk)
        path.insert(0, topic)
        topic = topic.parent
    return path


def topic_tree() -> list[tuple[Topic, int]]:
    """Every topic with its depth, parents before children (one query)."""
    topics = list(Topic.objects.order_by("position", "id"))
    children: dict[int | None, list[Topic]] = {}
    for t in topics:
        children.setdefault(t.parent_id, []).append(t)
    out: list[tuple[Topic, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for t in children.get(parent, []):
            out.append((t, depth))
            walk(t.pk, depth + 1)

    walk(None, 0)
    return out


def topic_get(*, pk: int) -> Topic | None:
    topic = Topic.objects.filter(pk=pk).first()
    if topic is None:
        return None
    # Load the ancestors (a handful of levels) for the breadcrumb.
    parent_id = topic.parent_id
    node = topic
    while parent_id is not None:
        node.parent = Topic.objects.get(pk=parent_id)
        node = node.parent
        parent_id = node.parent_id
    return topic


def topic_descendant_ids(topic: Topic) -> list[int]:
    ids = [topic.pk]
    frontier = [topic.pk]
    while frontier:
        frontier = list(Topic.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The previous (older) and next (newer) public article of the same column or topic."""
    qs = public_articles()
    if article.topic_id:
        qs = qs.filter(topic_id=article.topic_id)
    elif article.column_id:
        qs = qs.filter(column_id=article.column_id)
    older = Q(published_at__lt=article.published_at) | Q(
        published_at=article.published_at, pk__lt=article.pk
    )
    newer = Q(published_at__gt=article.published_at) | Q(
        published_at=article.published_at, pk__gt=article.pk
    )
    previous = qs.filter(older).only("pk", "title").first()
    following = qs.filter(newer).order_by("published_at", "pk").only("pk", "title").first()
    return previous, following


# Back office


def article_list(*, actor: Any, state: str = "") -> QuerySet[Article]:
    qs = access.scope(
        Article.objects.select_related("column", "topic", "created_by"), actor, perms.EDIT
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-id")


def article_get(*, actor: Any, pk: int, permission: str = perms.EDIT) -> Article:
    return access.get_for_actor(
        Article.objects.select_related("org", "column", "topic"), actor, permission, pk=pk
    )


def image_get(*, actor: Any, pk: int) -> ArticleImage:
    """A picture of an article in the editor's scope, public or not (404 otherwise)."""
    return access.get_for_actor(
        ArticleImage.objects.select_related("article"), actor, perms.EDIT, pk=pk
    )


def revisions(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("created_by").order_by("-number")


def revision_get(article: Article, number: int) -> ArticleRevision | None:
    return article.revisions.filter(number=number).first()
