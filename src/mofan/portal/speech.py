"""Offline speech engines for the read-aloud audio (a fallback for browsers without a Chinese
voice). An engine turns text into the bytes of a WAV file; `engine()` picks the configured one
(setting PORTAL_SPEECH_ENGINE, a dotted path; "" turns the fallback off) if it is available.
`wav_to_mp3` compresses what an engine made before it is stored (a WAV of speech is about ten
times larger than an MP3 at a speech bitrate)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Protocol

import lameenc
from django.conf import settings
from django.utils.module_loading import import_string


class SpeechEngine(Protocol):
    name: str

    def available(self) -> bool: ...

    def synthesize(self, text: str) -> bytes:
        """The WAV file of `text` read in Mandarin."""
        ...


class EspeakEngine:
    """espeak-ng with its Mandarin voice `cmn`: robotic, but offline and free."""

    name = "espeak-ng"
    voice = "cmn"
    words_per_minute = 170
    timeout_seconds = 120

    def available(self) -> bool:
        return shutil.which("espeak-ng") is not None

    def synthesize(self, text: str) -> bytes:
        # Written to a file (not stdout), so the WAV header carries the real sizes.
        with tempfile.TemporaryDirectory(prefix="mofan-speech-") as tmp:
            out = Path(tmp) / "speech.wav"
            subprocess.run(  # noqa: S603 - fixed program, text on stdin
                [
                    shutil.which("espeak-ng") or "espeak-ng",
                    "-v",
                    self.voice,
                    "-s",
                    str(self.words_per_minute),
                    "-w",
                    str(out),
                    "--stdin",
                ],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout_seconds,
                check=True,
            )
            return out.read_bytes()


DEFAULT_ENGINE = "mofan.portal.speech.EspeakEngine"


def engine() -> SpeechEngine | None:
    path = getattr(settings, "PORTAL_SPEECH_ENGINE", DEFAULT_ENGINE)
    if not path:
        return None
    candidate: SpeechEngine = import_string(path)()
    return candidate if candidate.available() else None


MP3_KILOBITS_PER_SECOND = 32  # one synthetic voice; music would want four times as much


def wav_to_mp3(wav_bytes: bytes, *, kilobits_per_second: int = MP3_KILOBITS_PER_SECOND) -> bytes:
    """The MP3 of a 16-bit PCM WAV, mono, at the WAV's own sample rate (espeak-ng: 22,050 Hz).
    Stereo input is encoded as it is; anything but 16-bit samples is refused (ValueError)."""
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM can be encoded")
        channels = wav.getnchannels()
        rate = wav.getframerate()
        pcm = wav.readframes(wav.getnframes())
    encoder = lameenc.Encoder()
    encoder.set_channels(channels)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_bit_rate(kilobits_per_second)
    encoder.set_quality(5)  # LAME's default trade-off: 1.4 s for 1,000 characters on one core
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())
