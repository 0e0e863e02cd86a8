"""Check-in by QR code, one mechanism for meetings and (later) volunteer activities.

The organiser's screen shows a QR code of a URL carrying a signed token that names the object
and a 30-second slot; the code changes every slot and a token is accepted for two slots. The
object's own window (a meeting's time) is checked by the service that records the check-in.
"""

from __future__ import annotations

import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.core import signing
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mofan.core.errors import DomainError

SLOT_SECONDS = 30
ACCEPTED_SLOTS = 2
SALT = "mofan.checkin"


def current_slot(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // SLOT_SECONDS)


def make_token(kind: str, object_id: int, *, now: float | None = None) -> str:
    return signing.dumps([kind, object_id, current_slot(now)], salt=SALT, compress=False)


def read_token(token: str, *, kind: str, now: float | None = None) -> int:
    """The object id of a valid, fresh token of this kind; a clear refusal otherwise."""
    try:
        token_kind, object_id, slot = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError(_("This check-in code is not valid.")) from exc
    if token_kind != kind or not isinstance(object_id, int) or not isinstance(slot, int):
        raise DomainError(_("This check-in code is not valid."))
    if not 0 <= current_slot(now) - slot < ACCEPTED_SLOTS:
        raise DomainError(_("This check-in code has expired; scan the code on the screen again."))
    return object_id


def qr_svg(url: str) -> SafeString:
    """An SVG QR code of our own URL (no user text), for inline use in a page."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration for inline use
    return mark_safe(svg)  # noqa: S308 - generated from our own URL
