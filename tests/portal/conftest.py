from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from mofan.portal import services
from mofan.portal.models import Article
from tests.conftest import Tree


@pytest.fixture(autouse=True)
def no_speech_engine(settings: Any) -> None:
    """No audio unless a test asks for it (test_audio.py sets the engine back)."""
    settings.PORTAL_SPEECH_ENGINE = ""


def publish(
    title: str,
    body: str = "<p>正文</p>",
    *,
    at: datetime | None = None,
    **fields: Any,
) -> Article:
    article = services.article_create(None, title=title, body=body, **fields)
    services.article_submit(None, article)
    return services.article_publish(None, article, at=at)


@pytest.fixture
def portal(tree: Tree) -> dict[str, Any]:
    column = services.column_ensure(None, "要闻动态")
    topic = services.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    return {"column": column, "topic": topic, "tree": tree}
