"""The read-aloud fallback: an audio file made at publication by the offline engine."""

from __future__ import annotations

import io
import shutil
import wave
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from mofan.portal import services, speech
from mofan.portal.models import Article
from tests.portal.conftest import publish

pytestmark = pytest.mark.django_db

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


# MPEG audio frame headers (ISO 11172-3 / 13818-3), Layer III only: kbit/s by bitrate index
# for MPEG-1 and for MPEG-2/2.5, and samples per second by version and sample-rate index.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}


def mp3_frames(data: bytes) -> tuple[int, float]:
    """Walk an MP3 from its first byte frame by frame (every frame must start with the sync
    word where the previous one ended) and return the frame count and the seconds they hold."""
    frames, seconds, at = 0, 0.0, 0
    while at < len(data):
        head = int.from_bytes(data[at : at + 4], "big")
        assert head >> 21 == 0x7FF, f"no frame sync at byte {at}"
        version = {0b11: 1, 0b10: 2, 0b00: 25}[(head >> 19) & 0b11]
        assert (head >> 17) & 0b11 == 0b01, "not Layer III"
        kbps = _BITRATES[1 if version == 1 else 2][(head >> 12) & 0xF]
        rate = _RATES[version][(head >> 10) & 0b11]
        padding = (head >> 9) & 1
        samples = 1152 if version == 1 else 576
        length = samples // 8 * kbps * 1000 // rate + padding
        assert length > 4
        at += length
        frames += 1
        seconds += samples / rate
    assert at == len(data), "the last frame is cut short"
    return frames, seconds


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return wav.getnframes() / wav.getframerate()


@needs_espeak
def test_publishing_makes_a_playable_mp3(
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
    assert article.audio.name.endswith(".mp3")
    response = client.get(f"/portal/articles/{article.pk}/audio/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/mpeg"
    assert ".mp3" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    frames, seconds = mp3_frames(data)
    assert frames > 50
    # The same text read again gives the same WAV; the MP3 holds as much time (LAME adds one
    # frame of delay and pads the last frame) in a fifth of the bytes or less.
    wav = speech.EspeakEngine().synthesize("模拟法庭进校园\n同学们体验了一次完整的庭审。")
    assert abs(seconds - wav_seconds(wav)) < 0.15
    assert seconds > 1.5  # a dozen syllables read aloud, not an empty file
    assert len(data) * 5 <= len(wav)
    page = client.get(f"/portal/articles/{article.pk}/").content.decode()
    assert f'data-audio="/portal/articles/{article.pk}/audio/"' in page


@needs_espeak
def test_the_mp3_is_mono_at_the_rate_espeak_speaks() -> None:
    wav = speech.EspeakEngine().synthesize("法治宣传进社区，学法用法在身边。" * 3)
    data = speech.wav_to_mp3(wav)
    head = int.from_bytes(data[:4], "big")
    assert (head >> 6) & 0b11 == 0b11  # channel mode: single channel
    assert _RATES[2][(head >> 10) & 0b11] == 22050 and (head >> 19) & 0b11 == 0b10
    assert _BITRATES[2][(head >> 12) & 0xF] == speech.MP3_KILOBITS_PER_SECOND
    assert len(data) * 5 <= len(wav)


def test_a_wav_made_before_the_encoder_is_still_served(
    client: Client, portal: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        article = publish("旧录音", "<p>正文。</p>")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x00\x00" * 22050)
    article.audio.save(f"article-{article.pk}.wav", ContentFile(buffer.getvalue()))
    response = client.get(f"/portal/articles/{article.pk}/audio/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert wav_seconds(b"".join(response.streaming_content)) == 1.0


def test_only_16_bit_samples_are_encoded() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x80" * 800)
    with pytest.raises(ValueError, match="16-bit"):
        speech.wav_to_mp3(buffer.getvalue())


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
