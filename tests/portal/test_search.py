"""Search in Chinese, on whichever database the tests run on (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from mofan.portal import search, services
from tests.portal.conftest import publish

pytestmark = pytest.mark.django_db


def test_the_backend_matches_the_database() -> None:
    expected = "PostgresBackend" if connection.vendor == "postgresql" else "SqliteBackend"
    assert type(search.backend()).__name__ == expected


def test_finds_a_word_and_ranks_the_title_hit_first(portal: dict[str, Any]) -> None:
    # The body hit is newer and mentions the word more often; the title hit still ranks first.
    title_hit = publish(
        "模拟法庭开进兰州市第三十二中学",
        "<p>同学们分别扮演审判长和辩护人。</p>",
        at=timezone.now() - timedelta(days=3),
    )
    body_hit = publish(
        "青少年法治宣传五方协议签订",
        "<p>服务队将在学校开展模拟法庭活动。</p><p>模拟法庭让孩子们体验庭审，模拟法庭很受欢迎。</p>",
    )
    publish("双周学习制度", "<p>理论学习常态化。</p>")
    hits = search.search("模拟法庭")
    assert [h.article for h in hits] == [title_hit, body_hit]
    assert "<mark>模拟法庭</mark>" in hits[0].title
    assert "<mark>模拟法庭</mark>" in hits[1].snippet


def test_every_word_of_the_query_must_occur(portal: dict[str, Any]) -> None:
    both = publish("禁毒宣传进校园", "<p>司法警察讲解新型毒品。</p>")
    publish("禁毒知识手册发放", "<p>社区发放宣传手册。</p>")
    assert [h.article for h in search.search("禁毒 司法警察")] == [both]
    assert search.search("不存在的词语组合") == []
    assert search.search("   ") == []


def test_only_public_articles_are_found(portal: dict[str, Any]) -> None:
    services.article_create(None, title="模拟法庭草稿", body="<p>未发布</p>")
    publish("模拟法庭定时稿", at=timezone.now() + timedelta(days=1))
    withdrawn = publish("模拟法庭撤稿")
    services.article_unpublish(None, withdrawn, reason="撤")
    assert search.search("模拟法庭") == []


def test_edits_are_searchable_at_once(portal: dict[str, Any]) -> None:
    article = publish("普法宣传", "<p>旧的内容</p>")
    assert search.search("心理健康") == []
    services.article_update(None, article, title="普法宣传", body="<p>新增心理健康讲座</p>")
    assert [h.article for h in search.search("心理健康")] == [article]
    assert search.search("旧的内容") == []


def test_snippets_escape_the_text(portal: dict[str, Any]) -> None:
    publish("转义测试", "<p>&lt;b&gt;普法&lt;/b&gt; 宣传</p>")
    hit = search.search("普法")[0]
    assert "&lt;b&gt;<mark>普法</mark>&lt;/b&gt;" in hit.snippet


def test_search_page(client: Client, portal: dict[str, Any]) -> None:
    publish("模拟法庭开进校园", "<p>庭审体验</p>")
    page = client.get("/portal/search/", {"q": "模拟法庭"}).content.decode()
    assert 'data-testid="search-hit"' in page and "<mark>模拟法庭</mark>" in page
    assert "找到 1 篇文章" in page
