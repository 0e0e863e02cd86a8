"""The portal's writes: sanitising, the editorial workflow, scheduled publication, revisions,
audit, and what the public version does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.portal import selectors, services
from mofan.portal.models import Article, ArticleRevision, ArticleState, Topic
from tests.conftest import make_user
from tests.portal.conftest import publish

pytestmark = pytest.mark.django_db


def test_article_body_is_sanitised_on_create_and_on_edit(portal: dict[str, Any]) -> None:
    article = services.article_create(
        None, title="标题", body='<p onclick="x()">正文<script>alert(1)</script></p>'
    )
    assert article.body == "<p>正文</p>"
    article = services.article_update(
        None, article, title="标题", body='<p>改</p><iframe src="https://evil.example/">'
    )
    assert Article.objects.get(pk=article.pk).body == "<p>改</p>"


def test_topic_ensure_is_idempotent_and_nests(portal: dict[str, Any]) -> None:
    topic = services.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    assert topic == portal["topic"]
    assert [t.name for t in selectors.topic_path(selectors.topic_get(pk=topic.pk))] == [
        "本网专题",
        "2022",
        "互联网+普法宣传",
    ]
    assert Topic.objects.count() == 3
    other = services.topic_ensure(None, ["本网专题", "2023"])
    assert other.parent == topic.parent.parent
    assert Topic.objects.count() == 4


def test_workflow_from_draft_to_published_is_audited(portal: dict[str, Any]) -> None:
    article = services.article_create(
        None, title="模拟法庭进校园", body="<p>正文</p>", column=portal["column"]
    )
    assert article.state == ArticleState.DRAFT
    assert selectors.public_article_get(pk=article.pk) is None
    services.article_submit(None, article)
    assert Article.objects.get(pk=article.pk).state == ArticleState.REVIEW
    assert selectors.public_article_get(pk=article.pk) is None
    services.article_publish(None, article)
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED
    assert article.published_at is not None
    assert selectors.public_article_get(pk=article.pk) == article
    actions = list(
        AuditEvent.objects.filter(target_id=str(article.pk), action__startswith="portal.article")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "portal.article.create",
        "portal.article.submit",
        "portal.article.publish",
    ]


def test_publish_with_a_past_time_keeps_it(portal: dict[str, Any]) -> None:
    at = datetime(2022, 3, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    article = publish("提高党建质量", at=at)
    assert article.state == ArticleState.PUBLISHED
    assert article.published_at == at


def test_wrong_steps_are_refused_and_change_nothing(portal: dict[str, Any]) -> None:
    article = services.article_create(None, title="稿件", body="<p>正文</p>")
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="草稿"):
        services.article_publish(None, article)  # a draft is submitted first
    with pytest.raises(DomainError):
        services.article_unpublish(None, article, reason="撤")
    with pytest.raises(DomainError) as refused:
        services.article_unpublish(None, publish("另一篇"), reason="")
    assert "reason" in refused.value.message_dict
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT and article.published_at is None
    assert AuditEvent.objects.count() == events + 3  # only the other article's own steps


def test_scheduled_publication_waits_for_its_time(portal: dict[str, Any]) -> None:
    at = timezone.now() + timedelta(hours=2)
    article = publish("定时发布的文章", at=at, topic=portal["topic"])
    assert article.state == ArticleState.SCHEDULED
    assert selectors.public_article_get(pk=article.pk) is None
    assert not selectors.public_articles().filter(pk=article.pk).exists()
    assert services.articles_release_due() == 0
    assert Article.objects.get(pk=article.pk).state == ArticleState.SCHEDULED
    # The periodic task runs after the time has come.
    assert services.articles_release_due(now=at + timedelta(seconds=1)) == 1
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED and article.published_at == at
    assert services.articles_release_due(now=at + timedelta(minutes=1)) == 0  # runs twice safely
    assert AuditEvent.objects.filter(action="portal.article.release").count() == 1


def test_the_periodic_task_releases_due_articles(portal: dict[str, Any]) -> None:
    from mofan.portal.tasks import articles_release_due_task

    article = publish("马上发布", at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=5))
    articles_release_due_task.call_local()
    assert Article.objects.get(pk=article.pk).state == ArticleState.PUBLISHED


def test_unpublish_takes_the_article_off_and_it_can_come_back(portal: dict[str, Any]) -> None:
    article = publish("将撤下的文章")
    services.article_unpublish(None, article, reason="内容需更新")
    assert selectors.public_article_get(pk=article.pk) is None
    services.article_submit(None, article)
    services.article_publish(None, article)
    assert selectors.public_article_get(pk=article.pk) is not None


def test_every_change_keeps_a_revision(portal: dict[str, Any]) -> None:
    article = services.article_create(None, title="初稿", body="<p>第一段</p>")
    services.article_update(None, article, title="初稿", body="<p>第一段</p>")  # no change
    assert ArticleRevision.objects.filter(article=article).count() == 1
    services.article_update(None, article, title="二稿", body="<p>第一段</p><p>第二段</p>")
    revisions = list(ArticleRevision.objects.filter(article=article).order_by("number"))
    assert [(r.number, r.title) for r in revisions] == [(1, "初稿"), (2, "二稿")]
    assert revisions[1].body == "<p>第一段</p><p>第二段</p>"
    edit = AuditEvent.objects.get(action="portal.article.edit")
    assert edit.changes["title"] == ["初稿", "二稿"] and edit.changes["body"] == ["#1", "#2"]


def test_public_version_moves_with_public_changes_only(portal: dict[str, Any]) -> None:
    start = selectors.public_version()
    draft = services.article_create(None, title="草稿", body="<p>正文</p>")
    services.article_update(None, draft, title="草稿二", body="<p>正文</p>")
    assert selectors.public_version() == start  # nothing public changed
    article = publish("公开的文章")
    after_publish = selectors.public_version()
    assert after_publish > start
    services.article_update(None, article, title="公开的文章（修订）", body="<p>正文</p>")
    after_edit = selectors.public_version()
    assert after_edit > after_publish
    services.article_unpublish(None, article, reason="撤")
    assert selectors.public_version() > after_edit


def test_editors_need_the_code_on_the_portal_organisation(
    portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    tree = portal["tree"]
    outsider = make_user("b-admin", grants=[(roles["committee_admin"], tree.committee_b, True)])
    gongwei = make_user("gongwei", grants=[(roles["work_committee_admin"], tree.root, True)])
    with pytest.raises(PermissionDenied):
        services.article_create(outsider, title="越权", body="")
    article = services.article_create(gongwei, title="工委稿件", body="<p>正文</p>")
    assert article.org == tree.root and article.created_by == gongwei
    services.article_submit(gongwei, article)
    with pytest.raises(PermissionDenied):
        services.article_publish(outsider, article)
    services.article_publish(gongwei, article)
    assert Article.objects.get(pk=article.pk).state == ArticleState.PUBLISHED
