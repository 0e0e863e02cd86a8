"""The portal's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py). The portal belongs to the work committee at the top (side
A's root): a column, a topic and a published article with a picture."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.portal import services as portal
from mofan.portal.models import Article, ArticleImage, ArticleRevision, Column, Topic
from tests.conftest import Post, Tree, World, png_bytes

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("portal:manage", "work_committee_admin", 12),
    ("portal:home", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    column = portal.column_ensure(None, "要闻动态")
    topic = portal.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    article = portal.article_create(
        None, title="已发布文章", body="<p>正文</p>", column=column, topic=topic
    )
    image = portal.article_image_add(None, article, upload=SimpleUploadedFile("p.png", png_bytes()))
    portal.article_publish(None, portal.article_submit(None, article))
    world.update(
        {
            "column_id": column.pk,
            "topic_id": topic.pk,
            "article_id": article.pk,
            "image_id": image.pk,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(Article.objects.values_list("state", "title", "body")),
        ArticleRevision.objects.count(),
        ArticleImage.objects.count(),
        Column.objects.count(),
        Topic.objects.count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    # The portal is the work committee's: side B's work committee administrator (an editor
    # and publisher there) changes nothing of it.
    article = world["article_id"]
    refused = frozenset({404})
    by = "work_committee_admin"
    return [
        Post(
            reverse("portal:article_edit", args=[article]),
            {"title": "篡改", "body": "篡改"},
            role=by,
            answers=refused,
        ),
        Post(reverse("portal:article_submit", args=[article]), {}, role=by, answers=refused),
        Post(
            reverse("portal:article_decide", args=[article]),
            {"action": "unpublish", "reason": "越权"},
            role=by,
            answers=refused,
        ),
        Post(
            reverse("portal:article_image_add", args=[article]),
            {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000")},
            role=by,
            answers=refused,
        ),
        Post(
            reverse("portal:structure"),
            {"name": "越权栏目"},
            role=by,
            answers=frozenset({403}),
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A published article (in a column and a topic) and a draft."""
    tag = rows["tag"]
    column = portal.column_ensure(None, "要闻动态")
    topic = portal.topic_ensure(None, ["本网专题", "2022"])
    article = portal.article_create(
        None, title=f"文章{tag}", body="<p>正文</p>", column=column, topic=topic
    )
    portal.article_publish(None, portal.article_submit(None, article))
    portal.article_create(None, title=f"草稿{tag}", body="<p>正文</p>")
