"""The portal's pages: the public site (breadcrumb, previous/next, feeds, cache) and the back
office (writing, the workflow, revisions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mofan.portal import services
from mofan.portal.models import Article, ArticleState
from tests.conftest import login, make_user, png_bytes
from tests.portal.conftest import publish

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def test_article_page_breadcrumb_neighbours_and_close(
    client: Client, portal: dict[str, Any]
) -> None:
    topic = portal["topic"]
    older = publish("较早的文章", topic=topic, at=datetime(2022, 3, 20, 9, tzinfo=BEIJING))
    article = publish(
        "提高党建质量 建设“模范机关”",
        "<p>正文第一段。</p>",
        subtitle="市直机关党建工作优秀案例选登",
        source="兰州日报",
        topic=topic,
        at=datetime(2022, 3, 29, 9, tzinfo=BEIJING),
    )
    newer = publish("较新的文章", topic=topic, at=datetime(2022, 4, 2, 9, tzinfo=BEIJING))
    page = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    crumb = page.split('data-testid="breadcrumb">')[1].split("</nav>")[0]
    assert "您的位置：" in crumb
    for name in ("首页", "本网专题", "2022", "互联网+普法宣传"):
        assert f">{name}</a>" in crumb
    assert "2022年3月29日 09:00" in page and "来源：兰州日报" in page
    assert "市直机关党建工作优秀案例选登" in page
    assert f'href="/portal/articles/{older.pk}/" data-testid="previous"' in page
    assert f'href="/portal/articles/{newer.pk}/" data-testid="next"' in page
    assert f'href="/portal/topics/{topic.pk}/" data-back' in page  # the close control
    assert "data-readaloud" in page and "portal/readaloud.js" in page


def test_home_column_and_topic_lists(client: Client, portal: dict[str, Any]) -> None:
    in_column = publish("栏目里的文章", column=portal["column"])
    in_topic = publish("专题里的文章", topic=portal["topic"])
    home = client.get("/portal/").content.decode()
    assert "栏目里的文章" in home and "专题里的文章" in home and "要闻动态" in home
    column = client.get(f"/portal/columns/{portal['column'].pk}/").content.decode()
    assert in_column.title in column and in_topic.title not in column
    # A topic shows the articles of its sub-topics too.
    top = portal["topic"].parent.parent
    listing = client.get(f"/portal/topics/{top.pk}/").content.decode()
    assert in_topic.title in listing and in_column.title not in listing
    assert "2022" in listing  # its sub-topic is offered


def test_feeds_of_a_column_and_a_topic(client: Client, portal: dict[str, Any]) -> None:
    publish("栏目订阅文章", column=portal["column"])
    publish("专题订阅文章", topic=portal["topic"])
    services.article_create(None, title="未发布的草稿", body="", column=portal["column"])
    feed = client.get(f"/portal/columns/{portal['column'].pk}/rss/")
    assert feed["Content-Type"].startswith("application/rss+xml")
    body = feed.content.decode()
    assert "<title>栏目订阅文章</title>" in body and "草稿" not in body
    top = portal["topic"].parent.parent
    body = client.get(f"/portal/topics/{top.pk}/rss/").content.decode()
    assert "<title>专题订阅文章</title>" in body and "栏目订阅文章" not in body


def test_the_public_sees_no_unpublished_article(client: Client, portal: dict[str, Any]) -> None:
    draft = services.article_create(
        None, title="草稿文章", body="<p>草稿</p>", column=portal["column"]
    )
    review = services.article_submit(
        None,
        services.article_create(None, title="待审文章", body="", topic=portal["topic"]),
    )
    scheduled = publish("定时文章", at=timezone.now() + timedelta(days=1), column=portal["column"])
    withdrawn = publish("撤下文章", column=portal["column"])
    services.article_unpublish(None, withdrawn, reason="撤")
    hidden = [draft, review, scheduled, withdrawn]
    pages = [
        "/portal/",
        f"/portal/columns/{portal['column'].pk}/",
        f"/portal/topics/{portal['topic'].pk}/",
        f"/portal/columns/{portal['column'].pk}/rss/",
        f"/portal/topics/{portal['topic'].pk}/rss/",
        "/portal/search/?q=文章",
    ]
    for url in pages:
        text = client.get(url).content.decode()
        for article in hidden:
            assert article.title not in text, (url, article.title)
    for article in hidden:
        assert client.get(f"/portal/articles/{article.pk}/").status_code == 404
        assert client.get(f"/portal/articles/{article.pk}/audio/").status_code == 404


def test_article_page_is_cached_and_invalidated(client: Client, portal: dict[str, Any]) -> None:
    article = publish("缓存的文章", "<p>第一版</p>", topic=portal["topic"])
    url = f"/portal/articles/{article.pk}/"
    topic_url = f"/portal/topics/{portal['topic'].pk}/"
    assert client.get(url)["X-Portal-Cache"] == "miss"
    assert client.get(url)["X-Portal-Cache"] == "hit"
    assert client.get(topic_url)["X-Portal-Cache"] == "miss"
    assert client.get(topic_url)["X-Portal-Cache"] == "hit"
    services.article_update(
        None, article, title="缓存的文章", body="<p>第二版</p>", topic=portal["topic"]
    )
    response = client.get(url)
    assert response["X-Portal-Cache"] == "miss" and "第二版" in response.content.decode()
    newcomer = publish("新发布的文章", topic=portal["topic"])
    assert newcomer.title in client.get(topic_url).content.decode()
    services.article_unpublish(None, article, reason="撤")
    assert client.get(url).status_code == 404
    assert article.title not in client.get(topic_url).content.decode()


def test_signed_in_users_are_never_served_or_stored_from_the_cache(
    client: Client, portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    article = publish("预览缓存", "<p>正文</p>")
    url = f"/portal/articles/{article.pk}/"
    editor = make_user(
        "editor", grants=[(roles["work_committee_admin"], portal["tree"].root, True)]
    )
    login(client, editor)
    for _ in range(2):
        response = client.get(url)
        assert "X-Portal-Cache" not in response and "no-store" in response["Cache-Control"]
    preview = client.get(reverse("portal:article_preview", args=[article.pk]))
    assert "no-store" in preview["Cache-Control"]
    anonymous = Client()
    assert anonymous.get(url)["X-Portal-Cache"] == "miss"  # the editor's visits stored nothing


def test_editor_writes_submits_and_publishes(
    client: Client, portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    editor = make_user(
        "editor", grants=[(roles["work_committee_admin"], portal["tree"].root, True)]
    )
    login(client, editor)
    response = client.post(
        reverse("portal:article_create"),
        {
            "title": "模拟法庭开进校园",
            "subtitle": "",
            "source": "市司法局",
            "column": portal["column"].pk,
            "topic": portal["topic"].pk,
            "body": '<p onmouseover="x()">第一段</p><script>alert(1)</script>',
        },
    )
    article = Article.objects.get(title="模拟法庭开进校园")
    assert response.url == reverse("portal:article_edit", args=[article.pk])
    assert article.body == "<p>第一段</p>" and article.topic == portal["topic"]
    edit = client.get(response.url).content.decode()
    assert "提交审核" in edit and "草稿" in edit
    client.post(reverse("portal:article_submit", args=[article.pk]))
    client.post(reverse("portal:article_decide", args=[article.pk]), {"action": "publish"})
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED
    assert Client().get(f"/portal/articles/{article.pk}/").status_code == 200
    client.post(
        reverse("portal:article_decide", args=[article.pk]),
        {"action": "unpublish", "reason": ""},
    )
    assert Article.objects.get(pk=article.pk).state == ArticleState.PUBLISHED  # reason needed


def test_scheduling_from_the_edit_page(
    client: Client, portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    editor = make_user(
        "editor", grants=[(roles["work_committee_admin"], portal["tree"].root, True)]
    )
    login(client, editor)
    article = services.article_submit(
        editor, services.article_create(editor, title="定时稿", body="<p>正文</p>")
    )
    later = timezone.localtime() + timedelta(days=2)
    client.post(
        reverse("portal:article_decide", args=[article.pk]),
        {"action": "publish", "at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    article.refresh_from_db()
    assert article.state == ArticleState.SCHEDULED
    assert Client().get(f"/portal/articles/{article.pk}/").status_code == 404


def test_revisions_page_shows_the_difference(
    client: Client, portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    editor = make_user(
        "editor", grants=[(roles["work_committee_admin"], portal["tree"].root, True)]
    )
    login(client, editor)
    article = services.article_create(
        editor, title="初稿", body="<p>保留的段落</p><p>删去的段落</p>"
    )
    services.article_update(
        editor, article, title="二稿", body="<p>保留的段落</p><p>新增的段落</p>"
    )
    page = client.get(reverse("portal:article_revisions", args=[article.pk]), {"a": 1, "b": 2})
    diff = page.content.decode().split('data-testid="diff">')[1].split("</div></div>")[0]
    assert 'portal-diff-del">- 删去的段落' in diff and 'portal-diff-add">+ 新增的段落' in diff
    assert 'portal-diff-del">- 初稿' in diff and 'portal-diff-add">+ 二稿' in diff
    assert '<div class="">  保留的段落</div>' in diff


def test_pictures_are_checked_and_served_once_public(
    client: Client, portal: dict[str, Any], roles: dict[str, Any]
) -> None:
    editor = make_user(
        "editor", grants=[(roles["work_committee_admin"], portal["tree"].root, True)]
    )
    login(client, editor)
    article = services.article_create(editor, title="有图的文章", body="<p>正文</p>")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("portal:article_image_add", args=[article.pk]),
        {"file": SimpleUploadedFile("x.png", b"<script>not a png</script>"), "caption": "坏"},
    )
    assert not article.images.exists()
    client.post(
        reverse("portal:article_image_add", args=[article.pk]),
        {"file": SimpleUploadedFile("现场.png", png_bytes()), "caption": "活动现场"},
    )
    image = article.images.get()
    assert client.get(f"/portal/images/{image.pk}/").status_code == 200  # the editor sees it
    assert Client().get(f"/portal/images/{image.pk}/").status_code == 404  # not public yet
    services.article_publish(editor, services.article_submit(editor, article))
    public = Client().get(f"/portal/images/{image.pk}/")
    assert public.status_code == 200 and public["Content-Type"] == "image/png"
    assert "活动现场" in Client().get(f"/portal/articles/{article.pk}/").content.decode()


def test_article_page_and_topic_list_queries_do_not_grow(
    client: Client, portal: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    topic = portal["topic"]
    articles = [publish(f"文章{i}", topic=topic, column=portal["column"]) for i in range(20)]
    with django_assert_max_num_queries(12):
        assert client.get(f"/portal/topics/{topic.parent.parent.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/portal/articles/{articles[10].pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/portal/columns/{portal['column'].pk}/").status_code == 200
