"""The read-aloud fallback: an audio file made at publication by the offline engine."""

from __future__ import annotations

import io
import shutil
import wave
from typing import Any

import pytest
from django.test import Client

from mofan.portal import services, speech
from mofan.portal.models import Article
from tests.portal.conftest import publish

pytestmark = pytest.mark.django_db

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


@needs_espeak
def test_publishing_makes_a_playable_wav(
    client: Client,
    portal: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PORTAL_SPEECH_ENGINE = speech.DEFAULT_ENGINE
    with django_capture_on_commit_callbacks(execute=True):
        article = publish("模拟法庭进校园", "<p>同学们体验了一次完整的庭审。</p>")
    article.refresh_from_db()
    assert article.audio and article.audio_engine == "espeak-ng"
    response = client.get(f"/portal/articles/{article.pk}/audio/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    data = b"".join(response.streaming_content)
    with wave.open(io.BytesIO(data)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
    assert seconds > 1.5  # a dozen syllables read aloud, not an empty file
    page = client.get(f"/portal/articles/{article.pk}/").content.decode()
    assert f'data-audio="/portal/articles/{article.pk}/audio/"' in page


def test_without_an_engine_the_page_says_so(
    client: Client, portal: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        article = publish("没有录音的文章", "<p>正文。</p>")
    assert not Article.objects.get(pk=article.pk).audio
    assert services.article_audio_make(article_id=article.pk) is False
    page = client.get(f"/portal/articles/{article.pk}/").content.decode()
    assert "data-audio=" not in page
    assert "暂不能朗读：本浏览器没有中文语音，本文也尚未生成朗读录音。" in page
    response = client.get(f"/portal/articles/{article.pk}/audio/")
    assert response.status_code == 302


class _Missing:
    name = "missing"

    def available(self) -> bool:
        return False

    def synthesize(self, text: str) -> bytes:  # pragma: no cover - never called
        raise AssertionError


def test_an_unavailable_engine_is_no_engine(settings: Any) -> None:
    settings.PORTAL_SPEECH_ENGINE = "tests.portal.test_audio._Missing"
    assert speech.engine() is None
