"""The public pages' cache: one entry per URL under the current public version.

Every service that changes what the public sees bumps `PublicVersion` in the same transaction,
so after a publish, unpublish or edit the next request finds no entry of the new version and
renders afresh (old entries simply expire). The version lives in the database, so every
gunicorn worker sees the bump even with a per-process cache. Signed-in users (editors
previewing, back-office staff) always get a freshly rendered page that is never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from mofan.portal.selectors import public_version

TIMEOUT_SECONDS = 600  # a safety net; the version makes stale entries unreachable at once


def _key(request: HttpRequest, version: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"portal:page:{version}:{digest}"


def cached(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    if request.method != "GET" or request.user.is_authenticated:
        response = render()
        response["Cache-Control"] = "private, no-store"
        return response
    key = _key(request, public_version())
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
        response["X-Portal-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200:
        cache.set(key, (response.content, response["Content-Type"]), TIMEOUT_SECONDS)
    response["X-Portal-Cache"] = "miss"
    return response
