"""Benchmark: the size of the read-aloud recording per 1,000 characters of article text.

espeak-ng (`portal.speech.EspeakEngine`, voice cmn) reads a text of generated sentences of
exactly `--chars` characters (punctuation included, as in an article); the WAV it writes is
what was stored before the MP3 encoder, the MP3 (`portal.speech.wav_to_mp3`, mono, the WAV's
sample rate, 32 kbit/s) is what is stored now. Prints both sizes per 1,000 characters, the
ratio, the length of the reading and the time to encode. Target: the MP3 at least 5× smaller.

Run: `make bench`, or `.venv/bin/python bench/readaloud_size.py --chars 1000`. Needs espeak-ng;
no database.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import wave
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.portal_scale import _sentence


def article_text(chars: int, seed: int = 20221016) -> str:
    rng = random.Random(seed)
    text = ""
    while len(text) < chars:
        text += _sentence(rng)
    return text[:chars]


def measure(chars: int) -> dict[str, Any]:
    from mofan.portal import speech

    text = article_text(chars)
    started = time.perf_counter()
    wav = speech.EspeakEngine().synthesize(text)
    synthesised = time.perf_counter()
    mp3 = speech.wav_to_mp3(wav)
    encoded = time.perf_counter()
    with wave.open(io.BytesIO(wav)) as reading:
        seconds = reading.getnframes() / reading.getframerate()
        rate = reading.getframerate()
    per_thousand = 1000 / chars
    return {
        "chars": chars,
        "rate": rate,
        "seconds": seconds,
        "wav_per_1000": len(wav) * per_thousand,
        "mp3_per_1000": len(mp3) * per_thousand,
        "ratio": len(wav) / len(mp3),
        "synthesis_s": synthesised - started,
        "encoding_s": encoded - synthesised,
    }


def report(figures: dict[str, Any]) -> None:
    print(
        f"read-aloud recording of {figures['chars']:,} characters ({os.getloadavg()[0]:.1f} load)"
    )
    print(f"  reading: {figures['seconds']:.0f} s of speech at {figures['rate']:,} Hz")
    print(f"  WAV per 1,000 characters: {figures['wav_per_1000'] / 1e6:.2f} MB")
    print(f"  MP3 per 1,000 characters: {figures['mp3_per_1000'] / 1e6:.2f} MB")
    print(f"  ratio: {figures['ratio']:.1f}x (target >= 5x)")
    print(f"  espeak-ng {figures['synthesis_s']:.2f} s, MP3 encoding {figures['encoding_s']:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
    import django

    django.setup()
    report(measure(args.chars))
