"""Offline speech engines for the read-aloud audio (a fallback for browsers without a Chinese
voice). An engine turns text into the bytes of a WAV file; `engine()` picks the configured one
(setting PORTAL_SPEECH_ENGINE, a dotted path; "" turns the fallback off) if it is available."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

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
