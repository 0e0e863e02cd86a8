"""The public pages' cache: one entry per URL under the current public version.

Every service that changes what the public sees bumps `PublicVersion` in the same transaction,
so after a publish, unpublish or edit the next request finds no entry of the new version and
renders afresh (old entries simply expire). The version lives in the database, so every
gunicorn worker sees the bump even with a per-process cache. Signed-in users (editors
previewing, back-office staff) always get a freshly rendered page that is never stored.

`PublicPageCacheMiddleware` answers cookie-less visitors from the cache before any other
middleware runs, and stores what `cached` marked; `cached` itself also answers from the cache
(visitors with a session cookie who are not signed in).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from mofan.portal.selectors import public_version

TIMEOUT_SECONDS = 600  # a safety net; the version makes stale entries unreachable at once
HEADER = "X-Portal-Cache"


def key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"portal:page:{public_version()}:{digest}"


def freeze(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    headers = [(k, v) for k, v in response.headers.items() if k != HEADER]
    return response.content, headers


def rebuild(stored: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


def cached(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for anonymous visitors from the cache (or rendered and marked for storing);
    for signed-in users always rendered afresh and never stored."""
    if request.method != "GET" or request.user.is_authenticated:
        response = render()
        response["Cache-Control"] = "private, no-store"
        return response
    page_key = key(request)
    stored: Any = cache.get(page_key)
    if stored is not None:
        return rebuild(stored)
    response = render()
    response[HEADER] = "miss"
    if response.status_code == 200:
        # Stored by the middleware with the final headers (security headers included).
        response.portal_cacheable = True  # type: ignore[attr-defined]
    return response
