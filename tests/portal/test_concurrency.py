"""Concurrent editors: one publication per article, one topic per path, every bump counted."""

from __future__ import annotations

from typing import Any

import pytest

from mofan.core.models import AuditEvent
from mofan.portal import selectors, services
from mofan.portal.models import Article, ArticleState, Topic
from tests.conftest import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_twice_at_once_publishes_once(portal: dict[str, Any]) -> None:
    article = services.article_submit(
        None, services.article_create(None, title="同时发布", body="<p>正文</p>")
    )
    version = selectors.public_version()
    wins, refusals = race(4, lambda: services.article_publish(None, article))
    assert len(wins) == 1 and len(refusals) == 3
    assert Article.objects.get(pk=article.pk).state == ArticleState.PUBLISHED
    assert AuditEvent.objects.filter(action="portal.article.publish").count() == 1
    assert selectors.public_version() == version + 1


def test_the_same_topic_path_at_once_makes_one_path(portal: dict[str, Any]) -> None:
    before = Topic.objects.count()
    wins, refusals = race(4, lambda: services.topic_ensure(None, ["本网专题", "2023", "学习"]))
    assert refusals == [] and len({t.pk for t in wins}) == 1
    assert Topic.objects.count() == before + 2
