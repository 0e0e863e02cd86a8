"""A picture code for the sign-in form, drawn here as SVG: no outside service, no image library.

The answer lives in the server-side session and is good for one try, so a code cannot be
replayed and a wrong guess always costs a new picture.
"""

from __future__ import annotations

import hmac
import random
import secrets
import unicodedata

from django.contrib.sessions.backends.base import SessionBase
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SESSION_KEY = "mofan_captcha"
LENGTH = 5
WIDTH, HEIGHT = 220, 70

# Seven strokes on a 20 × 36 box: a top, b upper right, c lower right, d bottom,
# e lower left, f upper left, g middle.
_SEGMENTS = {
    "a": ((0, 0), (20, 0)),
    "b": ((20, 0), (20, 18)),
    "c": ((20, 18), (20, 36)),
    "d": ((0, 36), (20, 36)),
    "e": ((0, 18), (0, 36)),
    "f": ((0, 0), (0, 18)),
    "g": ((0, 18), (20, 18)),
}
_DIGITS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abged",
    "3": "abgcd",
    "4": "fgbc",
    "5": "afgcd",
    "6": "afgedc",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
}
_INK = ("#1f2d3d", "#7a1712", "#123f6b", "#2f4f1f", "#4b2a63")
_NOISE = ("#c9a227", "#8fb3d9", "#d98f8f", "#9fc59f")


def issue(session: SessionBase) -> str:
    """A new code for this session (replacing any earlier one); returns its picture."""
    answer = "".join(secrets.choice("0123456789") for _ in range(LENGTH))
    session[SESSION_KEY] = answer
    return render_svg(answer)


def check(session: SessionBase, given: str) -> bool:
    """Whether `given` is the code last shown; the code is used up either way."""
    answer = session.pop(SESSION_KEY, None)
    given = "".join(unicodedata.normalize("NFKC", given or "").split())
    return bool(answer) and hmac.compare_digest(str(answer), given)


def render_svg(answer: str) -> SafeString:
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - jitter only, the code is secrets'
    strokes: list[tuple[str, str, str]] = []
    for index, digit in enumerate(answer):
        left = 16 + index * 40 + rng.uniform(-4, 4)
        top = 14 + rng.uniform(-5, 5)
        skew = rng.uniform(-0.25, 0.25)
        ink = rng.choice(_INK)
        jitter = {point: (rng.uniform(-2, 2), rng.uniform(-2, 2)) for point in _corners()}
        for name in _DIGITS[digit]:
            (x1, y1), (x2, y2) = _SEGMENTS[name]
            points = []
            for x, y in ((x1, y1), (x2, y2)):
                dx, dy = jitter[(x, y)]
                points.append((left + x + skew * (18 - y) + dx, top + y + dy))
            (ax, ay), (bx, by) = points
            strokes.append(
                (f"M{ax:.1f} {ay:.1f}L{bx:.1f} {by:.1f}", ink, f"{rng.uniform(3, 4.2):.1f}")
            )
    noise = []
    for _ in range(4):
        ys = [rng.uniform(8, HEIGHT - 8) for _ in range(4)]
        path = (
            f"M0 {ys[0]:.1f}C{WIDTH / 3:.1f} {ys[1]:.1f} {2 * WIDTH / 3:.1f} {ys[2]:.1f} "
            f"{WIDTH} {ys[3]:.1f}"
        )
        noise.append((path, rng.choice(_NOISE), "1.6"))
    paths = format_html_join(
        "",
        '<path d="{}" stroke="{}" stroke-width="{}" stroke-linecap="round" fill="none"/>',
        noise[:2] + strokes + noise[2:],
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'focusable="false" aria-hidden="true" class="captcha-image">'
        '<rect width="100%" height="100%" fill="#f7f3ea"/>{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        paths,
    )


def _corners() -> set[tuple[int, int]]:
    return {point for segment in _SEGMENTS.values() for point in segment}
