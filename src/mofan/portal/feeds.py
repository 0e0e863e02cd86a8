"""RSS feeds of a column and of a special topic (its sub-topics included)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.portal import selectors
from mofan.portal.models import Article, Column, Topic
from mofan.portal.text import plain_text

ITEMS = 30


class _ArticleFeed(Feed):
    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return plain_text(item.body)[:200]

    def item_link(self, item: Article) -> str:
        return reverse("portal:article", args=[item.pk])

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.source


class ColumnFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest, column_id: int) -> Column:
        column = Column.objects.filter(pk=column_id).first()
        if column is None:
            raise Http404
        return column

    def title(self, obj: Column) -> str:
        return f"{_('Mofan portal')} · {obj.name}"

    def link(self, obj: Column) -> str:
        return reverse("portal:column", args=[obj.pk])

    def description(self, obj: Column) -> str:
        return obj.name

    def items(self, obj: Column) -> Any:
        return selectors.public_articles().filter(column=obj)[:ITEMS]


class TopicFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest, topic_id: int) -> Topic:
        topic = selectors.topic_get(pk=topic_id)
        if topic is None:
            raise Http404
        return topic

    def title(self, obj: Topic) -> str:
        return f"{_('Mofan portal')} · " + " > ".join(t.name for t in selectors.topic_path(obj))

    def link(self, obj: Topic) -> str:
        return reverse("portal:topic", args=[obj.pk])

    def description(self, obj: Topic) -> str:
        return obj.name

    def items(self, obj: Topic) -> Any:
        ids = selectors.topic_descendant_ids(obj)
        return selectors.public_articles().filter(topic_id__in=ids)[:ITEMS]
